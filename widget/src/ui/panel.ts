// The chat window: header, status banner, the transcript (or the pre-chat form), the typing
// line and the footer (composer, email follow-up, rating). It renders the Conversation's
// state and forwards what the visitor does to it.

import { getFile } from "../api";
import { ASSISTANT, type Conversation, type State } from "../conversation";
import { isOpen } from "../hours";
import { SIGN_IN_NOTICE } from "../state/conversation";
import { dir, language, t } from "./strings";
import type { Attached, Host, VisitorHome } from "../types";
import { Attach } from "./attach";
import { h, replace } from "./dom";
import { type FileAccess, blobCache, viewer } from "./files";
import { emailForm, prechatForm, ratingCard } from "./forms";
import { waitText } from "./format";
import { svg } from "./launcher";
import { linkify } from "./linkify";
import { MessageList } from "./messages";

const SEND_ICON = "M2.01 21 23 12 2.01 3 2 10l15 2-15 2z";
const MINIMIZE_ICON = "M7.41 8.59 12 13.17l4.59-4.58L18 10l-6 6-6-6 1.41-1.41z";
// A speech bubble with a cross: "end this chat" (not an exit arrow, which reads as "leave the page").
const END_ICON = "M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2zm0 14H6l-2 2V4h16zM15.5 7.2l-.7-.7L12 9.3 9.2 6.5l-.7.7 2.8 2.8-2.8 2.8.7.7 2.8-2.8 2.8 2.8.7-.7-2.8-2.8z";
const LIST_ICON = "M4 6h16v2H4zm0 5h16v2H4zm0 5h10v2H4z";
const PERSON_ICON = "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm0 2c-2.67 0-8 1.34-8 4v2h16v-2c0-2.66-5.33-4-8-4z";
// A lost connection is shown only if it lasts: a quick reconnect should not flash a banner.
const BANNER_DELAY_MS = 1500;
const MOBILE = "(max-width: 767px)";

export interface PanelActions {
  close(): void;
}

export class Panel {
  readonly el: HTMLElement;
  readonly list: MessageList;
  private avatar = h("div", { class: "pw-avatar", "aria-hidden": "true" });
  private sub = h("p", { class: "pw-sub", id: "pw-sub" });
  private endButton: HTMLButtonElement;
  private homeButton: HTMLButtonElement;
  /** The visitor's conversations (docs/privacy.md), and whether the list is shown. */
  private home: VisitorHome | null = null;
  private listing = false;
  private banner = h("div", { class: "pw-banner", role: "status", hidden: true });
  private notice = h("div", { class: "pw-notice", role: "alert", hidden: true });
  private main = h("div", { class: "pw-main" });
  private typingLine = h("div", { class: "pw-typing", "aria-hidden": "true" });
  private cards = h("div", { class: "pw-cards" });
  private actions = h("div", { class: "pw-actions" });
  private composer: HTMLFormElement;
  private input: HTMLTextAreaElement;
  private live = h("div", { class: "pw-sr", "aria-live": "polite" });
  private attach: Attach;
  private files: FileAccess;
  private confirmEnd = false;
  private prechat: ReturnType<typeof prechatForm> | null = null;
  private signIn: HTMLElement | null = null;
  private email: ReturnType<typeof emailForm> | null = null;
  private shownCards = "";
  private shownChip = "";
  private shownErrors = "{}";
  private bannerTimer: ReturnType<typeof setTimeout> | undefined;
  private lostSince = 0;

  constructor(private readonly host: Host, private readonly conv: Conversation,
              private readonly ctl: PanelActions) {
    const cfg = host.config;
    this.files = {
      url: blobCache((id, thumb) => {
        const session = conv.session;
        return session ? getFile(host.base, id, session.token, thumb) : Promise.reject(new Error("no session"));
      }),
      view: (file) => this.view(file),
    };
    this.list = new MessageList({ ai: ASSISTANT(), business: cfg.business_name },
      (key) => conv.retry(key), (text) => {
        conv.send(text);
        this.input.focus(); // the buttons are gone: keep the focus where the chat goes on
      }, this.files, (key) => this.chooseAgain(key));
    this.attach = new Attach(host, conv, (text) => this.announce(text), () => {});
    this.list.welcome(cfg.welcome_message);
    this.endButton = this.iconButton(END_ICON, t("panel.end"), () => {
      this.confirmEnd = true;
      this.render(conv.state);
      (this.cards.querySelector(".pw-confirm .pw-btn") as HTMLElement | null)?.focus();
    });
    this.homeButton = this.iconButton(LIST_ICON, t("panel.list"), () => {
      this.listing = !this.listing;
      this.render(conv.state);
      (this.main.querySelector("button") as HTMLElement | null)?.focus();
    });
    this.input = h("textarea", {
      class: "pw-input", id: "pw-input", rows: "1", maxlength: "4000",
      placeholder: t("panel.placeholder"), "aria-label": t("panel.message"), enterkeyhint: "send",
    });
    this.input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        this.send();
      }
    });
    this.input.addEventListener("input", () => {
      this.grow();
      this.conv.typing(this.input.value.trim() !== "");
    });
    this.input.addEventListener("blur", () => this.conv.typing(false));
    this.composer = h("form", { class: "pw-composer", "aria-label": t("panel.composer") },
      this.attach.button, this.attach.input, this.input,
      h("button", { type: "submit", class: "pw-send", "aria-label": t("panel.send") }, svg(SEND_ICON)));
    this.composer.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.send();
    });

    this.el = h("div", {
      class: "pw-panel", id: "pw-panel", role: "dialog", "aria-labelledby": "pw-title",
      "aria-describedby": "pw-sub", lang: language(), dir: dir(),
    },
      h("div", { class: "pw-head" }, this.avatar,
        h("div", { class: "pw-head-text" },
          h("p", { class: "pw-title", id: "pw-title" }, cfg.widget_title || cfg.business_name),
          this.sub),
        this.homeButton,
        this.endButton,
        this.iconButton(MINIMIZE_ICON, t("launcher.close"), () => this.ctl.close())),
      this.notice, this.banner, this.main, this.typingLine,
      h("div", { class: "pw-foot" }, this.cards, this.actions, this.attach.slot, this.composer),
      this.live);
    this.el.addEventListener("keydown", (ev) => this.onKey(ev));
    this.attach.watch(this.el, this.input, () => !this.composer.hidden);
    host.launcher.setAttribute("aria-controls", "pw-panel");
    this.render(conv.state);
  }

  private iconButton(icon: string, label: string, onclick: () => void): HTMLButtonElement {
    return h("button", { type: "button", class: "pw-icon", "aria-label": label, title: label, onclick },
      svg(icon));
  }

  /** Ask the server for the visitor's conversations (when the widget is opened). */
  refreshHome(): void {
    void this.conv.conversations().then((home) => {
      this.home = home;
      this.render(this.conv.state);
    });
  }

  /** The list of the visitor's conversations: one to continue (or reopen), or a new one. */
  private homeView(home: VisitorHome): HTMLElement {
    const current = this.conv.session?.sid;
    const open = home.open_session_id;
    const items = home.conversations.map((c) => {
      const ended = c.status === "closed" || c.status === "abandoned";
      const when = new Date(c.last_activity_at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
      return h("li", { class: "pw-conv", "data-session": c.session_id },
        h("button", { type: "button", class: "pw-conv-open", "aria-current": c.session_id === current ? "true" : null,
          onclick: () => this.pick(c.session_id, false) },
        h("span", { class: "pw-conv-text", dir: "auto" }, c.last_message ?? t("home.untitled")),
        h("span", { class: "pw-conv-meta" }, `${t(ended ? "home.ended" : "home.open")} · ${when}`)),
        ended && !open ? h("button", { type: "button", class: "pw-btn pw-btn--ghost",
          onclick: () => this.pick(c.session_id, true) }, t("home.reopen")) : null);
    });
    return h("section", { class: "pw-home", "aria-label": t("panel.list") },
      h("p", { class: "pw-card-title" }, t("panel.list")),
      h("ul", { class: "pw-convs" }, ...items),
      open ? null : h("button", { type: "button", class: "pw-btn", onclick: () => {
        this.listing = false;
        if (this.conv.session) this.conv.reset();
        this.render(this.conv.state);
        this.focus();
      } }, t("home.new")));
  }

  private pick(sid: string, reopen: boolean): void {
    this.listing = false;
    if (sid === this.conv.session?.sid && !reopen) {
      this.render(this.conv.state);
      this.focus();
      return;
    }
    void this.conv.switchTo(sid, reopen).then(() => this.focus(), () => {
      this.announce(t("home.reopenFailed"));
    }).finally(() => this.refreshHome());
  }

  announce(text: string): void {
    // Re-setting the same text would not be announced again: clear first.
    this.live.textContent = "";
    setTimeout(() => (this.live.textContent = text), 50);
  }

  /** Put the focus where the visitor will type. */
  focus(): void {
    if (this.prechat) this.prechat.fields.focus();
    else if (this.email) this.email.fields.focus();
    else if (!this.composer.hidden) this.input.focus();
    else ((this.cards.querySelector("button, input, textarea") as HTMLElement | null) ?? this.list.el).focus();
  }

  private send(): void {
    const text = this.input.value;
    const taken = this.attach.take();
    if (!text.trim() && !taken) return;
    this.input.value = "";
    this.grow();
    const id = this.conv.send(text, taken?.files);
    // Files still uploading: the message is sent once they are all done.
    if (taken?.files.some((f) => !f.id)) {
      taken.all.then((files) => this.conv.uploaded(id, files), (err: Error) => this.conv.uploadFailed(id, err.message));
    }
  }

  /** An own message whose uploads did not finish: back to the composer, files to choose. */
  private chooseAgain(key: string): void {
    const text = this.conv.transcript.get(key)?.text ?? "";
    this.conv.discard(key);
    if (!this.input.value.trim()) this.input.value = text;
    this.attach.choose();
    this.input.focus();
  }

  /** An image full size over the panel; closing gives the focus back. */
  private view(file: Attached): void {
    const opener = (this.el.getRootNode() as ShadowRoot).activeElement as HTMLElement | null;
    const el = viewer(file, this.files, () => {
      el.remove();
      opener?.focus();
    });
    this.el.append(el);
  }

  private grow(): void {
    const pinned = this.list.atEnd();
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight + 2, 120)}px`;
    if (pinned) this.list.scrollToEnd();
  }

  private onKey(ev: KeyboardEvent): void {
    if (ev.key === "Escape") {
      ev.stopPropagation();
      if (this.confirmEnd) {
        this.confirmEnd = false;
        this.render(this.conv.state);
        this.endButton.focus();
      } else {
        this.ctl.close();
      }
      return;
    }
    // Full screen on a phone, the panel is modal: Tab cycles inside it.
    if (ev.key === "Tab" && matchMedia(MOBILE).matches) {
      const items = [...this.el.querySelectorAll<HTMLElement>(
        "button:not([disabled]), a[href], input, select, textarea, [tabindex='0']")]
        .filter((e) => e.getClientRects().length > 0);
      const first = items[0];
      const last = items[items.length - 1];
      const active = (this.el.getRootNode() as ShadowRoot).activeElement;
      if (ev.shiftKey && active === first) {
        ev.preventDefault();
        last?.focus();
      } else if (!ev.shiftKey && active === last) {
        ev.preventDefault();
        first?.focus();
      }
    }
  }

  shown(open: boolean): void {
    if (matchMedia(MOBILE).matches) this.el.setAttribute("aria-modal", "true");
    else this.el.removeAttribute("aria-modal");
    if (open) this.list.scrollToEnd();
  }

  render(s: State): void {
    // Banners and cards take room from the transcript: keep the newest message in view.
    const pinned = this.list.atEnd();
    // A control with the focus may be redrawn or hidden (the email form becoming its
    // "Thanks", the stars becoming the rating's thanks): the focus must stay in the widget,
    // never fall to the page.
    const had = (this.el.getRootNode() as ShadowRoot).activeElement;
    const inside = !!had && this.el.contains(had);
    this.draw(s);
    if (pinned) this.list.scrollToEnd();
    if (inside && had && (!this.el.contains(had) || had.closest("[hidden]"))) this.focus();
  }

  private draw(s: State): void {
    const cfg = this.host.config;
    const closed = !isOpen(cfg.business_hours, cfg.timezone);
    // Nobody to hand over to: outside business hours, or no agent online.
    const awayNow = closed || !s.staffed;
    // Header: who the visitor is talking to.
    const name = s.agent && s.status === "assigned" ? s.agent : cfg.business_name;
    // The agent's picture (served by Parley, public), else the name's initial.
    const face = s.agent && s.status === "assigned" && s.agentAvatar
      ? this.host.base + s.agentAvatar.replace(/^\//, "") : null;
    this.list.face = face && s.agent ? { name: s.agent, src: face } : null;
    if (face) {
      if (this.avatar.firstElementChild?.getAttribute("src") !== face) replace(this.avatar, h("img", { src: face, alt: "" }));
    } else {
      this.avatar.textContent = (name.trim()[0] ?? "?").toUpperCase();
    }
    let sub: string;
    if (s.phase === "ended") sub = t("sub.ended");
    else if (s.status === "assigned") sub = s.agent ? t("sub.agent", { agent: s.agent }) : t("sub.person");
    else if (s.status === "waiting") sub = t(s.away ? "sub.email" : "sub.waiting");
    else if (closed || (awayNow && !cfg.ai_enabled)) sub = t("sub.away");
    else if (cfg.ai_enabled) sub = t("sub.ai");
    else sub = t("sub.default");
    this.sub.textContent = sub;
    this.endButton.hidden = s.phase !== "live";

    // Problems and the connection.
    this.notice.textContent = s.notice ?? "";
    this.notice.hidden = !s.notice;
    this.connection(s);

    // Main area: a sign-in message where only signed-in visitors may chat and this one has
    // no signed identity (docs/identity.md), else the pre-chat form until the session
    // exists, then the transcript.
    const signIn = !!cfg.require_identity && !this.host.identity.token && !this.conv.hasSession
      && s.phase !== "live" && s.phase !== "ended";
    const wantPrechat = !signIn && s.phase !== "live" && s.phase !== "ended" && cfg.enable_prechat_form
      && cfg.prechat_fields.length > 0 && !this.conv.hasSession;
    const others = this.home?.conversations.some((c) => c.session_id !== this.conv.session?.sid) ?? false;
    this.homeButton.hidden = !others;
    const listing = this.listing && others && !!this.home;
    this.homeButton.setAttribute("aria-expanded", String(listing));
    if (listing && this.home) {
      this.prechat = null;
      this.signIn = null;
      replace(this.main, this.homeView(this.home));
    } else if (this.main.querySelector(".pw-home")) {
      replace(this.main);
    }
    if (listing) {
      // the list only
    } else if (signIn) {
      this.prechat = null;
      if (!this.signIn) {
        this.signIn = h("p", { class: "pw-card pw-signin", role: "status" }, ...linkify(SIGN_IN_NOTICE()));
        replace(this.main, this.signIn);
      }
    } else if (this.signIn) {
      this.signIn = null;
      replace(this.main);
    }
    if (listing) {
      // nothing more in the main area
    } else if (signIn) {
      // nothing more in the main area
    } else if (wantPrechat && !this.prechat) {
      this.prechat = prechatForm(cfg.prechat_fields, this.host.identity,
        cfg.welcome_message || t("prechat.intro"),
        (answers) => void this.conv.start(answers).then((ok) => ok && this.focus()));
      replace(this.main, this.prechat.el);
    } else if (!wantPrechat && (this.prechat || !this.main.firstChild)) {
      this.prechat = null;
      replace(this.main, this.list.el);
      this.list.scrollToEnd();
    }
    // Field errors are shown (and the first invalid field focused) when they change, not at
    // every render.
    const errors = JSON.stringify(s.errors);
    const newErrors = errors !== this.shownErrors;
    this.shownErrors = errors;
    if (this.prechat) {
      this.prechat.busy(s.phase === "starting");
      if (newErrors && errors !== "{}") this.prechat.fields.show(s.errors);
    }

    this.list.offer(s.offer);
    this.typingLine.textContent = s.typing ? t("typing", { name: s.typing }) : "";
    this.typingLine.hidden = !s.typing;

    // Footer.
    const ended = s.phase === "ended";
    // The email form, then its "Thanks! We'll reply to …", only while the visitor waits:
    // gone once an agent joined.
    const waiting = s.status === "waiting";
    const cards = ended ? `ended:${s.rated}:${s.status}` : this.confirmEnd ? "confirm"
      : waiting && s.email ? `email:${s.email}` : waiting && s.away ? "email" : "";
    if (cards !== this.shownCards) {
      this.shownCards = cards;
      this.email = null;
      if (ended) {
        this.confirmEnd = false;
        // A conversation the visitor walked away from (abandoned) is not rated.
        replace(this.cards, ratingCard(s.status === "abandoned" ? 0 : s.rated, (n, c) => this.conv.rate(n, c), () => {
          this.conv.reset();
          this.focus();
        }, (d) => svg(d)));
      } else if (cards === "confirm") {
        // The transcript by email: when the server sends mail and the session has an email.
        const transcript = cfg.mail && s.mailTo
          ? h("input", { type: "checkbox", id: "pw-transcript" }) : null;
        replace(this.cards, h("section", { class: "pw-card pw-confirm", "aria-label": t("panel.end") },
          h("p", null, t("end.title")),
          transcript && h("label", { class: "pw-check" }, transcript, t("end.transcript")),
          h("div", { class: "pw-row" },
            h("button", { type: "button", class: "pw-btn", onclick: () => {
              this.confirmEnd = false;
              this.conv.end(!!transcript?.checked);
              this.focus();
            } }, t("end.confirm")),
            h("button", { type: "button", class: "pw-btn pw-btn--ghost", onclick: () => {
              this.confirmEnd = false;
              this.render(this.conv.state);
              this.endButton.focus();
            } }, t("end.cancel")))));
      } else if (cards === "email") {
        this.email = emailForm((email) => this.conv.leaveEmail(email, ""));
        replace(this.cards, this.email.el);
      } else if (cards.startsWith("email:")) {
        replace(this.cards, h("p", { class: "pw-card pw-saved", role: "status" },
          t("email.saved", { email: s.email })));
      } else {
        replace(this.cards);
      }
    }
    if (this.email && newErrors) this.email.fields.show(s.errors, errors !== "{}");

    const canEscalate = cfg.ai_enabled && !ended && !this.prechat && !signIn
      && (s.status === null || s.status === "active");
    // Made again only when it changes: a focused chip must not be replaced at each render.
    const chip = canEscalate ? t(awayNow ? "escalate.away" : "escalate.person") : "";
    if (chip !== this.shownChip) {
      this.shownChip = chip;
      replace(this.actions, chip ? h("button", {
        type: "button", class: "pw-chip", onclick: () => this.conv.escalate(),
      }, svg(PERSON_ICON), chip) : null);
    }
    this.composer.hidden = ended || !!this.prechat || this.confirmEnd || signIn || listing;
    this.cards.hidden = listing;
    this.actions.hidden = listing;
    this.attach.slot.hidden = this.composer.hidden;
  }

  private connection(s: State): void {
    const lost = s.connection === "waiting" || s.connection === "connecting";
    const queue = s.status === "waiting" && !s.away && s.queue?.position
      ? t("queue.position", { n: s.queue.position }) +
        (s.queue.estimated_wait_s ? " · " + t("queue.wait", { wait: waitText(s.queue.estimated_wait_s) }) : "")
      : s.status === "waiting" && !s.away ? t("queue.connecting") : "";
    const show = (text: string, warn: boolean): void => {
      this.banner.textContent = text;
      this.banner.hidden = !text;
      this.banner.classList.toggle("pw-banner--warn", warn);
    };
    clearTimeout(this.bannerTimer);
    if (lost && s.phase !== "new") {
      if (!this.lostSince) this.lostSince = Date.now();
      const offline = typeof navigator !== "undefined" && navigator.onLine === false;
      const text = t(offline ? "conn.offline" : "conn.lost");
      const wait = BANNER_DELAY_MS - (Date.now() - this.lostSince);
      if (wait <= 0) show(text, true);
      else {
        show(queue, false);
        this.bannerTimer = setTimeout(() => show(text, true), wait);
      }
      return;
    }
    this.lostSince = 0;
    show(queue, false);
  }
}
