// Messages the agent wrote that the server has not acknowledged yet. Each keeps its
// client_msg_id for good, so a resend after a reconnect is stored once (the server dedupes).

import type { AgentMessageRequest } from "@parley/protocol";

export interface OutboxEntry {
  clientMsgId: string;
  sessionId: string;
  text: string;
  createdAt: string;
  /** Set when the server refused it for good (not retryable): shown, not resent. */
  failed: string | null;
}

export function makeEntry(sessionId: string, text: string, clientMsgId: string,
  now: Date = new Date()): OutboxEntry {
  return { clientMsgId, sessionId, text, createdAt: now.toISOString(), failed: null };
}

export function addToOutbox(outbox: OutboxEntry[], entry: OutboxEntry): OutboxEntry[] {
  if (outbox.some((e) => e.clientMsgId === entry.clientMsgId)) return outbox;
  return [...outbox, entry];
}

export function ackOutbox(outbox: OutboxEntry[], clientMsgId: string): OutboxEntry[] {
  return outbox.some((e) => e.clientMsgId === clientMsgId)
    ? outbox.filter((e) => e.clientMsgId !== clientMsgId) : outbox;
}

export function failOutbox(outbox: OutboxEntry[], clientMsgId: string,
  reason: string): OutboxEntry[] {
  return outbox.map((e) => (e.clientMsgId === clientMsgId ? { ...e, failed: reason } : e));
}

/** What to (re)send after a reconnect: unacknowledged, not failed, in the order written,
 * for sessions that are still ours. */
export function toResend(outbox: OutboxEntry[], open: (sessionId: string) => boolean): OutboxEntry[] {
  return outbox.filter((e) => e.failed === null && open(e.sessionId));
}

/** Entries of one chat, in order. */
export function pendingIn(outbox: OutboxEntry[], sessionId: string): OutboxEntry[] {
  return outbox.filter((e) => e.sessionId === sessionId);
}

export function messageFrame(e: OutboxEntry): AgentMessageRequest {
  return { type: "message", session_id: e.sessionId, client_msg_id: e.clientMsgId, text: e.text };
}
