// The composer's side of attachments, in the chat chunk and small: the attach button (only
// when the widget lets visitors upload), a hidden file input, drops on the panel and pasted
// files. The first file loads the upload chunk (upload.ts), which draws the tray and uploads.

import type { Conversation } from "../conversation";
import type { Attached, Host } from "../types";
import type { Tray } from "../upload";
import { h } from "./dom";
import { svg } from "./launcher";
import { t } from "./strings";

const ATTACH_ICON = "M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6h-1.5z";

export class Attach {
  readonly button: HTMLButtonElement;
  readonly input: HTMLInputElement;
  /** Where the tray goes (above the composer). */
  readonly slot = h("div", { class: "pw-tray-slot" });
  private tray: Tray | null = null;
  private loading: Promise<Tray> | null = null;
  /** The conversation being started for the first files (one start for all of them). */
  private starting: Promise<{ sid: string; token: string } | null> | null = null;

  constructor(private readonly host: Host, private readonly conv: Conversation,
              private readonly announce: (text: string) => void, private readonly changed: () => void) {
    this.input = h("input", { type: "file", multiple: true, hidden: true, tabindex: "-1", "aria-hidden": "true" });
    this.input.addEventListener("change", () => {
      const files = [...(this.input.files ?? [])];
      this.input.value = "";
      this.add(files);
    });
    this.button = h("button", {
      type: "button", class: "pw-icon pw-attach", "aria-label": t("attach.label"), title: t("attach.label"),
      onclick: () => this.choose(),
    }, svg(ATTACH_ICON));
    // Fetch the upload chunk as soon as the visitor shows intent.
    const prefetch = (): void => void this.load().catch(() => {});
    this.button.addEventListener("pointerenter", prefetch, { once: true });
    this.button.addEventListener("focus", prefetch, { once: true });
    this.button.hidden = !this.on;
  }

  /** The widget lets visitors upload (not in the admin UI's preview). */
  get on(): boolean {
    const { visitor_uploads: on, uploads: limits } = this.host.config;
    return !!on && !!limits?.max_files && !this.host.preview;
  }

  /** Files in the tray, to be sent. */
  get count(): number {
    return this.tray?.count ?? 0;
  }

  /** Open the file chooser (must run in the click's own task). */
  choose(): void {
    if (this.on) this.input.click();
  }

  /** Watch `panel` for dropped files and `box` for pasted ones. */
  watch(panel: HTMLElement, box: HTMLTextAreaElement, enabled: () => boolean): void {
    const files = (ev: DragEvent): boolean => this.on && enabled() && !!ev.dataTransfer?.types.includes("Files");
    panel.addEventListener("dragover", (ev) => {
      if (!files(ev)) return;
      ev.preventDefault();
      panel.classList.add("pw-dropping");
    });
    panel.addEventListener("dragleave", (ev) => {
      if (!panel.contains(ev.relatedTarget as Node | null)) panel.classList.remove("pw-dropping");
    });
    panel.addEventListener("drop", (ev) => {
      panel.classList.remove("pw-dropping");
      if (!files(ev)) return;
      ev.preventDefault();
      this.add([...(ev.dataTransfer?.files ?? [])]);
    });
    box.addEventListener("paste", (ev) => {
      const pasted = [...(ev.clipboardData?.files ?? [])];
      if (!this.on || !pasted.length) return; // text: the textarea takes it
      ev.preventDefault();
      this.add(pasted);
    });
  }

  add(files: File[]): void {
    if (!files.length || !this.on) return;
    void this.load().then((tray) => tray.add(files), () => this.announce(t("attach.unavailable")));
  }

  /** Take the tray's files for a message (see Tray.take); null when there are none. */
  take(): { files: Attached[]; all: Promise<Attached[]> } | null {
    return this.tray && this.tray.count ? this.tray.take() : null;
  }

  /** The conversation's credentials, starting it if files are the visitor's first move. */
  private session(): Promise<{ sid: string; token: string } | null> {
    const now = this.conv.session;
    if (now) return Promise.resolve(now);
    return (this.starting ??= this.conv.start().then((ok) => {
      this.starting = null;
      return ok ? this.conv.session : null;
    }));
  }

  private load(): Promise<Tray> {
    const limits = this.host.config.uploads;
    if (!this.on) return Promise.reject(new Error("uploads are off"));
    return (this.loading ??= import("../upload").then((m) => {
      const tray = m.tray({
        base: this.host.base, siteKey: this.host.siteKey, limits,
        session: () => this.session(),
        announce: this.announce, changed: this.changed,
      });
      this.slot.append(tray.el);
      return (this.tray = tray);
    }, (err: unknown) => {
      this.loading = null;
      throw err;
    }));
  }
}
