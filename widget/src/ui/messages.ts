// The transcript on screen: one element per entry, placed where the Transcript says, updated
// in place (an ack, a read receipt, a streamed AI reply growing word by word). AI text is
// Markdown (ui/markdown.ts) with its sources under it; everyone else's is plain text.

import type { Change, Item } from "../transcript";
import { h, replace } from "./dom";
import { type FileAccess, fileList } from "./files";
import { longTime, shortTime } from "./format";
import { linkify } from "./linkify";
import { markdown, sourceList } from "./markdown";
import { has, t } from "./strings";

// Within this distance of the bottom, new content keeps the view pinned to the end.
const PIN_PX = 80;

interface View {
  node: HTMLElement;
  bubble: HTMLElement;
  meta: HTMLElement;
  state: HTMLElement;
  text: string;
  status: string;
  /** The sources shown (as JSON, to redraw them only when they change). */
  sources: string;
  files: string;
}

export class MessageList {
  readonly el: HTMLDivElement;
  private views = new Map<string, View>();
  /** The quick replies under the message offering a person, and its key. */
  private replies: { key: string; el: HTMLElement } | null = null;
  /** The agent in the conversation and their picture: shown beside their new messages. */
  face: { name: string; src: string } | null = null;

  constructor(
    private readonly names: { ai: string; business: string },
    private readonly onRetry: (key: string) => void,
    private readonly onReply: (text: string) => void = () => {},
    private readonly files: FileAccess | null = null,
    /** "Choose again": an own message whose uploads did not finish. */
    private readonly onAgain: (key: string) => void = () => {},
  ) {
    this.el = h("div", {
      class: "pw-log", role: "log", "aria-live": "polite", "aria-label": t("msg.log"), tabindex: "0",
    });
  }

  welcome(text: string): void {
    if (!text.trim()) return;
    this.el.prepend(h("div", { class: "pw-msg pw-msg--agent pw-welcome" },
      h("div", { class: "pw-who" }, this.names.business),
      h("div", { class: "pw-bubble", dir: "auto" }, ...linkify(text))));
  }

  apply(change: Change): void {
    const { item, before } = change;
    if (change.removed) {
      this.remove(item.key);
      return;
    }
    const pinned = this.atEnd();
    let view = this.views.get(item.key);
    if (!view) {
      view = this.render(item);
      this.views.set(item.key, view);
    }
    this.update(view, item);
    const next = before ? this.views.get(before)?.node ?? null : null;
    if (view.node.nextSibling !== next || !view.node.parentNode) this.el.insertBefore(view.node, next);
    if (pinned || (change.added && item.sender === "visitor")) this.scrollToEnd();
  }

  /** Show the quick replies to an offer of a person under message `key`, or none (null). */
  offer(key: string | null): void {
    if (this.replies?.key === key) return;
    this.replies?.el.remove();
    this.replies = null;
    const view = key === null ? undefined : this.views.get(key);
    if (!key || !view) return;
    const el = h("div", { class: "pw-replies", role: "group", "aria-label": t("quick.label") },
      ...[t("quick.yes"), t("quick.no")].map((text) =>
        h("button", { type: "button", class: "pw-chip", onclick: () => this.onReply(text) }, text)));
    view.node.append(el);
    this.replies = { key, el };
  }

  remove(key: string): void {
    if (this.replies?.key === key) this.replies = null;
    this.views.get(key)?.node.remove();
    this.views.delete(key);
  }

  clear(): void {
    for (const view of this.views.values()) view.node.remove();
    this.views.clear();
    this.replies = null;
  }

  scrollToEnd(): void {
    this.el.scrollTop = this.el.scrollHeight;
  }

  /** Showing the newest messages (new content then keeps the view at the end; a visitor
   * who scrolled up to read is left where they are). */
  atEnd(): boolean {
    return this.el.scrollHeight - this.el.scrollTop - this.el.clientHeight < PIN_PX;
  }

  private who(item: Item): string {
    if (item.sender === "ai") return item.name || this.names.ai;
    return item.name || this.names.business;
  }

  private render(item: Item): View {
    const bubble = h("div", { class: "pw-bubble", dir: "auto" });
    const state = h("span", { class: "pw-state", "aria-hidden": "true" });
    const meta = h("div", { class: "pw-meta" });
    if (item.sender === "system") {
      return { node: h("div", { class: "pw-note" }, bubble), bubble, meta, state, text: "", status: "", sources: "", files: "" };
    }
    meta.append(h("time", { datetime: item.at, title: longTime(item.at) }, shortTime(item.at)), state);
    const node = h("div", { class: `pw-msg pw-msg--${item.sender}` },
      item.sender === "visitor" ? h("span", { class: "pw-sr" }, t("msg.you"))
        : h("div", { class: "pw-who" },
          item.sender === "agent" && this.face && this.face.name === item.name
            ? h("img", { class: "pw-face", src: this.face.src, alt: "" }) : null,
          this.who(item),
          item.sender === "ai" ? h("span", { class: "pw-tag" }, t("msg.ai")) : null),
      bubble, meta);
    return { node, bubble, meta, state, text: "", status: "", sources: "", files: "" };
  }

  /** Change only what changed, so screen readers hear a message once, not at every ack or
   * streamed word (a streaming reply is aria-busy until it is final). */
  private update(view: View, item: Item): void {
    view.node.dataset.key = item.key;
    view.node.dataset.state = item.state;
    if (item.state === "streaming") view.node.setAttribute("aria-busy", "true");
    else view.node.removeAttribute("aria-busy");
    // A system message with a code we know: in the visitor's language (else its text).
    const text = item.code && has("sys." + item.code) ? t("sys." + item.code, item.params) : item.text;
    if (view.text !== text) {
      view.text = text;
      replace(view.bubble, ...(item.sender === "ai" ? markdown(text) : linkify(text)));
    }
    const sources = item.sources?.length ? JSON.stringify(item.sources) : "";
    if (view.sources !== sources) {
      view.sources = sources;
      view.node.querySelector(".pw-sources")?.remove();
      if (item.sources?.length) view.bubble.after(sourceList(item.sources));
    }
    const files = item.files?.length ? JSON.stringify(item.files) : "";
    if (view.files !== files && this.files) {
      view.files = files;
      view.node.querySelector(".pw-files")?.remove();
      if (item.files?.length) view.bubble.after(fileList(item.files, this.files));
    }
    // Files without a caption: no empty bubble.
    view.bubble.hidden = !item.text && !!files;
    if (view.status === item.state + !!item.again || item.sender === "system") return;
    view.status = item.state + !!item.again;
    const shown = item.sender === "visitor" || item.state === "streaming";
    view.state.textContent = shown ? ` · ${t("msg." + item.state)}` : "";
    view.meta.querySelector(".pw-retry")?.remove();
    if (item.state === "failed") {
      view.meta.append(h("span", { class: "pw-retry" },
        h("span", { class: item.again ? "pw-why" : "pw-sr" }, item.again ? ` · ${item.error ?? ""}` : t("msg.notSent", { error: item.error ?? "" })),
        item.again
          ? h("button", { type: "button", class: "pw-link", onclick: () => this.onAgain(item.key) }, t("msg.again"))
          : h("button", { type: "button", class: "pw-link", onclick: () => this.onRetry(item.key) }, t("msg.retry"))));
    }
  }
}
