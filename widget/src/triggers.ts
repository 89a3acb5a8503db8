// The trigger chunk (docs/widget.md "Proactive triggers"), imported by widget.js only when the
// widget's public config has triggers. Once the page is idle (load, a short delay, then
// requestIdleCallback), a trigger whose conditions hold shows its message in a bubble by the
// launcher (and opens the chat when it says so): each trigger at most once per page view,
// never while the visitor has a conversation or after they opened the chat on this page, and
// never again in this browser once they dismissed one. Parley.trigger(name) fires the js
// triggers of that name. Clicked (or the launcher clicked while it shows), the chat opens with
// the message where the welcome goes; when the visitor answers, the conversation starts with
// it (the session request carries `trigger_id`, tracking_id.ts).
//
// Stored (docs/privacy.md): nothing before an interaction, except with visitor tracking on
// the time of the last page view when a trigger asks for returning visitors; dismissing
// keeps `parley:td:<siteKey>`. A beacon without any identifier counts shown and opened.
// Nothing here throws into the host page.

import type { PublicTrigger } from "@parley/protocol";
import { next, scrollPercent, visit } from "./trigger_match";
import type { Host, WidgetEvent } from "./types";
import { addStyles } from "./ui/launcher";

interface Api {
  open(): void;
  on(event: WidgetEvent, fn: (detail: unknown) => void): () => void;
  /** Fire the js triggers of this name (defined by this chunk). */
  trigger?(name: string): void;
}

export const dismissedKey = (siteKey: string): string => `parley:td:${siteKey}`;
export const visitKey = (siteKey: string): string => `parley:tv:${siteKey}`;

const CSS = `
.pw-trigger{position:fixed;bottom:88px;right:20px;max-width:300px;display:flex;align-items:flex-start;gap:4px;
padding:12px;border-radius:12px;background:var(--pw-bg,#fff);color:var(--pw-fg,#17191c);box-shadow:var(--pw-e3);
font:400 var(--pw-fs-md)/1.5 var(--pw-font);z-index:2147483646}
.pw-left .pw-trigger{right:auto;left:20px}
.pw-open .pw-trigger{display:none}
.pw-trigger-msg{all:unset;cursor:pointer;flex:1;white-space:pre-wrap;overflow-wrap:anywhere}
.pw-trigger-x{all:unset;cursor:pointer;width:24px;height:24px;text-align:center;border-radius:50%}
.pw-trigger-msg:focus-visible,.pw-trigger-x:focus-visible{outline:3px solid var(--pw-accent);outline-offset:2px}
`;

const read = (key: string): string | null => {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage blocked
  }
};
const write = (key: string, value: string): void => {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage blocked: this page only
  }
};

/** Call fn once the page is idle: after load, a short delay, then an idle moment. */
function whenIdle(fn: () => void): void {
  const later = (): unknown => setTimeout(() => {
    const ric = window.requestIdleCallback;
    if (ric) ric(fn, { timeout: 2000 });
    else fn();
  }, 500);
  if (document.readyState === "complete") later();
  else addEventListener("load", later, { once: true });
}

export function triggers(host: Host, api: Api): void {
  const { siteKey, config } = host;
  const cfg = config as typeof config & { trigger_id?: number };
  const list = (): PublicTrigger[] => cfg.triggers ?? [];
  const shadow = host.root.getRootNode() as ShadowRoot;
  addStyles(shadow, CSS);
  let bubble: HTMLElement | null = null;
  let shown: PublicTrigger | null = null;
  let stopped = !!read(dismissedKey(siteKey)); // dismissed in this browser: never again
  let idle = false;
  let scrolled = 0;
  let answering = false;
  const welcome = cfg.welcome_message;
  const called = new Set<string>();
  const fired = new Set<number>();

  const beacon = (t: PublicTrigger, event: "shown" | "opened"): void => {
    if (host.preview) return;
    try {
      void fetch(`${host.base}api/widgets/${encodeURIComponent(siteKey)}/trigger-events`, {
        method: "POST", body: JSON.stringify({ trigger_id: t.id, event }), credentials: "omit", keepalive: true,
      }).catch(() => {});
    } catch {
      // no fetch: not counted
    }
  };
  const hide = (): void => {
    bubble?.remove();
    bubble = shown = null;
  };
  /** The chat opens with the trigger's message (`launcher`: the launcher's click opens it). */
  const openFrom = (t: PublicTrigger, launcher = false): void => {
    cfg.welcome_message = t.message;
    cfg.trigger_id = t.id;
    answering = true;
    stopped = true;
    hide();
    beacon(t, "opened");
    if (!launcher) api.open();
  };
  const show = (t: PublicTrigger): void => {
    hide();
    shown = t;
    const msg = document.createElement("button");
    msg.type = "button";
    msg.className = "pw-trigger-msg";
    msg.textContent = t.message;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "pw-trigger-x";
    close.setAttribute("aria-label", host.t("invite.dismiss"));
    close.textContent = "×";
    bubble = document.createElement("div");
    bubble.className = "pw-trigger";
    bubble.setAttribute("role", "status");
    bubble.append(msg, close);
    host.root.append(bubble);
    msg.addEventListener("click", () => !host.preview && openFrom(t));
    close.addEventListener("click", () => {
      hide();
      if (host.preview) return;
      stopped = true;
      write(dismissedKey(siteKey), "1"); // an interaction: remembered in this browser
    });
  };

  if (host.preview) {
    // The admin UI's live preview: Parley.trigger(name) shows that trigger's bubble, as it is now.
    api.trigger = (name) => {
      const t = list().find((x) => x.name === name);
      if (t) show(t);
      else hide();
    };
    return;
  }

  let returning = false;
  if (cfg.visitor_tracking && list().some((t) => t.returning)) {
    const now = visit(read(visitKey(siteKey)), Date.now());
    returning = now.r;
    write(visitKey(siteKey), JSON.stringify(now));
  }
  const busy = (): boolean => !!read(`parley:${siteKey}`) || host.root.classList.contains("pw-open");
  const check = (): void => {
    if (!idle || stopped || busy()) return;
    const t = next(list(), {
      href: location.href, seconds: performance.now() / 1000, scrolled, returning, called,
    }, fired);
    if (!t) return;
    fired.add(t.id);
    show(t);
    beacon(t, "shown");
    if (t.open) openFrom(t);
  };

  api.trigger = (name) => {
    if (typeof name !== "string") return;
    called.add(name);
    check();
  };
  api.on("open", () => {
    stopped = true; // the visitor found the chat: no trigger on this page any more
    hide();
  });
  api.on("session", () => {
    hide();
    if (!answering) return;
    // The trigger's message now comes from the server, as the conversation's first.
    host.root.querySelector(".pw-welcome")?.remove();
    delete cfg.trigger_id;
    cfg.welcome_message = welcome; // a later conversation starts as usual
    answering = false;
  });
  // The launcher clicked while a bubble shows: the chat opens from the trigger. (The loader's
  // own listener ran first; the chat mounts later, after this sets the welcome.)
  host.launcher.addEventListener("click", () => shown && openFrom(shown, true));

  whenIdle(() => {
    idle = true;
    if (list().some((t) => t.scroll_pct)) {
      const measure = (): void => {
        scrolled = Math.max(scrolled, scrollPercent(scrollY, innerHeight, document.documentElement.scrollHeight));
        check();
      };
      addEventListener("scroll", measure, { passive: true });
      measure();
    }
    for (const t of list()) {
      const wait = (t.delay_s ?? 0) * 1000 - performance.now();
      if (wait > 0) setTimeout(check, wait + 50);
    }
    check();
  });
  dispatchEvent(new CustomEvent("parley:triggers"));
}
