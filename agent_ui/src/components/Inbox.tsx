import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { visitorLabel } from "../format";
import { type Route, navigate } from "../router";
import { activeChats, queueOrder, transferTargets } from "../state/inbox";
import { mentionable, namesByUsername } from "../state/notes";
import { type InboxFilter, labelsOf, matchesFilter } from "../state/labels";
import { pendingIn } from "../state/outbox";
import * as api from "../api";
import * as storage from "../storage";
import type { Message, Session, User } from "../types";
import { useInbox } from "../useInbox";
import { aiOrder } from "../state/aiwatch";
import { ActiveChatList } from "./ActiveChatList";
import { AiChatList } from "./AiChatList";
import { CannedPage } from "./CannedPage";
import { VisitorsPage } from "./VisitorsPage";
import { ChatView } from "./ChatView";
import { ConnectionBanner } from "./ConnectionBanner";
import { HelpOverlay } from "./HelpOverlay";
import { HistoryPage } from "./HistoryPage";
import { MentionNotices } from "./MentionNotices";
import { NoteOnlyChat } from "./NoteOnlyChat";
import { InboxFilterBar } from "./InboxFilterBar";
import { LabelChips } from "./LabelChips";
import { LabelPicker } from "./LabelPicker";
import type { ComposerHandle } from "./MessageComposer";
import { QueueList } from "./QueueList";
import { ProfilePage } from "./ProfilePage";
import { Toasts } from "./Toasts";
import { TopBar } from "./TopBar";
import { WatchView } from "./WatchView";

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
  const saveAnswer = (sessionId: string, m: Message) => {
    api.saveAnswer(token, sessionId, m.id).then(
      () => inbox.toast("Saved as a draft answer for review", "success"),
      (err: unknown) => inbox.toast(err instanceof Error ? err.message : "Could not save the answer", "error"));
  };
  const { state } = inbox;
  const [help, setHelp] = useState(false);
  const composer = useRef<ComposerHandle | null>(null);
  const drafts = useRef<Record<string, string>>(storage.loadDrafts(user.id));
  const saveTimer = useRef<number | null>(null);

  const queue = useMemo(() => queueOrder(state.queue), [state.queue]);
  const chats = useMemo(() => activeChats(state), [state]);
  // The lists narrowed by widget and label (the open chat stays open whatever the filter).
  const [filter, setFilter] = useState<InboxFilter>({ label: null, widget: null });
  const labels = inbox.labels;
  // The history's filters offer the labels as they are now (renamed, added, deleted).
  const refreshLabels = labels.refresh;
  useEffect(() => {
    if (route.page === "history") refreshLabels();
  }, [route.page, refreshLabels]);
  const shownQueue = useMemo(() => queue.filter((q) => matchesFilter(labels.state, q, filter)),
    [queue, labels.state, filter]);
  const shownChats = useMemo(() => chats.filter((c) => matchesFilter(labels.state, c.session, filter)),
    [chats, labels.state, filter]);
  const widgets = useMemo(() => Object.entries(state.widgetNames)
    .sort((a, b) => a[1].localeCompare(b[1])), [state.widgetNames]);
  const labelBar = (s: Session, chips = true) => (
    <span className="flex flex-wrap items-center gap-1">
      {chips && <LabelChips labels={labelsOf(labels.state, s)} />}
      <LabelPicker catalog={labels.state.catalog} current={labelsOf(labels.state, s)}
        who={visitorLabel(s)} onOpen={labels.refresh}
        onToggle={(id, on) => labels.toggle(s.session_id, id, on)} />
    </span>
  );
  const chatId = route.page === "inbox" ? route.chatId : null;
  const watchId = route.page === "watch" ? route.sessionId : null;
  const aiSessions = useMemo(() => aiOrder(inbox.ai.state.ai), [inbox.ai.state.ai]);
  const watched = inbox.ai.state.watched;
  const chat = chatId ? state.chats[chatId] : undefined;
  const listed = chat && chat.ended !== null ? [...chats, chat] : chats;
  // A conversation that is not mine, opened from a mention: read-only, answered with notes.
  const readOnly = !chat && !!chatId && !state.queue[chatId] && state.connection === "open";
  const teamNames = useMemo(() => namesByUsername(Object.values(state.team)), [state.team]);

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
  const watch = useCallback((id: string) => navigate({ page: "watch", sessionId: id }), []);

  // The watched conversation follows the URL; leaving the page stops watching.
  const { watch: setWatched } = inbox.ai;
  useEffect(() => {
    setWatched(watchId);
  }, [watchId, setWatched]);
  useEffect(() => () => setWatched(null), [setWatched]);
  // Taken over or accepted from the watch page: the chat is now ours, open it.
  useEffect(() => {
    if (watchId && state.chats[watchId]?.ended === null) open(watchId);
  }, [watchId, state.chats, open]);
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
      ) : route.page === "canned" ? (
        <CannedPage token={token} me={state.me} canned={inbox.canned}
          onSaved={(c) => inbox.cannedSaved(c)} onDeleted={(id) => inbox.cannedDeleted(id)} />
      ) : route.page === "visitors" ? (
        <VisitorsPage token={token} />
      ) : route.page === "history" ? (
        <HistoryPage token={token} chatId={route.chatId} onReopen={(id) => inbox.accept(id)}
          onSaveAnswer={saveAnswer}
          labels={labels.state.catalog} team={Object.values(state.team)} />
      ) : (
        <div className="flex min-h-0 flex-1">
          <aside aria-label="Queue and chats"
            className={`${chat || readOnly || watchId ? "hidden md:flex" : "flex"} w-full shrink-0 flex-col overflow-y-auto border-r border-secondary-200 bg-white md:w-sidebar`}>
            <InboxFilterBar filter={filter} widgets={widgets} labels={labels.state.catalog}
              hidden={queue.length + chats.length - shownQueue.length - shownChats.length}
              onChange={setFilter} />
            <QueueList queue={shownQueue} previews={state.previews} taken={state.taken} onAccept={(id) => inbox.accept(id)}
              onOpen={watch} extra={(s) => <div className="mt-2">{labelBar(s)}</div>} />
            <AiChatList sessions={aiSessions} watching={watchId} onWatch={watch} />
            <ActiveChatList chats={shownChats} selected={chatId} onOpen={open}
              extra={(c) => <span className="mt-1 block"><LabelChips labels={labelsOf(labels.state, c.session)} /></span>} />
          </aside>
          <main className={`${chat || readOnly || watchId ? "flex" : "hidden md:flex"} min-w-0 flex-1 flex-col`}>
            {watchId && watched?.sessionId === watchId ? (
              <WatchView token={token} watched={watched} takenBy={state.taken[watchId] ?? null}
                onTakeOver={() => inbox.takeOver(watchId)} onAccept={() => inbox.accept(watchId)}
                onBack={() => open(null)} />
            ) : chat ? (
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
                onTeamNeeded={() => inbox.refreshTeam()}
                agentName={state.me?.display_name ?? user.display_name}
                notes={inbox.notes.state.bySession[chat.session.session_id]}
                pendingNotes={inbox.notes.state.pending.filter((p) => p.sessionId === chat.session.session_id)}
                onNote={(t) => inbox.notes.add(chat.session.session_id, t)}
                teammates={mentionable(Object.values(state.team), chat.session.site_key, state.me?.id)}
                onRetryNote={(id) => inbox.notes.retry(id)} onDiscardNote={(id) => inbox.notes.discard(id)}
                onTransferWithNote={(id, note) => inbox.transfer(chat.session.session_id, id, note)}
                teamNames={teamNames} headerExtra={labelBar(chat.session)}
                onSaveAnswer={(m) => saveAnswer(chat.session.session_id, m)} />
            ) : readOnly && chatId ? (
              // Not one of my chats (opened from a mention): read it, answer with notes.
              <NoteOnlyChat key={chatId} token={token} sessionId={chatId}
                notes={inbox.notes.state.bySession[chatId] ?? []}
                pendingNotes={inbox.notes.state.pending.filter((p) => p.sessionId === chatId)}
                teammates={(siteKey) => mentionable(Object.values(state.team), siteKey, state.me?.id)}
                onLoadNotes={() => inbox.notes.load(chatId)}
                onNote={(t) => inbox.notes.add(chatId, t)}
                onRetryNote={(id) => inbox.notes.retry(id)} onDiscardNote={(id) => inbox.notes.discard(id)}
                onBack={() => open(null)} teamNames={teamNames} />
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
      <MentionNotices mentions={inbox.notes.state.mentions}
        onOpen={(sid) => { inbox.notes.dismissMention(sid); open(sid); }}
        onDismiss={(sid) => inbox.notes.dismissMention(sid)} teamNames={teamNames} />
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
    </div>
  );
}
