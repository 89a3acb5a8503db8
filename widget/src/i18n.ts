// The widget's languages (docs/widget.md "Languages"): which one a visitor gets, and a tiny
// ICU-like formatter. Shared by the loader (the launcher's labels) and the chat chunk; the
// texts themselves are in src/i18n/<lang>.json, one chunk per language (scripts/i18n.mjs).

export type Texts = Record<string, string>;
export type Params = Record<string, unknown>;

/** The languages with a pack in src/i18n (keep in step with chatserver/services/widget_texts.py). */
export const LANGS = ["en", "es", "fr", "de", "pt", "it", "nl", "ar"];

/** Right-to-left scripts: a visitor whose language is one of these gets a mirrored panel,
 * even when no pack of that language exists (Hebrew: the texts fall back). */
const RTL = /^(ar|he|iw|fa|ur|yi|ps|sd|ug|ckb|dv)\b/i;

/** The visitor's language: the first of their browser's languages (navigator.languages,
 * best first) that has a pack, comparing the primary subtag (pt-BR → pt); else the widget's
 * default language; else English. */
export function pickLang(prefs: readonly string[], fallback: string): string {
  for (const tag of prefs) {
    const lang = tag.toLowerCase().split(/[-_]/)[0] ?? "";
    if (LANGS.includes(lang)) return lang;
  }
  return LANGS.includes(fallback) ? fallback : "en";
}

/** Whether the panel is right to left: the texts' language is, or the visitor's first
 * language is (Hebrew has no pack: the texts fall back, the layout still mirrors). */
export const isRtl = (lang: string, prefs: readonly string[]): boolean =>
  RTL.test(lang) || RTL.test(prefs[0] ?? "");

/** `texts[key]` with `{name}` replaced from params. With a numeric `n` param, the plural
 * form `key.<category>` of the language (Intl.PluralRules: zero one two few many other),
 * falling back to `key.other`, then `key`. An unknown key is shown as itself. */
export function format(texts: Texts, lang: string, key: string, params?: Params): string {
  let text = texts[key];
  const n = params?.n;
  if (typeof n == "number") {
    let cat = "other";
    try {
      cat = new Intl.PluralRules(lang).select(n);
    } catch {
      // no Intl: "other"
    }
    text = texts[`${key}.${cat}`] ?? texts[`${key}.other`] ?? text;
  }
  return (text ?? key).replace(/\{(\w+)\}/g, (m, name: string) =>
    params && name in params ? String(params[name]) : m);
}
