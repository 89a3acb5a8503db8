// New replies while the visitor is not looking (docs/widget.md "New replies"): "(n) " before
// the page's title while the tab is hidden (the title is given back when it is visible
// again), an optional chime then (`data-sound` on the script tag: off unless the site
// owner asks), and a preview of the newest reply beside the closed launcher (a click opens
// the chat; it can be dismissed).

import { h } from "./dom";
import { t } from "./strings";

export class Notifier {
  private count = 0;
  private base = "";
  private badged = "";
  private peek: HTMLElement | null = null;
  private readonly sound = !!document.querySelector("script[data-sound][src]");

  constructor(private readonly root: HTMLElement, private readonly open: () => void) {}

  /** A reply from the team or the assistant; `shown`: the chat window is open. */
  reply(who: string, text: string, shown: boolean): void {
    if (document.visibilityState === "hidden") {
      this.count++;
      if (document.title !== this.badged) this.base = document.title;
      this.badged = document.title = `(${this.count}) ${this.base}`;
      if (this.sound) chime();
    }
    if (shown) return;
    this.hide();
    const short = text.length > 140 ? text.slice(0, 139) + "…" : text;
    this.peek = h("div", { class: "pw-peek", role: "status" },
      h("button", { type: "button", class: "pw-peek-msg", onclick: () => this.open() }, h("b", null, who), short),
      h("button", { type: "button", class: "pw-peek-x", "aria-label": t("invite.dismiss"), onclick: () => this.hide() }, "×"));
    this.root.append(this.peek);
  }

  /** The tab is visible again: the page's own title back. */
  seen(): void {
    if (this.count && document.title === this.badged) document.title = this.base;
    this.count = 0;
  }

  hide(): void {
    this.peek?.remove();
    this.peek = null;
  }
}

/** A short soft tone, made on the spot (no sound file to load). */
function chime(): void {
  try {
    const a = new AudioContext();
    const o = a.createOscillator();
    const g = a.createGain();
    o.frequency.value = 880;
    g.gain.setValueAtTime(0.15, a.currentTime);
    g.gain.exponentialRampToValueAtTime(0.001, a.currentTime + 0.3);
    o.connect(g).connect(a.destination);
    o.onended = () => void a.close();
    o.start();
    o.stop(a.currentTime + 0.3);
  } catch {
    // no sound where the browser refuses it
  }
}
