// The XHRs of the files the agent attaches: start each at once, report progress to the inbox
// state (at most once per percent), cancel on request. The state itself is in state/uploads.ts.

import * as api from "./api";
import type { UploadAction } from "./state/uploads";
import type { Session } from "./types";

let counter = 0;

export class Uploader {
  private readonly running = new Map<string, api.UploadHandle>();

  constructor(private readonly token: string,
    private readonly dispatch: (action: UploadAction) => void) {}

  /** Start uploading each file; their local keys, in order. */
  attach(session: Pick<Session, "site_key" | "session_id">, files: File[]): string[] {
    return files.map((file) => {
      counter += 1;
      const key = `up-${Date.now().toString(36)}-${counter}`;
      const type = file.type || "application/octet-stream";
      this.dispatch({ type: "upload_start", upload: { key, sessionId: session.session_id,
        name: file.name || "file", size: file.size, type } });
      let shown = -1;
      const handle = api.uploadFile(this.token, session, file, (loaded) => {
        const pct = file.size ? Math.floor((loaded / file.size) * 100) : 100;
        if (pct === shown) return;
        shown = pct;
        this.dispatch({ type: "upload_progress", key, loaded });
      });
      this.running.set(key, handle);
      handle.done.then(
        (stored) => this.dispatch({ type: "upload_done", key, file: stored }),
        (err: unknown) => {
          if (err instanceof api.ApiError && err.code === "aborted") return;
          this.dispatch({ type: "upload_failed", key,
            reason: err instanceof Error ? err.message : "the upload failed" });
        },
      ).finally(() => this.running.delete(key));
      return key;
    });
  }

  /** Stop an upload (if still running) and forget the file. */
  cancel(key: string): void {
    this.running.get(key)?.abort();
    this.running.delete(key);
    this.dispatch({ type: "upload_remove", key });
  }

  /** Stop everything (the inbox is closing). */
  stop(): void {
    for (const handle of this.running.values()) handle.abort();
    this.running.clear();
  }
}
