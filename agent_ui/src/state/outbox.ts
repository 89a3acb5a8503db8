// Messages the agent wrote that the server has not acknowledged yet. Each keeps its
// client_msg_id for good, so a resend after a reconnect is stored once (the server dedupes).

import type { AgentMessageRequest } from "@parley/protocol";
import type { MessageFile } from "../types";

/** A file of an outbox message: `done` once its upload finished (the server's summary). */
export interface OutboxFile {
  key: string;
  name: string;
  size: number;
  type: string;
  done: MessageFile | null;
}

export interface OutboxEntry {
  clientMsgId: string;
  sessionId: string;
  text: string;
  /** Absent in outboxes stored before attachments. */
  files?: OutboxFile[];
  createdAt: string;
  /** Set when the server refused it for good (not retryable): shown, not resent. */
  failed: string | null;
}

export function makeEntry(sessionId: string, text: string, clientMsgId: string,
  now: Date = new Date(), files: OutboxFile[] = []): OutboxEntry {
  return { clientMsgId, sessionId, text, ...(files.length ? { files } : {}),
    createdAt: now.toISOString(), failed: null };
}

/** Every file of the entry is uploaded: the message can go. */
export function isReady(e: OutboxEntry): boolean {
  return (e.files ?? []).every((f) => f.done !== null);
}

/** The summaries of an entry's uploaded files (for the message shown once acked). */
export function doneFiles(e: OutboxEntry): MessageFile[] {
  return (e.files ?? []).flatMap((f) => (f.done ? [f.done] : []));
}

/** After a reload: an upload that had not finished cannot go on (its file is gone), so its
 * message is failed ("choose again"); messages whose uploads had finished are resent. */
export function restoreOutbox(outbox: OutboxEntry[]): OutboxEntry[] {
  return outbox.map((e) => (e.failed === null && !isReady(e)
    ? { ...e, failed: "an upload did not finish: choose the file again" } : e));
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
  return outbox.filter((e) => e.failed === null && isReady(e) && open(e.sessionId));
}

/** Entries of one chat, in order. */
export function pendingIn(outbox: OutboxEntry[], sessionId: string): OutboxEntry[] {
  return outbox.filter((e) => e.sessionId === sessionId);
}

export function messageFrame(e: OutboxEntry): AgentMessageRequest {
  const files = doneFiles(e).map((f) => f.id);
  return { type: "message", session_id: e.sessionId, client_msg_id: e.clientMsgId, text: e.text,
    ...(files.length ? { files } : {}) } as AgentMessageRequest;
}
