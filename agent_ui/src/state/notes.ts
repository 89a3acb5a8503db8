// The team's private notes as a pure reducer (tested in test/notes.test.ts without sockets):
// each conversation's notes by id, the notes this inbox sent and the server has not
// acknowledged yet, the highest note id held (the socket's resume), and the mentions of me
// not dismissed yet. Notes are never messages: they take no seq and never reach the visitor.
import type { Note } from "@parley/protocol";

export type { Note };

/** A note written here, until its `note_ack`. */
export interface PendingNote {
  clientMsgId: string;
  sessionId: string;
  text: string;
  createdAt: string;
  failed: string | null;
}

/** A teammate @mentioned me: shown until dismissed or opened. */
export interface Mention {
  sessionId: string;
  note: Note;
}

export interface NotesState {
  bySession: Record<string, Note[]>;
  pending: PendingNote[];
  /** The highest note id held: sent as `last_note_id` when the socket (re)connects. */
  lastId: number;
  mentions: Mention[];
}

export type NotesAction =
  | { type: "loaded"; sessionId: string; notes: Note[] }
  | { type: "note"; note: Note }
  | { type: "queued"; entry: PendingNote }
  | { type: "acked"; clientMsgId: string; id: number; me: { id: number; name: string } }
  | { type: "failed"; clientMsgId: string; reason: string }
  | { type: "discard"; clientMsgId: string }
  | { type: "mention"; sessionId: string; note: Note }
  | { type: "dismiss_mention"; sessionId: string };

/** At most this many mention notices at once (the oldest go). */
export const MENTIONS_SHOWN = 5;

export const initialNotes: NotesState = { bySession: {}, pending: [], lastId: 0, mentions: [] };

/** Notes merged by id (a note replayed, loaded and received live is kept once), in id order. */
export function mergeNotes(held: Note[], more: Note[]): Note[] {
  const byId = new Map<number, Note>();
  for (const n of held) byId.set(n.id, n);
  for (const n of more) byId.set(n.id, n);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

function add(state: NotesState, sessionId: string, notes: Note[]): NotesState {
  const lastId = notes.reduce((m, n) => Math.max(m, n.id), state.lastId);
  return {
    ...state,
    lastId,
    bySession: { ...state.bySession, [sessionId]: mergeNotes(state.bySession[sessionId] ?? [], notes) },
  };
}

export function reduceNotes(state: NotesState, action: NotesAction): NotesState {
  switch (action.type) {
    case "loaded":
      return add(state, action.sessionId, action.notes);
    case "note":
      return add(state, action.note.session_id, [action.note]);
    case "queued":
      return { ...state, pending: [...state.pending, action.entry] };
    case "acked": {
      const entry = state.pending.find((p) => p.clientMsgId === action.clientMsgId);
      if (!entry) return state;
      const rest = state.pending.filter((p) => p.clientMsgId !== action.clientMsgId);
      const note: Note = {
        id: action.id, session_id: entry.sessionId, author_id: action.me.id,
        author_name: action.me.name, text: entry.text, mentions: [],
        client_msg_id: entry.clientMsgId, created_at: entry.createdAt,
      };
      const known = state.bySession[entry.sessionId]?.some((n) => n.id === action.id);
      return add({ ...state, pending: rest }, entry.sessionId, known ? [] : [note]);
    }
    case "failed":
      return { ...state, pending: state.pending.map((p) => (p.clientMsgId === action.clientMsgId
        ? { ...p, failed: action.reason } : p)) };
    case "discard":
      return { ...state, pending: state.pending.filter((p) => p.clientMsgId !== action.clientMsgId) };
    case "mention": {
      const others = state.mentions.filter((m) => m.note.id !== action.note.id);
      return add({ ...state, mentions: [...others, { sessionId: action.sessionId, note: action.note }]
        .slice(-MENTIONS_SHOWN) }, action.sessionId, [action.note]);
    }
    case "dismiss_mention":
      return { ...state, mentions: state.mentions.filter((m) => m.sessionId !== action.sessionId) };
    default:
      return state;
  }
}

/** The "@name" being typed at the caret, for the teammate picker. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|[\s(])@([\w.-]*)$/.exec(before);
  if (!m) return null;
  return { start: before.length - m[2]!.length - 1, query: m[2]! };
}

/** Teammates whose username or display name starts with the query (any word of it). */
export function matchTeammates<T extends { username: string; display_name: string }>(
  team: T[], query: string, limit = 6): T[] {
  const q = query.toLowerCase();
  return team.filter((t) => t.username.toLowerCase().startsWith(q)
    || t.display_name.toLowerCase().split(/\s+/).some((w) => w.startsWith(q))).slice(0, limit);
}

/** Messages and notes in one time line: notes sit between the messages by creation time. */
export type TimelineItem<M> = { kind: "message"; message: M } | { kind: "note"; note: Note };

export function timeline<M extends { created_at: string }>(messages: M[], notes: Note[]): TimelineItem<M>[] {
  const out: TimelineItem<M>[] = [];
  let i = 0;
  for (const m of messages) {
    while (i < notes.length && notes[i]!.created_at < m.created_at) {
      out.push({ kind: "note", note: notes[i]! });
      i += 1;
    }
    out.push({ kind: "message", message: m });
  }
  for (; i < notes.length; i += 1) out.push({ kind: "note", note: notes[i]! });
  return out;
}

/** Display names by lower-cased username: how a note shows its @mentions. */
export function namesByUsername(team: { username: string; display_name: string }[]): Record<string, string> {
  return Object.fromEntries(team.map((t) => [t.username.toLowerCase(), t.display_name]));
}

/** Teammates who may see a conversation of this widget (its agents, every admin), not me:
 * the ones a note in it can @mention. */
export function mentionable<T extends { id: number; role: string; widgets: string[]; display_name: string }>(
  team: T[], siteKey: string, meId: number | undefined): T[] {
  return team.filter((t) => t.id !== meId && (t.role === "admin" || t.widgets.includes(siteKey)))
    .sort((a, b) => a.display_name.localeCompare(b.display_name));
}
