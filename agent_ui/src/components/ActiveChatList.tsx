import type { ReactNode } from "react";
import { clock, visitorLabel } from "../format";
import { type Chat, unreadCount } from "../state/inbox";
import { Avatar } from "./common";
import { IdentityMark } from "./IdentityMark";

interface Props {
  chats: Chat[];
  selected: string | null;
  onOpen: (sessionId: string) => void;
  /** More for a row under its last message (its labels). */
  extra?: (chat: Chat) => ReactNode;
}

/** The agent's open chats, most recently active first, with unread counts. */
export function ActiveChatList({ chats, selected, onOpen, extra }: Props) {
  return (
    <section aria-labelledby="chats-title">
      <h2 id="chats-title" className="flex items-center justify-between px-4 pb-2 pt-4 text-xs font-semibold uppercase tracking-wide text-secondary-600">
        My chats <span className="badge bg-secondary-100 text-secondary-700">{chats.length}</span>
      </h2>
      {chats.length === 0 && (
        <p className="px-4 pb-4 text-sm text-secondary-600">Accept a waiting chat to start.</p>
      )}
      <ul data-testid="active-chats">
        {chats.map((c) => {
          const id = c.session.session_id;
          const unread = id === selected ? 0 : unreadCount(c);
          const name = visitorLabel(c.session);
          return (
            <li key={id}>
              <button type="button" onClick={() => onOpen(id)} data-session={id}
                aria-current={id === selected ? "true" : undefined}
                className={`flex w-full items-start gap-3 px-4 py-3 text-left transition-colors ${
                  id === selected ? "bg-primary-50" : "hover:bg-secondary-50"}`}>
                <Avatar name={name} />
                <span className="min-w-0 flex-1">
                  <span className="flex items-center gap-2">
                    <span className={`truncate ${unread ? "font-semibold" : "font-medium"}`}>{name}</span>
                    {c.session.visitor_verified && <IdentityMark session={c.session} compact />}
                    <span className="ml-auto shrink-0 text-xs text-secondary-600">{clock(c.session.last_activity_at)}</span>
                  </span>
                  <span className="flex items-center gap-2">
                    <span className="truncate text-sm text-secondary-700">
                      {c.visitorTyping ? <em className="text-primary-700">typing…</em> : c.session.last_message ?? ""}
                    </span>
                    {unread > 0 && (
                      <span className="ml-auto shrink-0 rounded-full bg-primary px-2 text-xs font-semibold text-white"
                        data-testid="unread" aria-label={`${unread} unread`}>{unread}</span>
                    )}
                  </span>
                  {extra?.(c)}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
