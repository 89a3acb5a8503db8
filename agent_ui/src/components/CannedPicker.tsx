import type { CannedResponse } from "../types";

/** Canned responses whose shortcut or title matches what was typed after "/". */
export function matchCanned(all: CannedResponse[], siteKey: string, query: string): CannedResponse[] {
  const q = query.toLowerCase();
  const usable = all.filter((c) => c.site_key === null || c.site_key === siteKey);
  // The most specific response wins a shared shortcut: the agent's own, then the widget's,
  // then the global one.
  const rank = (c: CannedResponse) => (c.scope === "personal" ? 2 : c.site_key !== null ? 1 : 0);
  const byShortcut = new Map<string, CannedResponse>();
  for (const c of usable) {
    const held = byShortcut.get(c.shortcut);
    if (!held || rank(c) > rank(held)) byShortcut.set(c.shortcut, c);
  }
  const list = [...byShortcut.values()];
  const starts = list.filter((c) => c.shortcut.startsWith(q));
  const contains = list.filter((c) => !c.shortcut.startsWith(q)
    && (c.shortcut.includes(q) || c.title.toLowerCase().includes(q) || c.text.toLowerCase().includes(q)));
  return [...starts, ...contains].slice(0, 8);
}

interface Props {
  items: CannedResponse[];
  active: number;
  query: string;
  onPick: (c: CannedResponse) => void;
  onHover: (i: number) => void;
}

export function CannedPicker({ items, active, query, onPick, onHover }: Props) {
  return (
    <div className="absolute bottom-full left-0 right-0 mb-2 max-h-[320px] overflow-y-auto rounded-lg border border-secondary-200 bg-white shadow-3"
      data-testid="canned-picker">
      <p className="border-b border-secondary-100 px-3 py-2 text-xs text-secondary-600">
        Canned responses {query && <>matching <strong>/{query}</strong></>} · ↑↓ to choose, Enter or Tab to insert, Esc to close
      </p>
      {items.length === 0 ? (
        <p className="px-3 py-3 text-sm text-secondary-600">No canned response matches.</p>
      ) : (
        <ul role="listbox" aria-label="Canned responses">
          {items.map((c, i) => (
            <li key={c.id} role="option" aria-selected={i === active}
              onMouseDown={(e) => { e.preventDefault(); onPick(c); }}
              onMouseEnter={() => onHover(i)}
              className={`cursor-pointer px-3 py-2 ${i === active ? "bg-primary-50" : ""}`}>
              <span className="flex items-center gap-2 text-sm">
                <span className="font-mono font-semibold text-primary-700">/{c.shortcut}</span>
                <span className="truncate text-secondary-800">{c.title}</span>
                {c.scope === "personal" ? <span className="ml-auto text-xs text-secondary-500">yours</span>
                  : c.site_key === null && <span className="ml-auto text-xs text-secondary-500">all widgets</span>}
              </span>
              <span className="line-clamp-2 text-xs text-secondary-600">{c.text}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
