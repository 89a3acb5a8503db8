import type { ReactNode } from "react";
import { reasonLabel, visitorLabel, waitTime } from "../format";
import type { Session } from "../types";
import { Badge, useNow } from "./common";
import { IdentityMark } from "./IdentityMark";

interface Props {
  queue: Session[];
  previews: Record<string, string>;
  taken: Record<string, string>;
  onAccept: (sessionId: string) => void;
  /** Open the card: the whole conversation, read-only, with Accept. */
  onOpen?: (sessionId: string) => void;
  /** More for a card under its badges (its labels). */
  extra?: (session: Session) => ReactNode;
}

/** Visitors waiting for a person, oldest first, with how long they have waited. */
export function QueueList({ queue, previews, taken, onAccept, onOpen, extra }: Props) {
  const now = useNow(1000);
  return (
    <section aria-labelledby="queue-title" className="border-b border-secondary-200">
      <h2 id="queue-title" className="flex items-center justify-between px-4 pb-2 pt-4 text-xs font-semibold uppercase tracking-wide text-secondary-600">
        Waiting
        <span data-testid="queue-count" className={`badge ${queue.length ? "bg-error text-white" : "bg-secondary-100 text-secondary-700"}`}>
          {queue.length}
        </span>
      </h2>
      {queue.length === 0 && <p className="px-4 pb-4 text-sm text-secondary-600">Nobody is waiting.</p>}
      <ul className="flex flex-col" data-testid="queue">
        {queue.map((s, i) => {
          const takenBy = taken[s.session_id];
          return (
            <li key={s.session_id} data-session={s.session_id}
              className="border-t border-secondary-100 px-4 py-3 first:border-t-0">
              <div className="flex items-start gap-2">
                <div className="min-w-0 flex-1">
                  {onOpen ? (
                    <button type="button" className="block min-h-[44px] min-w-[44px] max-w-full truncate text-left font-medium leading-[44px] hover:underline md:min-h-0 md:min-w-0 md:leading-normal"
                      title={`Read the conversation with ${visitorLabel(s)}`} data-testid="open-waiting"
                      onClick={() => onOpen(s.session_id)}>{visitorLabel(s)}</button>
                  ) : (
                    <p className="truncate font-medium" title={visitorLabel(s)}>{visitorLabel(s)}</p>
                  )}
                  {s.visitor_email && s.visitor_name && (
                    <p className="truncate text-xs text-secondary-600">{s.visitor_email}</p>
                  )}
                </div>
                <span className="shrink-0 font-mono text-xs text-secondary-700" title="Waiting for"
                  data-testid="wait">{waitTime(s.escalated_at, now)}</span>
              </div>
              <div className="mt-1 flex flex-wrap items-center gap-1">
                <IdentityMark session={s} />
                <Badge tone="warning">{reasonLabel(s.escalation_reason)}</Badge>
                {s.widget_name && <Badge>{s.widget_name}</Badge>}
                {s.offline_email && <Badge tone="primary" title={s.offline_note ?? undefined}>Left email</Badge>}
              </div>
              {extra?.(s)}
              {/* The visitor's own question, not the AI's last line. */}
              {(s.last_visitor_message ?? previews[s.session_id] ?? s.last_message) && (
                <p className="mt-1 line-clamp-2 text-sm text-secondary-700" data-testid="preview">
                  {s.last_visitor_message ?? previews[s.session_id] ?? s.last_message}
                </p>
              )}
              {takenBy ? (
                <p role="status" className="mt-2 text-sm font-medium text-error-700">Taken by {takenBy}</p>
              ) : (
                <button type="button" className="btn-primary mt-2 w-full" onClick={() => onAccept(s.session_id)}
                  aria-label={`Accept chat with ${visitorLabel(s)}`}>
                  Accept{i === 0 && <kbd className="ml-1 rounded-sm bg-primary-700 px-1 text-xs">a</kbd>}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
