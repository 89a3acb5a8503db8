// The sites allowed to embed the widget (its CORS allowlist): origins, not pages.
import { useState } from "react";
import { MAX_ORIGINS, normalizeOrigin } from "../widgetForm";
import { Field } from "./ui";

export function OriginsEditor({ origins, onChange, error, disabled }: {
  origins: string[];
  onChange: (origins: string[]) => void;
  error?: string | undefined;
  disabled: boolean;
}) {
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const add = () => {
    const entries = text.split(/[\s,]+/).filter(Boolean);
    if (!entries.length) return;
    const bad = entries.find((e) => normalizeOrigin(e) === null);
    if (bad) {
      setProblem(`'${bad}' is not an origin like https://example.com (scheme and host, no path)`);
      return;
    }
    const next = [...origins];
    for (const e of entries) {
      const o = normalizeOrigin(e) as string;
      if (!next.includes(o)) next.push(o);
    }
    if (next.length > MAX_ORIGINS) {
      setProblem(`At most ${MAX_ORIGINS} origins.`);
      return;
    }
    onChange(next);
    setText("");
    setProblem(null);
  };
  return (
    <div className="space-y-3">
      {origins.length === 0 ? (
        <p className="rounded bg-warning-50 px-3 py-2 text-sm text-warning-700">
          No site is allowed yet: the widget works only on this server's own pages until you add your site.
        </p>
      ) : (
        <ul className="flex flex-wrap gap-2" aria-label="Allowed sites">
          {origins.map((o) => (
            <li key={o} className="flex items-center gap-1 rounded-full border border-secondary-300 bg-white py-1 pl-3 pr-1 text-sm">
              <span className="font-mono">{o}</span>
              {!disabled && (
                <button type="button" className="btn-ghost btn-sm rounded-full" aria-label={`Remove ${o}`}
                  onClick={() => onChange(origins.filter((x) => x !== o))}>✕</button>
              )}
            </li>
          ))}
        </ul>
      )}
      {!disabled && (
        <Field label="Add a site" hint="Like https://www.example.com. Add each domain and port the site is served from."
          error={problem ?? error}>
          {(p) => (
            <div className="flex gap-2">
              <input {...p} className="field font-mono" value={text} placeholder="https://www.example.com"
                onChange={(e) => {
                  setText(e.target.value);
                  setProblem(null);
                }}
                onKeyDown={(e) => {
                  if (e.key === "Enter") {
                    e.preventDefault();
                    add();
                  }
                }} />
              <button type="button" className="btn-secondary" onClick={add}>Add</button>
            </div>
          )}
        </Field>
      )}
    </div>
  );
}
