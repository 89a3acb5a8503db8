// The tracking chunk (docs/privacy.md), imported by widget.js only when the widget's
// `visitor_tracking` is on: it keeps a random tracking id in localStorage and reports the page
// (origin and path, its title, the referrer) on each page view and SPA navigation, then a
// heartbeat every interval the server says (20 s) and when the tab comes back; when the page
// goes away, a beacon says so. An agent's invitation to chat comes back in a heartbeat's
// answer: shown as a bubble by the launcher; clicked, it opens the chat with the agent's
// message where the welcome message goes (the conversation, once the visitor answers, starts
// with that message). Requests are "simple" (text/plain), so no CORS preflight each time.
// Nothing here throws into the host page.

import { pageUrl } from "./context";
import { trackingId, trackingKey } from "./tracking_id";
import type { Host, WidgetEvent } from "./types";
import { addStyles } from "./ui/launcher";

interface Api {
  open(): void;
  on(event: WidgetEvent, fn: (detail: unknown) => void): () => void;
}

interface Invite {
  id: string;
  text: string;
  agent: { id: number; display_name: string };
}

const TITLE_MAX = 200;

const CSS = `
.pw-invite{position:fixed;bottom:88px;right:20px;max-width:300px;display:flex;align-items:flex-start;gap:4px;
padding:12px;border-radius:12px;background:var(--pw-bg,#fff);color:var(--pw-fg,#17191c);box-shadow:var(--pw-e3);
font:400 var(--pw-fs-md)/1.5 var(--pw-font);z-index:2147483646}
.pw-left .pw-invite{right:auto;left:20px}
.pw-open .pw-invite{display:none}
.pw-invite-msg{all:unset;cursor:pointer;flex:1;white-space:pre-wrap;overflow-wrap:anywhere}
.pw-invite-msg b{display:block;font-weight:600;font-size:var(--pw-fs-sm)}
.pw-invite-x{all:unset;cursor:pointer;width:24px;height:24px;text-align:center;border-radius:50%}
.pw-invite-msg:focus-visible,.pw-invite-x:focus-visible{outline:3px solid var(--pw-accent);outline-offset:2px}
`;

function newId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((n) => n.toString(16).padStart(2, "0")).join("");
}

/** The browser's tracking id for the site, made the first time (per page when storage is blocked). */
function ensureId(siteKey: string): string {
  const had = trackingId(siteKey);
  if (had) return had;
  const id = newId();
  try {
    localStorage.setItem(trackingKey(siteKey), id);
  } catch {
    // storage blocked: this page's visit only
  }
  return id;
}

export function track(host: Host, api: Api): void {
  if (host.preview) return;
  const { siteKey } = host;
  const id = ensureId(siteKey);
  const url = `${host.base}api/widgets/${encodeURIComponent(siteKey)}/track`;
  const shadow = host.root.getRootNode() as ShadowRoot;
  addStyles(shadow, CSS);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let interval = 20_000;
  let stopped = false;
  let bubble: HTMLElement | null = null;
  let shownId = "";
  let dismissed = "";
  let invited = false;

  const chatting = (): boolean => {
    try {
      return !!localStorage.getItem(`parley:${siteKey}`);
    } catch {
      return false;
    }
  };
  const report = (extra: object = {}): string => {
    const page = pageUrl(location.href);
    return JSON.stringify({
      tracking_id: id, referrer: pageUrl(document.referrer) ?? null, chatting: chatting(),
      ...(page ? { page: { url: page, title: document.title.trim().slice(0, TITLE_MAX) || null } } : {}),
      ...extra,
    });
  };

  const hide = (): void => {
    bubble?.remove();
    bubble = null;
  };
  const show = (invite: Invite | null): void => {
    if (!invite || invite.id === dismissed || chatting()) return hide();
    if (invite.id === shownId && bubble) return;
    hide();
    shownId = invite.id;
    const msg = document.createElement("button");
    msg.type = "button";
    msg.className = "pw-invite-msg";
    const who = document.createElement("b");
    who.textContent = invite.agent.display_name;
    msg.append(who, invite.text);
    const close = document.createElement("button");
    close.type = "button";
    close.className = "pw-invite-x";
    close.setAttribute("aria-label", host.t("invite.dismiss"));
    close.textContent = "×";
    bubble = document.createElement("div");
    bubble.className = "pw-invite";
    bubble.setAttribute("role", "status");
    bubble.append(msg, close);
    host.root.append(bubble);
    msg.addEventListener("click", () => {
      // The chat opens with the agent's message where the welcome goes; once the visitor
      // answers, the conversation's first message is that one (shown from the server).
      host.config.welcome_message = `${invite.agent.display_name}: ${invite.text}`;
      invited = true;
      hide();
      api.open();
    });
    close.addEventListener("click", () => {
      dismissed = invite.id;
      hide();
      void beat({ dismiss: invite.id });
    });
  };

  const beat = async (extra: object = {}): Promise<void> => {
    clearTimeout(timer);
    if (stopped) return;
    try {
      const resp = await fetch(url, { method: "POST", body: report(extra), credentials: "omit" });
      if (resp.status === 403 || resp.status === 404) {
        stopped = true; // tracking was switched off, or the widget is gone
        return;
      }
      if (resp.ok) {
        const answer = (await resp.json()) as { interval_s?: number; invite?: Invite | null };
        interval = Math.max(5, answer.interval_s ?? 20) * 1000;
        show(answer.invite ?? null);
      }
    } catch {
      // offline: the next heartbeat tries again
    }
    timer = setTimeout(() => void beat(), interval);
  };

  api.on("session", () => {
    hide();
    // The agent's message now comes from the server, as the conversation's first.
    if (invited) host.root.querySelector(".pw-welcome")?.remove();
  });
  const later = (): unknown => setTimeout(() => void beat(), 400); // after the SPA sets its title
  addEventListener("popstate", later);
  const push = history.pushState;
  history.pushState = function (this: History, ...args: Parameters<History["pushState"]>) {
    push.apply(this, args);
    later();
  };
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") void beat();
  });
  addEventListener("pagehide", () => {
    try {
      navigator.sendBeacon(url, report({ left: true }));
    } catch {
      // no beacon: the visit times out by itself
    }
  });
  void beat();
}
