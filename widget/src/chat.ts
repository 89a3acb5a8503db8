// The chat UI chunk, imported by widget.js on demand: mount() builds the panel in the
// loader's shadow root and wires the conversation to it.

import { CHAT } from "./api";
import { VisitorContext } from "./context";
import { isRtl } from "./i18n";
import { ASSISTANT, Conversation } from "./conversation";
import { load } from "./storage";
import type { ChatApp, Host, Identity } from "./types";
import { addStyles } from "./ui/launcher";
import { Notifier } from "./ui/notify";
import { Panel } from "./ui/panel";
import { setTexts, t, unpack } from "./ui/strings";
import { CHAT_CSS } from "./ui/styles";

// Restore an open panel on the next page only where it does not cover the page.
const WIDE = "(min-width: 768px)";

/** The visitor's language (the loader fetched its pack): the texts everything shows. */
function words(host: Host): void {
  const prefs = host.preview ? [] : navigator.languages || [navigator.language];
  setTexts(host.words.lang, { ...unpack(host.words.pack), ...host.words.over }, isRtl(host.words.lang, prefs));
  CHAT.offline = t("error.offline");
  CHAT.failed = () => t("error.failed");
}

export function mount(host: Host): ChatApp {
  words(host);
  const shadow = host.root.getRootNode() as ShadowRoot;
  addStyles(shadow, CHAT_CSS);

  let open = false;
  let unread = 0;
  let panel: Panel | null = null;
  let seenTimer: ReturnType<typeof setTimeout> | undefined;

  const visible = (): boolean => open && document.visibilityState === "visible";
  const markSeen = (): void => {
    clearTimeout(seenTimer);
    seenTimer = setTimeout(() => visible() && conv.seen(), 300);
  };
  const setUnread = (n: number): void => {
    unread = n;
    host.setUnread(n);
  };

  const conv: Conversation = new Conversation(host, {
    changed: (state) => panel?.render(state),
    item: (change) => panel?.list.apply(change),
    cleared: () => panel?.list.clear(),
    incoming: (item) => {
      if (visible()) markSeen();
      else if (item.sender === "agent" || item.sender === "ai") {
        setUnread(unread + 1);
        if (!host.preview) notes.reply(item.name || (item.sender === "ai" ? ASSISTANT() : host.config.business_name), item.text, open);
      }
    },
    announce: (text) => panel?.announce(text),
    started: () => visitor.started(),
  });
  const visitor = new VisitorContext(host, () => conv.session);
  const notes = new Notifier(host.root, () => app.open());

  const app: ChatApp = {
    open(focus = true) {
      if (open) return;
      open = true;
      host.setOpen(true);
      conv.setOpen(true);
      panel?.shown(true);
      panel?.refreshHome(); // opening the widget is an interaction: their conversations
      notes.hide();
      setUnread(0);
      markSeen();
      if (focus) setTimeout(() => panel?.focus(), 0);
    },
    close() {
      if (!open) return;
      open = false;
      const hadFocus = panel?.el.contains(shadow.activeElement) ?? false;
      host.setOpen(false);
      conv.setOpen(false);
      panel?.shown(false);
      conv.typing(false);
      if (hadFocus) host.launcher.focus();
    },
    isOpen: () => open,
    identify(identity: Identity) {
      Object.assign(host.identity, identity);
      panel?.render(conv.state); // a sign-in the widget waited for (require_identity)
    },
    attributes: () => visitor.attributes(),
    refresh() {
      words(host);
      const old = panel;
      panel = new Panel(host, conv, { close: () => app.close() });
      if (old) old.el.replaceWith(panel.el);
      else host.root.append(panel.el);
      panel.shown(open);
    },
  };

  app.refresh();

  window.addEventListener("online", () => conv.wake());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") return;
    notes.seen();
    conv.wake();
    if (open) {
      setUnread(0);
      markSeen();
    }
  });

  void conv.restore().then(() => {
    visitor.viewed(); // a page of the site loaded with a conversation going on
    visitor.attributes();
    if (!open) {
      const missed = conv.transcript.list().filter((i) =>
        (i.sender === "agent" || i.sender === "ai") && i.seq !== null && i.seq > conv.savedSeen);
      setUnread(missed.length);
    }
    if (load(host.siteKey)?.open && matchMedia(WIDE).matches) app.open(false);
  });
  return app;
}
