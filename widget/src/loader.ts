// widget.js: the one script a site pastes. It stays tiny (every page view downloads it): it
// reads its tag, fetches the widget's public config, shows the launcher in a Shadow DOM and
// defines window.Parley. The chat UI is a separate, content-hashed chunk imported when the
// visitor opens the launcher — or at once when this browser already has a conversation
// going on this site (so a reply can raise the unread badge).
//
// Preview mode (the admin UI's live preview; docs/widget.md): a tag with `data-preview` and no
// site key fetches nothing; the page hands the config to Parley.preview(config), again at every
// change, and the chat never creates a session.
//
// A conversation link (Parley's /c/<token> page; docs/widget.md) hands the tag a conversation
// to continue: `data-session-id` and `data-visitor-token` replace whatever conversation this
// browser had stored for the widget, and `data-open` opens the panel at once.

import { getConfig } from "./api";
import { readablePair, readableOn } from "./color";
import { isOpen } from "./hours";
import { type Params, type Texts, format, pickLang } from "./i18n";
import { load, save } from "./storage";
import type { ChatApp, Host, Identity, PublicConfig, WidgetEvent } from "./types";
import { CHAT_ICON, CLOSE_ICON, LOADER_CSS, addStyles, svg } from "./ui/launcher";

declare const __PARLEY_CHUNK__: string;
declare const __PARLEY_TRACK__: string;
declare const __PARLEY_TRIGGERS__: string;
/** The language packs' shared content hash; the launcher's English texts (as in a pack). */
declare const __PARLEY_I18N__: string;
declare const __PARLEY_EN__: Host["words"]["pack"];
/** The launcher's keys: the first texts of a pack (scripts/i18n.mjs). */
declare const __PARLEY_LAUNCHER__: string[];

const VERSION = "1";

type Listener = (detail: unknown) => void;

export interface ParleyApi {
  version: string;
  open(): void;
  close(): void;
  identify(identity: Identity): void;
  /** Custom attributes for the agents (docs/widget.md); sent once a conversation exists. */
  setAttributes(attributes: Record<string, unknown>): void;
  on(event: WidgetEvent, fn: Listener): () => void;
  /** Preview mode only: show the widget with this config (unsaved settings), now and again. */
  preview?(config: PublicConfig): void;
}

declare global {
  interface Window {
    Parley?: ParleyApi;
  }
}

function findScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && (current.dataset.siteKey || current.dataset.preview != null)) {
    return current;
  }
  return document.querySelector<HTMLScriptElement>("script[data-site-key][src],script[data-preview][src]");
}

function clean(value: unknown, max: number): string | undefined {
  return typeof value === "string" && value.trim() ? value.trim().slice(0, max) : undefined;
}

function start(script: HTMLScriptElement, siteKey: string, preview: boolean): void {
  const base = new URL(".", script.src).href;
  const { theme, sessionId: sid, visitorToken: token } = script.dataset; // theme: light, dark, auto
  if (sid && token) {
    const had = load(siteKey);
    save(siteKey, had?.sid === sid ? { ...had, token } : { sid, token });
  }
  const listeners = new Map<string, Set<Listener>>();
  const identity: Identity = {};
  const attrs: unknown[] = [];
  let config: PublicConfig | null = null;
  let app: ChatApp | null = null;
  let loading: Promise<ChatApp> | null = null;
  let chunk: Promise<{ mount(host: Host): ChatApp }> | null = null;
  let wanted = false;

  const emit = (event: WidgetEvent, detail?: unknown): void => {
    for (const fn of listeners.get(event) ?? []) {
      try {
        fn(detail);
      } catch (err) {
        console.error("Parley: an event listener failed", err);
      }
    }
  };

  // The host element and its shadow root; nothing of the page's CSS reaches inside.
  const el = document.createElement("parley-widget");
  const shadow = el.attachShadow({ mode: "open" });
  const root = document.createElement("div");
  root.className = "pw-root" + (theme === "dark" ? " pw-dark" : theme === "auto" ? " pw-auto" : "");
  root.hidden = true;
  const launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "pw-launcher";
  launcher.setAttribute("aria-haspopup", "dialog");
  launcher.setAttribute("aria-expanded", "false");
  const badge = document.createElement("span");
  badge.className = "pw-badge";
  badge.setAttribute("aria-hidden", "true");
  badge.hidden = true;
  const label = document.createElement("span");
  label.className = "pw-launcher-label";
  launcher.append(svg(CHAT_ICON, "pw-i-chat"), svg(CLOSE_ICON, "pw-i-close"), label, badge);
  root.append(launcher);
  addStyles(shadow, LOADER_CSS);
  shadow.append(root);
  document.documentElement.append(el);

  let unread = 0;
  let opened = false;
  // The visitor's language (src/i18n.ts): its texts, fetched in parallel with the chat chunk.
  const words: Host["words"] = { lang: "en", pack: [], over: {} };
  let launcherTexts: Texts = {};
  // The launcher's texts: the admin's overrides, else the pack's (English: in this file).
  const launch = (pack: Host["words"]["pack"]): void => {
    launcherTexts = { ...words.over };
    __PARLEY_LAUNCHER__.forEach((key, i) => {
      const text = pack[i];
      if (text) launcherTexts[key] ??= text;
    });
    describe();
  };
  const t = (key: string, params?: Params): string => format(launcherTexts, words.lang, key, params);
  const away = (): boolean => !!config && !isOpen(config.business_hours, config.timezone);
  const describe = (): void => {
    const awayNow = away();
    root.classList.toggle("pw-away", awayNow && !opened);
    let text = t(opened ? "launcher.close" : "launcher.open");
    if (!opened && unread) text += ", " + t("launcher.unread", { n: unread });
    if (!opened && awayNow) text += ". " + t("launcher.away");
    launcher.setAttribute("aria-label", text);
    label.textContent = t("launcher.label");
    badge.textContent = unread > 9 ? "9+" : String(unread);
    badge.hidden = !unread;
  };

  const host = (cfg: PublicConfig): Host => ({
    root, config: cfg, base, siteKey, identity, attrs, launcher, emit, preview, words, t,
    setOpen(open) {
      opened = open;
      root.classList.toggle("pw-open", open);
      launcher.setAttribute("aria-expanded", String(open));
      describe();
      emit(open ? "open" : "close");
    },
    setUnread(count) {
      if (count !== unread) emit("unread", { count });
      unread = count;
      describe();
    },
  });

  const importChunk = (): Promise<{ mount(host: Host): ChatApp }> =>
    (chunk ??= import(base + "widget/" + __PARLEY_CHUNK__));

  const chat = (): Promise<ChatApp> => {
    if (!loading) {
      launcher.setAttribute("aria-busy", "true");
      loading = ready
        .then((cfg) => Promise.all([importChunk(), pack()]).then(([m]) => (app = m.mount(host(cfg)))))
        .catch((err: unknown) => {
          loading = chunk = null;
          console.warn("Parley: the chat could not be loaded", err);
          throw err;
        })
        .finally(() => launcher.removeAttribute("aria-busy"));
    }
    return loading;
  };

  const style = (cfg: PublicConfig): void => {
    const primary = readablePair(cfg.primary_color);
    const vars: Record<string, string> = {
      "--pw-primary": cfg.primary_color,
      "--pw-on-primary": primary.fg,
      "--pw-accent": primary.bg,
      "--pw-on-accent": primary.fg,
      "--pw-secondary-l": readableOn(cfg.secondary_color, "#ffffff"),
      "--pw-secondary-d": readableOn(cfg.secondary_color, "#17191c"),
    };
    for (const [name, value] of Object.entries(vars)) root.style.setProperty(name, value);
    root.classList.toggle("pw-left", cfg.position === "bottom-left");
    describe();
  };

  // The pack of the visitor's language and the admin's overrides: at once for the launcher's
  // labels, else (English: they are in this file) with the chat chunk. The preview shows the
  // config's language, whatever the browser's.
  let texts: Promise<unknown> | null = null;
  const pack = (): Promise<unknown> =>
    (texts ??= import(`${base}widget/i18n-${words.lang}.${__PARLEY_I18N__}.js`).then((m: { default: Host["words"]["pack"] }) => {
      launch((words.pack = m.default));
    }, (err: unknown) => {
      texts = null;
      throw err;
    }));
  const language = (cfg: PublicConfig): void => {
    const prefs = preview ? [] : navigator.languages || [navigator.language];
    words.lang = pickLang(prefs, cfg.language ?? "en");
    words.over = cfg.text_overrides?.[words.lang] ?? {};
    launch(__PARLEY_EN__);
    texts = null;
    if (words.lang != "en") void pack().catch(() => {});
  };

  let previewed: ((cfg: PublicConfig) => void) | undefined;
  const ready: Promise<PublicConfig> = (preview
    ? new Promise<PublicConfig>((resolve) => (previewed = resolve))
    : getConfig(base, siteKey)).then((cfg) => {
    config = cfg;
    language(cfg);
    style(cfg);
    // Hidden while nobody could answer (hide_when_offline), unless a conversation goes on here.
    root.hidden = !!config.hidden_now && !load(siteKey);
    emit("ready", { site_key: siteKey, away: away() });
    if (!preview && load(siteKey)) void chat().catch(() => {});
    // Visitor tracking (docs/privacy.md): its own chunk, only when the widget has it on.
    if (cfg.visitor_tracking && !preview) import(base + "widget/" + __PARLEY_TRACK__).then((m) => m.track(host(cfg), api), () => {});
    if (cfg.triggers?.length || preview) import(base + "widget/" + __PARLEY_TRIGGERS__).then((m) => m.triggers(host(cfg), api), () => {});
    return cfg;
  });
  ready.catch((err: Error) => {
    console.warn(`Parley: the chat is not available on this page (${err.message}). Check the ` +
      `site key, and that ${location.origin} is one of the widget's allowed origins.`);
    el.remove();
  });

  const api: ParleyApi = {
    version: VERSION,
    open() {
      wanted = true;
      chat().then((a) => wanted && a.open(!preview), () => {});
    },
    close() {
      wanted = false;
      app?.close();
    },
    identify(who) {
      const name = clean(who?.name, 100);
      const email = clean(who?.email, 254);
      // A signed token is passed as it is (the server checks it, and its size).
      const token = typeof who?.token === "string" && who.token.trim() ? who.token.trim() : undefined;
      if (name) identity.name = name;
      if (email) identity.email = email;
      if (token) identity.token = token;
      try {
        app?.identify(identity);
      } catch (err) {
        console.warn("Parley: identify failed", err); // never into the host page
      }
    },
    setAttributes(a) {
      attrs.push(a);
      app?.attributes();
    },
    on(event, fn) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)?.add(fn);
      if (event === "ready" && config) fn({ site_key: siteKey, away: away() });
      return () => listeners.get(event)?.delete(fn);
    },
  };

  if (preview) {
    api.preview = (cfg) => {
      if (!config) return previewed?.({ ...cfg });
      Object.assign(config, cfg);
      style(config);
      language(config);
      pack().then(() => app?.refresh(), () => {});
    };
  }

  launcher.addEventListener("click", () => (app?.isOpen() ? api.close() : api.open()));
  // Fetch the chat chunk as soon as the visitor shows intent: it is ready by the click.
  const prefetch = (): void => void importChunk().catch(() => (chunk = null));
  launcher.addEventListener("pointerenter", prefetch, { once: true });
  launcher.addEventListener("focus", prefetch, { once: true });

  window.Parley = api;
  window.dispatchEvent(new CustomEvent("parley:load"));
  if (script.dataset.open != null) api.open();
}

(() => {
  if (window.Parley) return; // the tag is on the page twice
  const script = findScript();
  const preview = script?.dataset.preview != null;
  const siteKey = preview ? "preview" : script?.dataset.siteKey;
  if (!script || !siteKey) {
    console.warn('Parley: add data-site-key="…" to the widget.js script tag');
    return;
  }
  start(script, siteKey, preview);
})();
