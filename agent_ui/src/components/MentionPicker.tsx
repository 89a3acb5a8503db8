import type { TeamMember } from "../types";
import { Avatar } from "./common";

interface Props {
  items: TeamMember[];
  active: number;
  query: string;
  onPick: (t: TeamMember) => void;
  onHover: (i: number) => void;
}

/** Teammates to @mention in a private note, matching what was typed after "@". */
export function MentionPicker({ items, active, query, onPick, onHover }: Props) {
  return (
    <div className="absolute bottom-full left-0 right-0 mb-2 max-h-[280px] overflow-y-auto rounded-lg border border-secondary-200 bg-white shadow-3"
      data-testid="mention-picker">
      <p className="border-b border-secondary-100 px-3 py-2 text-xs text-secondary-600">
        Mention a teammate {query && <>matching <strong>@{query}</strong></>} · they are notified · ↑↓, Enter or Tab, Esc
      </p>
      {items.length === 0 ? (
        <p className="px-3 py-3 text-sm text-secondary-600">No teammate matches.</p>
      ) : (
        <ul role="listbox" aria-label="Teammates">
          {items.map((t, i) => (
            <li key={t.id} role="option" aria-selected={i === active}
              onMouseDown={(e) => { e.preventDefault(); onPick(t); }}
              onMouseEnter={() => onHover(i)}
              className={`flex cursor-pointer items-center gap-2 px-3 py-2 text-sm ${i === active ? "bg-warning-50" : ""}`}>
              <Avatar name={t.display_name} tone="primary" />
              <span className="font-medium">{t.display_name}</span>
              <span className="text-secondary-600">@{t.username}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
