// The widget builder's Texts tab (docs/widget.md "Overriding texts"): every text the widget
// shows, per language, with its default beside an override the admin may type. The preview
// shows the language chosen here. The defaults are the widget's own packs (widget/src/i18n).
import { useMemo, useState } from "react";
import AR from "../../../widget/src/i18n/ar.json";
import DE from "../../../widget/src/i18n/de.json";
import EN from "../../../widget/src/i18n/en.json";
import ES from "../../../widget/src/i18n/es.json";
import FR from "../../../widget/src/i18n/fr.json";
import IT from "../../../widget/src/i18n/it.json";
import NL from "../../../widget/src/i18n/nl.json";
import PT from "../../../widget/src/i18n/pt.json";
import type { EmailLanguage } from "../types";
import { EMAIL_LANGUAGES, MAX_OVERRIDE } from "../widgetForm";

export const PACKS: Record<EmailLanguage, Record<string, string>> = {
  en: EN, es: ES, fr: FR, de: DE, pt: PT, it: IT, nl: NL, ar: AR,
};

type Overrides = Record<string, Record<string, string>>;

/** The overrides with one text changed (an empty one removed, and an empty language). */
export function withOverride(all: Overrides, lang: string, key: string, text: string): Overrides {
  const mine = { ...(all[lang] ?? {}) };
  if (text.trim()) mine[key] = text;
  else delete mine[key];
  const out = { ...all, [lang]: mine };
  if (!Object.keys(mine).length) delete out[lang];
  return out;
}

export function WidgetTexts({ overrides, lang, onLang, onChange, errors, disabled }: {
  overrides: Overrides;
  lang: EmailLanguage;
  onLang: (lang: EmailLanguage) => void;
  onChange: (overrides: Overrides) => void;
  errors: Record<string, string>;
  disabled: boolean;
}) {
  const [filter, setFilter] = useState("");
  const [changedOnly, setChangedOnly] = useState(false);
  const pack = PACKS[lang];
  const mine = overrides[lang] ?? {};
  const keys = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return Object.keys(pack).filter((k) => (!changedOnly || k in mine)
      && (!q || k.toLowerCase().includes(q) || (pack[k] ?? "").toLowerCase().includes(q)
        || (mine[k] ?? "").toLowerCase().includes(q)));
  }, [pack, mine, filter, changedOnly]);
  const count = Object.keys(mine).length;
  const rtl = lang === "ar";

  return (
    <div className="space-y-4">
      <p className="text-sm text-secondary-600">
        Every text the widget shows, in each of its languages. Type your own text to replace a
        default; leave it empty to keep the default. <code>{"{name}"}</code> placeholders are
        filled in by the widget; texts ending in <code>.one</code>, <code>.other</code>… are the
        forms of a count.
      </p>
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="texts-lang" className="label">Language</label>
          <select id="texts-lang" className="field" value={lang}
            onChange={(e) => onLang(e.target.value as EmailLanguage)}>
            {EMAIL_LANGUAGES.map((l) => (
              <option key={l.id} value={l.id}>
                {l.label}{overrides[l.id] ? ` (${Object.keys(overrides[l.id] ?? {}).length} changed)` : ""}
              </option>
            ))}
          </select>
        </div>
        <div className="min-w-48 flex-1">
          <label htmlFor="texts-filter" className="label">Find a text</label>
          <input id="texts-filter" type="search" className="field" value={filter}
            placeholder="e.g. placeholder, Talk to a person" onChange={(e) => setFilter(e.target.value)} />
        </div>
        <label className="flex items-center gap-2 pb-2 text-sm">
          <input type="checkbox" checked={changedOnly} onChange={(e) => setChangedOnly(e.target.checked)} />
          Changed only ({count})
        </label>
      </div>
      <ul className="divide-y divide-secondary-200 rounded border border-secondary-200" aria-label={`Texts in ${lang}`}>
        {keys.map((key) => {
          const error = errors[`text_overrides.${lang}.${key}`];
          const id = `text-${lang}-${key}`;
          return (
            <li key={key} className="space-y-1 px-3 py-2">
              <label htmlFor={id} className="block font-mono text-xs text-secondary-600">{key}</label>
              <p className="text-sm text-secondary-800" dir={rtl ? "rtl" : "ltr"} lang={lang}>
                <span className="sr-only">Default: </span>{pack[key]}
              </p>
              <input id={id} className="field" dir={rtl ? "rtl" : "auto"} lang={lang} value={mine[key] ?? ""}
                maxLength={MAX_OVERRIDE} disabled={disabled} placeholder="Default"
                aria-invalid={!!error} aria-describedby={error ? `${id}-error` : undefined}
                onChange={(e) => onChange(withOverride(overrides, lang, key, e.target.value))} />
              {error && <p id={`${id}-error`} className="text-sm text-error-700">{error}</p>}
            </li>
          );
        })}
        {!keys.length && <li className="px-3 py-2 text-sm text-secondary-600">No text matches.</li>}
      </ul>
    </div>
  );
}
