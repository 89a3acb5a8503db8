// The inbox's state and every change to it, as one pure reducer: frames from the agent
// socket, history pages from REST, and what the agent does. No I/O here; `useInbox` wires it
// to the socket and the API, and the tests drive it directly.

import { type Me, type Message, type Presence, type ServerFrame, type Session, type TeamMember,
  messageLine } from "../types";
import { type OutboxEntry, ackOutbox, addToOutbox, doneFiles, failOutbox } from "./outbox";
import { type Upload, type UploadAction, dropUploadsOf, isUploadAction, markSent, onUpload } from "./uploads";

export type Connection = "connecting" | "open" | "reconnecting";

/** Why a chat is no longer the agent's to answer. */
export type Ended = "closed" | "transferred" | "handed_back" | "gone" | null;

export interface AiDraft {
  replyId: string;
  pieces: string[];
}

export interface Chat {
  session: Session;
  /** By seq, each seq once. */
  messages: Message[];
  /** The whole history up to the live stream has been loaded (REST or replay). */
  historyLoaded: boolean;
  /** The history must be (re)loaded from `contiguousSeq` (a `reset`, or a gap). */
  needsHistory: boolean;
  /** Highest seq the agent has looked at. */
  readSeq: number;
  /** Highest seq the visitor has displayed (their `seen`). */
  visitorSeen: number;
  visitorTyping: boolean;
  aiTyping: boolean;
  aiDraft: AiDraft | null;
  ended: Ended;
  endedNote: string | null;
}

export interface State {
  me: Me | null;
  connection: Connection;
  /** Waiting sessions of all the agent's widgets, by session id. */
  queue: Record<string, Session>;
  chats: Record<string, Chat>;
  outbox: OutboxEntry[];
  /** Files being uploaded or staged in a composer, by local key (not kept across reloads). */
  uploads: Record<string, Upload>;
  team: Record<number, TeamMember>;
  /** Queue entries another agent won: session id -> their name. */
  taken: Record<string, string>;
  /** Waiting sessions' last visitor or AI words (the server's preview may be a system
   * event such as "handed to a person"): session id -> text. */
  previews: Record<string, string>;
  /** Widgets' names by site key, as lists showed them (`accepted` frames do not carry them). */
  widgetNames: Record<string, string>;
  selected: string | null;
}

export type Action =
  | { type: "frame"; frame: ServerFrame }
  | { type: "connection"; connection: Connection }
  | { type: "history"; sessionId: string; messages: Message[]; complete: boolean }
  | { type: "session"; session: Session }
  | { type: "select"; sessionId: string | null }
  | { type: "read"; sessionId: string; seq: number }
  | { type: "send"; entry: OutboxEntry }
  | { type: "send_failed"; clientMsgId: string; reason: string }
  | { type: "discard"; clientMsgId: string }
  | { type: "team"; agents: TeamMember[] }
  | { type: "taken"; sessionId: string; by: string }
  | { type: "dismiss"; sessionId: string }
  | { type: "restore_outbox"; entries: OutboxEntry[] }
  | { type: "preview"; sessionId: string; text: string }
  | UploadAction;

export function initialState(outbox: OutboxEntry[] = []): State {
  return { me: null, connection: "connecting", queue: {}, chats: {}, outbox, uploads: {}, team: {},
    taken: {}, widgetNames: {}, previews: {}, selected: null };
}

export function newChat(session: Session): Chat {
  return { session, messages: [], historyLoaded: false, needsHistory: false, readSeq: 0,
    visitorSeen: 0, visitorTyping: false, aiTyping: false, aiDraft: null, ended: null,
    endedNote: null };
}

// --- messages ---------------------------------------------------------------------------

/** Merge messages into a seq-ordered list, each seq once (the newest copy wins). */
export function mergeMessages(current: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return current;
  const last = current[current.length - 1];
  // The common case: one new message after the last one.
  if (incoming.length === 1 && incoming[0] && (!last || incoming[0].seq > last.seq)) {
    return [...current, incoming[0]];
  }
  const bySeq = new Map<number, Message>();
  for (const m of current) bySeq.set(m.seq, m);
  for (const m of incoming) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The highest n such that seqs 1..n are all held: what to resume from. */
export function contiguousSeq(messages: Message[]): number {
  let n = 0;
  for (const m of messages) {
    if (m.seq === n + 1) n = m.seq;
    else if (m.seq > n + 1) break;
  }
  return n;
}

function withMessages(chat: Chat, incoming: Message[]): Chat {
  const messages = mergeMessages(chat.messages, incoming);
  const newest = messages[messages.length - 1];
  let { aiDraft, aiTyping, visitorTyping } = chat;
  for (const m of incoming) {
    if (aiDraft && m.client_msg_id === aiDraft.replyId) aiDraft = null;
    if (m.sender_type === "ai") aiTyping = false;
    if (m.sender_type === "visitor") visitorTyping = false;
  }
  const lastSeq = Math.max(chat.session.last_seq, newest?.seq ?? 0);
  let lastText: Message | undefined;
  for (let i = messages.length - 1; i >= 0 && !lastText; i -= 1) {
    if (messages[i]?.sender_type !== "system") lastText = messages[i];
  }
  const session: Session = {
    ...chat.session,
    last_seq: lastSeq,
    last_message: lastText ? messageLine(lastText) : chat.session.last_message,
    last_activity_at: newest && newest.created_at > chat.session.last_activity_at
      ? newest.created_at : chat.session.last_activity_at,
  };
  // A gap in the live stream (a lost frame): reload from what is held.
  const gap = chat.historyLoaded && contiguousSeq(messages) < (newest?.seq ?? 0);
  return { ...chat, messages, session, aiDraft, aiTyping, visitorTyping,
    needsHistory: chat.needsHistory || gap };
}

/** Visitor messages the agent has not looked at yet. */
export function unreadCount(chat: Chat): number {
  let n = 0;
  for (const m of chat.messages) {
    if (m.seq > chat.readSeq && m.sender_type === "visitor") n += 1;
  }
  return n;
}

export { arrivals, previewOf, queueOrder } from "./queue";

/** Open chats, most recently active first. */
export function activeChats(state: State): Chat[] {
  return Object.values(state.chats)
    .filter((c) => c.ended === null)
    .sort((a, b) => (a.session.last_activity_at < b.session.last_activity_at ? 1
      : a.session.last_activity_at > b.session.last_activity_at ? -1
        : a.session.session_id < b.session.session_id ? -1 : 1));
}

/** What to send as `last_seq` in `auth`: the sessions whose history is held, and how far. */
export function resumeMap(state: State): Record<string, number> {
  const out: Record<string, number> = {};
  for (const chat of Object.values(state.chats)) {
    if (chat.ended === null && chat.historyLoaded) {
      out[chat.session.session_id] = contiguousSeq(chat.messages);
    }
  }
  return out;
}

/** Agents a session may be transferred to: online, not me, working on its widget. */
export function transferTargets(state: State, session: Session): TeamMember[] {
  return Object.values(state.team)
    .filter((a) => a.id !== state.me?.id && a.status === "online"
      && (a.role === "admin" || a.widgets.includes(session.site_key)))
    .sort((a, b) => a.active_chats / a.max_chats - b.active_chats / b.max_chats
      || a.display_name.localeCompare(b.display_name));
}

// --- the reducer --------------------------------------------------------------------------

function updateChat(state: State, sessionId: string, fn: (chat: Chat) => Chat): State {
  const chat = state.chats[sessionId];
  if (!chat) return state;
  return { ...state, chats: { ...state.chats, [sessionId]: fn(chat) } };
}

function withoutQueued(queue: Record<string, Session>, sessionId: string): Record<string, Session> {
  if (!(sessionId in queue)) return queue;
  const next = { ...queue };
  delete next[sessionId];
  return next;
}

function adopt(state: State, incoming: Session): State {
  const existing = state.chats[incoming.session_id];
  // `accepted`/`assigned` carry no list fields: keep what the queue showed.
  const queued = state.queue[incoming.session_id];
  const session: Session = { ...incoming,
    widget_name: incoming.widget_name ?? queued?.widget_name ?? state.widgetNames[incoming.site_key],
    last_message: incoming.last_message ?? state.previews[incoming.session_id]
      ?? queued?.last_message ?? null };
  const chat: Chat = existing && existing.ended === null
    ? { ...existing, session: { ...existing.session, ...session,
        last_message: session.last_message ?? existing.session.last_message } }
    : newChat(session);
  const taken = { ...state.taken };
  delete taken[session.session_id];
  return { ...state, chats: { ...state.chats, [session.session_id]: chat },
    queue: withoutQueued(state.queue, session.session_id), taken };
}

function learnNames(names: Record<string, string>, sessions: Session[]): Record<string, string> {
  let out = names;
  for (const s of sessions) {
    if (s.widget_name && out[s.site_key] !== s.widget_name) out = { ...out, [s.site_key]: s.widget_name };
  }
  return out;
}

function end(state: State, sessionId: string, ended: Ended, note: string | null = null): State {
  return updateChat(state, sessionId, (chat) => ({
    ...chat, ended, endedNote: note, visitorTyping: false, aiTyping: false, aiDraft: null,
    session: ended === "closed" ? { ...chat.session, status: "closed" } : chat.session,
  }));
}

function setPresence(state: State, agentId: number, status: Presence): State {
  let next = state;
  const member = state.team[agentId];
  if (member) next = { ...next, team: { ...next.team, [agentId]: { ...member, status } } };
  if (state.me && state.me.id === agentId && status !== "offline") {
    next = { ...next, me: { ...state.me, status } };
  }
  return next;
}

function onFrame(state: State, frame: ServerFrame): State {
  switch (frame.type) {
    case "ready": {
      const queue: Record<string, Session> = {};
      for (const s of frame.waiting) queue[s.session_id] = s;
      const chats: Record<string, Chat> = {};
      for (const s of frame.sessions) {
        const old = state.chats[s.session_id];
        chats[s.session_id] = old && old.ended === null
          ? { ...old, session: { ...old.session, ...s } } : newChat(s);
      }
      // Chats that stopped being ours while we were away stay readable, marked.
      for (const [id, old] of Object.entries(state.chats)) {
        if (!(id in chats)) chats[id] = old.ended === null ? { ...old, ended: "gone" } : old;
      }
      return { ...state, me: frame.agent, queue, chats, connection: "open",
        widgetNames: learnNames(state.widgetNames, [...frame.waiting, ...frame.sessions]) };
    }
    case "message":
    case "ack": {
      if (frame.type === "ack") {
        const entry = state.outbox.find((e) => e.clientMsgId === frame.client_msg_id);
        const next = { ...state, outbox: ackOutbox(state.outbox, frame.client_msg_id),
          uploads: dropUploadsOf(state.uploads, entry) };
        if (!entry) return next;
        const files = doneFiles(entry);
        const mine: Message = { session_id: frame.session_id, id: frame.id, seq: frame.seq,
          sender_type: "agent", sender_name: state.me?.display_name ?? null, text: entry.text,
          created_at: entry.createdAt, client_msg_id: frame.client_msg_id,
          ...(files.length ? { files } : {}) };
        return updateChat(next, frame.session_id, (c) => withMessages(c, [mine]));
      }
      const { type: _t, ...message } = frame;
      let next = updateChat(state, message.session_id, (c) => withMessages(c, [message]));
      // A message already held from this tab's outbox (acked via a replay) leaves it.
      const held = state.outbox.find((e) => e.clientMsgId === message.client_msg_id);
      if (held) {
        next = { ...next, outbox: ackOutbox(next.outbox, message.client_msg_id),
          uploads: dropUploadsOf(next.uploads, held) };
      }
      return next;
    }
    case "reset":
      return updateChat(state, frame.session_id, (c) => ({ ...c, needsHistory: true }));
    case "typing":
      return updateChat(state, frame.session_id, (c) => frame.sender_type === "visitor"
        ? { ...c, visitorTyping: frame.on }
        : frame.sender_type === "ai" ? { ...c, aiTyping: frame.on } : c);
    case "seen":
      return frame.by !== "visitor" ? state : updateChat(state, frame.session_id,
        (c) => ({ ...c, visitorSeen: Math.max(c.visitorSeen, frame.seq) }));
    case "ai_delta":
      return updateChat(state, frame.session_id, (c) => {
        if (c.messages.some((m) => m.client_msg_id === frame.reply_id)) return c;
        const draft = c.aiDraft && c.aiDraft.replyId === frame.reply_id
          ? c.aiDraft : { replyId: frame.reply_id, pieces: [] };
        const pieces = [...draft.pieces];
        pieces[frame.index] = frame.text;
        return { ...c, aiDraft: { replyId: frame.reply_id, pieces }, aiTyping: true };
      });
    case "queue_update": {
      const queue: Record<string, Session> = {};
      for (const [id, s] of Object.entries(state.queue)) {
        if (s.site_key !== frame.widget) queue[id] = s;
      }
      for (const s of frame.waiting) {
        if (!state.chats[s.session_id] || state.chats[s.session_id]?.ended !== null) {
          queue[s.session_id] = s;
        }
      }
      return { ...state, queue, widgetNames: learnNames(state.widgetNames, frame.waiting) };
    }
    case "accepted":
    case "assigned":
      return adopt(state, frame.session);
    case "transferred": {
      const to = state.team[frame.session.assigned_agent_id ?? -1]?.display_name;
      return end(state, frame.session.session_id, "transferred",
        to ? `Transferred to ${to}` : "Transferred");
    }
    case "agent_left":
      if (frame.agent.id !== state.me?.id) return state;
      return frame.reason === "transfer"
        ? (state.chats[frame.session_id]?.ended ? state
          : end(state, frame.session_id, "transferred", "Transferred"))
        : end(state, frame.session_id, "handed_back", "Handed back to the assistant");
    case "session_closed": {
      const by = frame.by === "agent" ? "Closed" : frame.by === "visitor"
        ? "The visitor ended the chat" : "The visitor left";
      const next = { ...state, queue: withoutQueued(state.queue, frame.session_id) };
      return end(next, frame.session_id, "closed", by);
    }
    case "presence":
      return setPresence(state, frame.agent_id, frame.status);
    default:
      return state;
  }
}

export function reduce(state: State, action: Action): State {
  switch (action.type) {
    case "frame":
      return onFrame(state, action.frame);
    case "connection":
      return { ...state, connection: action.connection };
    case "history":
      return updateChat(state, action.sessionId, (c) => {
        const chat = withMessages(c, action.messages);
        return { ...chat, historyLoaded: c.historyLoaded || action.complete,
          needsHistory: action.complete ? contiguousSeq(chat.messages)
            < (chat.messages.at(-1)?.seq ?? 0) : chat.needsHistory };
      });
    case "session":
      return updateChat(state, action.session.session_id,
        (c) => ({ ...c, session: { ...c.session, ...action.session } }));
    case "select":
      return { ...state, selected: action.sessionId };
    case "read":
      return updateChat(state, action.sessionId,
        (c) => (action.seq > c.readSeq ? { ...c, readSeq: action.seq } : c));
    case "send":
      return { ...state, outbox: addToOutbox(state.outbox, action.entry),
        uploads: markSent(state.uploads, action.entry) };
    case "send_failed":
      return { ...state, outbox: failOutbox(state.outbox, action.clientMsgId, action.reason) };
    case "discard":
      return { ...state, outbox: ackOutbox(state.outbox, action.clientMsgId), uploads: dropUploadsOf(
        state.uploads, state.outbox.find((e) => e.clientMsgId === action.clientMsgId)) };
    case "team": {
      const team: Record<number, TeamMember> = {};
      for (const a of action.agents) team[a.id] = a;
      return { ...state, team };
    }
    case "taken":
      return { ...state, taken: { ...state.taken, [action.sessionId]: action.by } };
    case "dismiss": {
      const chats = { ...state.chats };
      delete chats[action.sessionId];
      return { ...state, chats, selected: state.selected === action.sessionId ? null
        : state.selected };
    }
    case "restore_outbox":
      return { ...state, outbox: action.entries };
    case "preview":
      return { ...state, previews: { ...state.previews, [action.sessionId]: action.text } };
    default:
      return isUploadAction(action) ? onUpload(state, action) : state;
  }
}
