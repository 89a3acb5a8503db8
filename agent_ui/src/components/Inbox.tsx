import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { visitorLabel } from "../format";
import { type Route, navigate } from "../router";
import { activeChats, queueOrder, transferTargets } from "../state/inbox";
import { pendingIn } from "../state/outbox";
import * as storage from "../storage";
import type { User } from "../types";
import { useInbox } from "../useInbox";
import { ActiveChatList } from "./ActiveChatList";
import { ChatView } from "./ChatView";
import { ConnectionBanner } from "./ConnectionBanner";
import { HelpOverlay } from "./HelpOverlay";
import { HistoryPage } from "./HistoryPage";
import type { ComposerHandle } from "./MessageComposer";
import { QueueList } from "./QueueList";
import { ProfilePage } from "./ProfilePage";
import { Toasts } from "./Toasts";
import { TopBar } from "./TopBar";

interface Props {
  token: string;
  user: User;
  route: Exclude<Route, { page: "login" }>;
  onSignedOut: (notice: string) => void;
  onLogout: () => void;
  /** The profile page's changes (App keeps the user and swaps the token). */
  onUser: (user: User) => void;
  onPasswordChange: (current: string, next: string) => Promise<void>;
  profileNotice: string | null;
}

function typingInField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT"
    || el.isContentEditable);
}

/** The signed-in inbox: the queue and the agent's chats beside the open chat, or the history. */
export function Inbox({ token, user, route, onSignedOut, onLogout, onUser, onPasswordChange,
  profileNotice }: Props) {
  const inbox = useInbox(token, user, onSignedOut);
  const { state } = inbox;
  const [help, setHelp] = useState(false);
  const composer = useRef<ComposerHandle | null>(null);
  const drafts = useRef<Record<string, string>>(storage.loadDrafts(user.id));
  const saveTimer = useRef<number | null>(null);

  const queue = useMemo(() => queueOrder(state.queue), [state.queue]);
  const chats = useMemo(() => activeChats(state), [state]);
  const chatId = route.page === "inbox" ? route.chatId : null;
  const chat = chatId ? state.chats[chatId] : undefined;
  const listed = chat && chat.ended !== null ? [...chats, chat] : chats;

  // The URL and the selected chat follow each other.
  useEffect(() => {
    if (route.page === "inbox" && route.chatId !== state.selected) inbox.select(route.chatId);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [route.page, chatId]);
  useEffect(() => {
    if (state.selected && state.selected !== chatId) navigate({ page: "inbox", chatId: state.selected });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.selected]);

  const open = useCallback((id: string | null) => navigate({ page: "inbox", chatId: id }), []);
  const step = useCallback((by: number) => {
    if (listed.length === 0) return;
    const i = listed.findIndex((c) => c.session.session_id === chatId);
    const next = listed[(i + by + listed.length) % listed.length] ?? listed[0];
    if (next) open(next.session.session_id);
  }, [listed, chatId, open]);

  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      if (ev.altKey && (ev.key === "ArrowDown" || ev.key === "ArrowUp")) {
        ev.preventDefault();
        step(ev.key === "ArrowDown" ? 1 : -1);
        return;
      }
      if (ev.ctrlKey || ev.metaKey || ev.altKey || typingInField(ev.target) || help) return;
      switch (ev.key) {
        case "?":
          setHelp(true);
          break;
        case "a":
          inbox.acceptOldest();
          break;
        case "j":
          step(1);
          break;
        case "k":
          step(-1);
          break;
        case "r":
          if (chat) {
            ev.preventDefault();
            composer.current?.focus();
          }
          break;
        case "h":
          navigate({ page: "history", chatId: null });
          break;
        case "i":
          navigate({ page: "inbox", chatId: state.selected });
          break;
        default:
          return;
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [inbox, step, help, chat, state.selected]);

  const setDraft = useCallback((sid: string, text: string) => {
    drafts.current[sid] = text;
    if (saveTimer.current !== null) window.clearTimeout(saveTimer.current);
    saveTimer.current = window.setTimeout(() => storage.saveDrafts(user.id, drafts.current), 300);
  }, [user.id]);

  const onRead = useCallback((seq: number) => {
    if (chatId) inbox.markRead(chatId, seq);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [chatId, inbox.markRead]);

  // The tab's title counts who is waiting and what is unread.
  useEffect(() => {
    document.title = queue.length ? `(${queue.length}) Parley inbox` : "Parley inbox";
  }, [queue.length]);

  return (
    <div className="flex h-full flex-col">
      <TopBar me={state.me} displayName={user.display_name} avatarUrl={user.avatar_url} page={route.page} waiting={queue.length}
        soundOn={inbox.soundOn} onSound={inbox.setSoundOn}
        onPresence={(s) => inbox.setPresence(s)} onHelp={() => setHelp(true)} onLogout={onLogout} />
      <ConnectionBanner connection={state.connection} />
      {route.page === "settings" || route.page === "profile" ? (
        <ProfilePage token={token} user={user} onUser={onUser} onPasswordChange={onPasswordChange}
          notice={profileNotice} focusNotifications={route.page === "settings"} />
      ) : route.page === "history" ? (
        <HistoryPage token={token} chatId={route.chatId} onReopen={(id) => inbox.accept(id)} />
      ) : (
        <div className="flex min-h-0 flex-1">
          <aside aria-label="Queue and chats"
            className={`${chat ? "hidden md:flex" : "flex"} w-full shrink-0 flex-col overflow-y-auto border-r border-secondary-200 bg-white md:w-sidebar`}>
            <QueueList queue={queue} previews={state.previews} taken={state.taken} onAccept={(id) => inbox.accept(id)} />
            <ActiveChatList chats={chats} selected={chatId} onOpen={open} />
          </aside>
          <main className={`${chat ? "flex" : "hidden md:flex"} min-w-0 flex-1 flex-col`}>
            {chat ? (
              <ChatView key={chat.session.session_id} token={token} chat={chat}
                pending={pendingIn(state.outbox, chat.session.session_id)} canned={inbox.canned}
                targets={transferTargets(state, chat.session)}
                draft={drafts.current[chat.session.session_id] ?? ""} composerRef={composer}
                onDraft={(t) => setDraft(chat.session.session_id, t)}
                onSend={(t, keys) => inbox.send(chat.session.session_id, t, keys)}
                uploads={state.uploads} onAttach={(files) => inbox.attach(chat.session.session_id, files)}
                onCancelUpload={(key) => inbox.cancelUpload(key)}
                onTyping={(on) => inbox.typing(chat.session.session_id, on)}
                onRead={onRead}
                onTransfer={(id) => inbox.transfer(chat.session.session_id, id)}
                onClose={(note) => inbox.close(chat.session.session_id, note)}
                onHandBack={() => inbox.handBack(chat.session.session_id)}
                onDismiss={() => { inbox.dismiss(chat.session.session_id); open(null); }}
                onBack={() => open(null)}
                onRetry={(id) => inbox.retry(id)} onDiscard={(id) => inbox.discard(id)}
                onTeamNeeded={() => inbox.refreshTeam()} />
            ) : (
              <div className="flex flex-1 flex-col items-center justify-center gap-2 p-8 text-center text-secondary-600">
                {chatId && state.queue[chatId] ? (
                  <>
                    {/* Opened from a link (the team's "a visitor is waiting" email). */}
                    <p className="text-lg text-secondary-800">{visitorLabel(state.queue[chatId])} is waiting for a person.</p>
                    <button type="button" className="btn-primary" onClick={() => inbox.accept(chatId)}>Accept this chat</button>
                  </>
                ) : chatId && state.connection === "open" ? (
                  <p>This conversation is not one of your open chats.</p>
                ) : (
                  <>
                    <p className="text-lg text-secondary-800">
                      {queue.length ? `${queue.length} waiting` : chats.length ? "Pick a chat" : "All caught up"}
                    </p>
                    <p className="text-sm">Press <kbd className="kbd">a</kbd> to accept the oldest, <kbd className="kbd">j</kbd>/<kbd className="kbd">k</kbd> to move between chats, <kbd className="kbd">?</kbd> for all shortcuts.</p>
                  </>
                )}
              </div>
            )}
          </main>
        </div>
      )}
      <Toasts toasts={inbox.toasts} onDrop={(id) => inbox.dropToast(id)} />
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
    </div>
  );
}
