// The queue of waiting sessions: its order, who is new, and what to preview each by.

import { type Message, type Session, messageLine } from "../types";

/** The queue in the server's order: oldest escalation first, then by id. */
export function queueOrder(queue: Record<string, Session>): Session[] {
  return Object.values(queue).sort((a, b) => {
    const ea = a.escalated_at ?? a.created_at;
    const eb = b.escalated_at ?? b.created_at;
    if (ea !== eb) return ea < eb ? -1 : 1;
    return a.session_id < b.session_id ? -1 : a.session_id > b.session_id ? 1 : 0;
  });
}

/** Sessions in `next` that were not waiting in `prev`: new arrivals to announce. */
export function arrivals(prev: Record<string, Session>, next: Record<string, Session>): Session[] {
  return queueOrder(next).filter((s) => !(s.session_id in prev));
}

/** The words to preview a waiting session by: the last visitor or AI message. */
export function previewOf(messages: Message[]): string | null {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const m = messages[i]!;
    if (m.sender_type === "visitor" || m.sender_type === "ai") return messageLine(m);
  }
  return null;
}
