// Files the agent attaches: each is uploaded at once (REST, with progress) and staged in the
// composer until the message is sent; the message then waits in the outbox until all of its
// files are uploaded. Pure functions over the inbox state's `uploads` and `outbox`; the XHRs
// themselves live in useInbox.

import type { MessageFile } from "../types";
import type { OutboxEntry, OutboxFile } from "./outbox";

export interface Upload {
  key: string;
  sessionId: string;
  name: string;
  size: number;
  type: string;
  /** Bytes sent so far. */
  loaded: number;
  status: "uploading" | "done" | "failed";
  file: MessageFile | null;
  error: string | null;
  /** Part of a message already (no longer staged in the composer). */
  sent: boolean;
}

export type UploadAction =
  | { type: "upload_start"; upload: Omit<Upload, "loaded" | "status" | "file" | "error" | "sent"> }
  | { type: "upload_progress"; key: string; loaded: number }
  | { type: "upload_done"; key: string; file: MessageFile }
  | { type: "upload_failed"; key: string; reason: string }
  | { type: "upload_remove"; key: string };

export interface UploadSlice {
  uploads: Record<string, Upload>;
  outbox: OutboxEntry[];
}

const UPLOAD_ACTIONS = new Set(["upload_start", "upload_progress", "upload_done", "upload_failed",
  "upload_remove"]);

export function isUploadAction(action: { type: string }): action is UploadAction {
  return UPLOAD_ACTIONS.has(action.type);
}

function mapFiles(outbox: OutboxEntry[], key: string,
  fn: (e: OutboxEntry) => OutboxEntry): OutboxEntry[] {
  return outbox.map((e) => (e.files?.some((f) => f.key === key) ? fn(e) : e));
}

export function onUpload<S extends UploadSlice>(state: S, action: UploadAction): S {
  const { uploads, outbox } = state;
  switch (action.type) {
    case "upload_start":
      return { ...state, uploads: { ...uploads, [action.upload.key]: { ...action.upload,
        loaded: 0, status: "uploading", file: null, error: null, sent: false } } };
    case "upload_progress": {
      const u = uploads[action.key];
      if (!u || u.status !== "uploading") return state;
      return { ...state, uploads: { ...uploads, [u.key]: { ...u, loaded: action.loaded } } };
    }
    case "upload_done": {
      const u = uploads[action.key];
      if (!u) return state;
      return { ...state,
        uploads: { ...uploads, [u.key]: { ...u, loaded: u.size, status: "done", file: action.file } },
        outbox: mapFiles(outbox, u.key, (e) => ({ ...e, files: e.files!.map((f) => (f.key === u.key
          ? { ...f, done: action.file } : f)) })) };
    }
    case "upload_failed": {
      const u = uploads[action.key];
      if (!u) return state;
      return { ...state,
        uploads: { ...uploads, [u.key]: { ...u, status: "failed", error: action.reason } },
        outbox: mapFiles(outbox, u.key, (e) => (e.failed !== null ? e
          : { ...e, failed: `${u.name}: ${action.reason}` })) };
    }
    case "upload_remove": {
      if (!(action.key in uploads) && !outbox.some((e) => e.files?.some((f) => f.key === action.key))) {
        return state;
      }
      const next = { ...uploads };
      delete next[action.key];
      const entries = mapFiles(outbox, action.key, (e) => ({ ...e,
        files: e.files!.filter((f) => f.key !== action.key) }))
        .filter((e) => e.text.trim() !== "" || (e.files?.length ?? 0) > 0);
      return { ...state, uploads: next, outbox: entries };
    }
    default:
      return state;
  }
}

/** The composer's files of a session: attached, not sent yet, in the order chosen. */
export function staged(uploads: Record<string, Upload>, sessionId: string): Upload[] {
  return Object.values(uploads).filter((u) => u.sessionId === sessionId && !u.sent);
}

/** The outbox's view of staged uploads (failed ones left out). */
export function outboxFiles(uploads: Record<string, Upload>, keys: string[]): OutboxFile[] {
  return keys.flatMap((key) => {
    const u = uploads[key];
    return u && u.status !== "failed"
      ? [{ key, name: u.name, size: u.size, type: u.type, done: u.file }] : [];
  });
}

/** Uploads now part of `entry` (leave the composer). */
export function markSent(uploads: Record<string, Upload>, entry: OutboxEntry): Record<string, Upload> {
  if (!entry.files?.length) return uploads;
  const next = { ...uploads };
  for (const f of entry.files) if (next[f.key]) next[f.key] = { ...next[f.key]!, sent: true };
  return next;
}

/** Forget the uploads of an entry that left the outbox (acked or discarded). */
export function dropUploadsOf(uploads: Record<string, Upload>,
  entry: OutboxEntry | undefined): Record<string, Upload> {
  if (!entry?.files?.length) return uploads;
  const next = { ...uploads };
  for (const f of entry.files) delete next[f.key];
  return next;
}

/** Percent uploaded, 0..100. */
export function percent(u: Pick<Upload, "loaded" | "size">): number {
  return u.size <= 0 ? 100 : Math.min(100, Math.round((u.loaded / u.size) * 100));
}
