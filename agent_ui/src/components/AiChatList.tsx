import { clock, visitorLabel } from "../format";
import type { Session } from "../types";
import { Avatar, Badge } from "./common";

interface Props {
  sessions: Session[];
  watching: string | null;
  onWatch: (sessionId: string) => void;
}

/** Conversations the AI is answering right now, with the visitor's latest question; opening
 * one shows it live, read-only, with a "Take over" button. */
export function AiChatList({ sessions, watching, onWatch }: Props) {
  return (
    <section aria-labelledby="ai-chats-title" className="border-b border-secondary-200">
      <h2 id="ai-chats-title" className="flex items-center justify-between px-4 pb-2 pt-4 text-xs font-semibold uppercase tracking-wide text-secondary-600">
        With the AI <span className="badge bg-ai-50 text-ai-700" data-testid="ai-count">{sessions.length}</span>
      </h2>
      {sessions.length === 0 && (
        <p className="px-4 pb-4 text-sm text-secondary-600">The AI is not in any conversation.</p>
      )}
      <ul data-testid="ai-chats">
        {sessions.map((s) => {
          const name = visitorLabel(s);
          const open = s.session_id === watching;
          return (
            <li key={s.session_id}>
              <button type="button" onClick={() => onWatch(s.session_id)} data-session={s.session_id}
                aria-current={open ? "true" : undefined} aria-label={`Watch the AI's chat with ${name}`}
                className={`flex w-full items-start gap-3 px-4 py-3 text-left transition-colors ${
                  open ? "bg-ai-50" : "hover:bg-secondary-50"}`}>
                <Avatar name={name} />
                <span className="min-w-0 flex-1">
                  <span className="flex items-center gap-2">
                    <span className="truncate font-medium">{name}</span>
                    <span className="ml-auto shrink-0 text-xs text-secondary-600">{clock(s.last_activity_at)}</span>
                  </span>
                  <span className="block truncate text-sm text-secondary-700" data-testid="ai-question">
                    {s.last_visitor_message ?? s.last_message ?? ""}
                  </span>
                  {s.widget_name && <span className="mt-1 block"><Badge tone="ai">{s.widget_name}</Badge></span>}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
