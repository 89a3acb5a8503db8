// The upload UI: its own chunk, imported by the chat chunk the first time the visitor
// attaches a file (the attach button, a drop on the panel, a pasted image). The tray above
// the composer lists the files of the message being written; each uploads at once (an
// XMLHttpRequest, for its progress, with the visitor token as Bearer), with a progress bar
// and a cancel button; problems are said per file, in plain words, and the limits the server
// publishes are checked first to spare a round trip. Sending takes the tray's files: those
// uploaded go with their ids, those still uploading hold the message until they are done.

import { uploadUrl } from "./api";
import type { Attached, UploadLimits } from "./types";
import { h } from "./ui/dom";
import { fileSize, kind } from "./ui/files";
import { svg } from "./ui/launcher";
import { has, t } from "./ui/strings";

const CANCEL_ICON = "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z";

/** What a server's error code means to a visitor (the keys upload.<code> of src/i18n). */
export const uploadError = (code: string): string => t("upload." + code);

export interface UploadEnv {
  base: string;
  siteKey: string;
  limits: UploadLimits;
  /** The conversation and its visitor token, started if needed (null: it could not be). */
  session(): Promise<{ sid: string; token: string } | null>;
  /** Tell screen-reader users (politely). */
  announce(text: string): void;
  /** The tray's files changed (the composer may send a message of files only). */
  changed(): void;
}

interface Entry {
  key: string;
  file: File;
  el: HTMLElement;
  xhr: XMLHttpRequest | null;
  /** Uploaded: the server's summary. */
  done: Attached | null;
  error: string | null;
  result: Promise<Attached>;
}

let counter = 0;

/** Checks that need no server: the limits it publishes. Null when the file may go. */
export function precheck(file: File, limits: UploadLimits): string | null {
  if (file.size === 0) return uploadError("file_empty");
  if (file.size > limits.max_bytes) return t("upload.limit", { size: fileSize(limits.max_bytes) });
  // The browser's guess from the name; the server decides from the content. Unknown: let it.
  if (file.type && !limits.types.includes(file.type.toLowerCase())) return uploadError("file_type_not_allowed");
  return null;
}

/** One upload: resolves with the server's summary, rejects with words to show. */
export function upload(env: UploadEnv, file: File, key: string, progress: (fraction: number) => void,
                       started: (xhr: XMLHttpRequest) => void): Promise<Attached> {
  return env.session().then((session) => new Promise<Attached>((resolve, reject) => {
    if (!session) return reject(new Error(uploadError("network")));
    const xhr = new XMLHttpRequest();
    xhr.open("POST", uploadUrl(env.base, env.siteKey, session.sid, file.name || "file"));
    xhr.setRequestHeader("Authorization", `Bearer ${session.token}`);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (ev) => ev.lengthComputable && progress(ev.loaded / ev.total);
    xhr.onload = () => {
      let body: { upload?: Attached; error?: { code?: string; message?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: the status says enough
      }
      if (xhr.status === 201 && body.upload) return resolve({ ...body.upload, key });
      const code = body.error?.code ?? "";
      reject(new Error((has("upload." + code) ? uploadError(code) : body.error?.message ?? t("upload.failed"))));
    };
    xhr.onerror = () => reject(new Error(uploadError("network")));
    xhr.onabort = () => reject(new Error(t("upload.cancelled")));
    started(xhr);
    xhr.send(file);
  }));
}

export class Tray {
  readonly el: HTMLElement;
  private entries: Entry[] = [];

  constructor(private readonly env: UploadEnv) {
    this.el = h("ul", { class: "pw-tray", "aria-label": t("upload.tray") });
  }

  /** Files to send: the sendable ones (uploading or uploaded). */
  get count(): number {
    return this.entries.filter((e) => !e.error).length;
  }

  /** Add files chosen, dropped or pasted: each checked, then uploaded at once. */
  add(files: File[]): void {
    for (const file of files) {
      const key = `u${++counter}-${Date.now().toString(36)}`;
      const bar = h("progress", { max: "1", value: "0", "aria-label": t("upload.progress", { name: file.name }) });
      const why = h("span", { class: "pw-file-err", role: "alert" });
      const name = file.name || "file";
      const el = h("li", { class: "pw-file", "data-upload": key },
        h("span", { class: "pw-file-name" }, name),
        h("span", { class: "pw-file-meta" }, `${kind(file.type || "application/octet-stream")} · ${fileSize(file.size)}`),
        bar, why,
        h("button", {
          type: "button", class: "pw-icon pw-file-x", "aria-label": t("upload.remove", { name }), title: t("upload.remove", { name }),
          onclick: () => this.remove(key),
        }, svg(CANCEL_ICON)));
      const entry: Entry = { key, file, el, xhr: null, done: null, error: null, result: Promise.resolve() as never };
      this.entries.push(entry);
      this.el.append(el);
      const refused = this.count > this.env.limits.max_files
        ? t("upload.max", { n: this.env.limits.max_files })
        : precheck(file, this.env.limits);
      if (refused) {
        this.fail(entry, refused);
        continue;
      }
      this.env.announce(t("upload.announce", { name }));
      entry.result = upload(this.env, file, key, (fraction) => this.progress(key, fraction), (xhr) => (entry.xhr = xhr));
      entry.result.then((done) => {
        entry.done = done;
        entry.xhr = null;
        this.progress(key, 1);
        el.classList.add("pw-file--done");
        this.env.announce(`${name} uploaded.`);
      }, (err: Error) => {
        entry.xhr = null;
        if (this.entries.includes(entry)) this.fail(entry, err.message);
      });
    }
    this.env.changed();
  }

  /** Take the tray's files for a message (the tray is emptied; uploads go on): the files as
   * they are now, and all of them once uploaded (rejects with the first problem). */
  take(): { files: Attached[]; all: Promise<Attached[]> } {
    const sendable = this.entries.filter((e) => !e.error);
    for (const e of this.entries) e.el.remove();
    this.entries = [];
    this.env.changed();
    return {
      files: sendable.map((e) => e.done ?? { key: e.key, name: e.file.name || "file", type: e.file.type, size: e.file.size }),
      all: Promise.all(sendable.map((e) => e.result)),
    };
  }

  /** Cancel an upload and drop its file. */
  remove(key: string): void {
    const entry = this.entries.find((e) => e.key === key);
    if (!entry) return;
    this.entries = this.entries.filter((e) => e !== entry);
    entry.xhr?.abort();
    entry.el.remove();
    this.env.announce(`${entry.file.name || "file"} removed.`);
    this.env.changed();
  }

  private fail(entry: Entry, why: string): void {
    entry.error = why;
    entry.el.classList.add("pw-file--failed");
    entry.el.querySelector("progress")?.remove();
    const err = entry.el.querySelector(".pw-file-err");
    if (err) err.textContent = why;
    this.env.changed();
  }

  /** Every bar of this upload: in the tray, and in the message it was sent with. */
  private progress(key: string, fraction: number): void {
    const root = this.el.getRootNode() as ParentNode;
    for (const bar of root.querySelectorAll<HTMLProgressElement>(`[data-upload="${key}"] progress`)) {
      bar.value = fraction;
    }
  }
}

export function tray(env: UploadEnv): Tray {
  return new Tray(env);
}
