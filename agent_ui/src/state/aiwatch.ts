// The conversations the AI is handling, and the one the agent is watching (reading as it
// happens, before taking it over or accepting it), as one pure reducer over the agent
// socket's frames. `useAiWatch` runs it; the tests drive it directly.

import type { Message, ServerFrame, Session } from "../types";
import { type AiDraft, mergeMessages } from "./inbox";

export interface Watched {
  sessionId: string;
  /** Null until the server answered `watching`. */
  session: Session | null;
  messages: Message[];
  historyLoaded: boolean;
  aiDraft: AiDraft | null;
  aiTyping: boolean;
  visitorTyping: boolean;
  /** Why it can no longer be taken over from here (someone else took it, it ended). */
  gone: string | null;
}

export interface WatchState {
  /** Conversations the AI is handling, by session id. */
  ai: Record<string, Session>;
  watched: Watched | null;
}

export type WatchAction =
  | { type: "frame"; frame: ServerFrame; myId: number | null }
  | { type: "watch"; sessionId: string | null }
  | { type: "history"; sessionId: string; messages: Message[] }
  | { type: "refused"; sessionId: string; reason: string };

export const initialWatch: WatchState = { ai: {}, watched: null };

/** The AI list, most recently active first. */
export function aiOrder(ai: Record<string, Session>): Session[] {
  return Object.values(ai).sort((a, b) => (a.last_activity_at < b.last_activity_at ? 1
    : a.last_activity_at > b.last_activity_at ? -1 : a.session_id < b.session_id ? -1 : 1));
}

const ENDED_WHY: Record<string, string> = {
  escalated: "The AI handed this conversation to a person: it is in the queue.",
  taken_over: "An agent took this conversation over.",
  closed: "The conversation was closed.",
  abandoned: "The visitor left.",
};

function without(ai: Record<string, Session>, id: string): Record<string, Session> {
  if (!(id in ai)) return ai;
  const next = { ...ai };
  delete next[id];
  return next;
}

function onWatched(w: Watched, frame: ServerFrame, myId: number | null): Watched {
  switch (frame.type) {
    case "watching":
      return { ...w, session: frame.session, gone: null };
    case "message": {
      const { type: _t, ...m } = frame;
      const aiDraft = w.aiDraft && w.aiDraft.replyId === m.client_msg_id ? null : w.aiDraft;
      return { ...w, messages: mergeMessages(w.messages, [m]), aiDraft,
        aiTyping: m.sender_type === "ai" ? false : w.aiTyping,
        visitorTyping: m.sender_type === "visitor" ? false : w.visitorTyping,
        session: w.session ? { ...w.session, last_seq: Math.max(w.session.last_seq, m.seq) } : null };
    }
    case "ai_delta": {
      if (w.messages.some((m) => m.client_msg_id === frame.reply_id)) return w;
      const draft = w.aiDraft?.replyId === frame.reply_id ? w.aiDraft
        : { replyId: frame.reply_id, pieces: [] };
      const pieces = [...draft.pieces];
      pieces[frame.index] = frame.text;
      return { ...w, aiDraft: { replyId: frame.reply_id, pieces }, aiTyping: true };
    }
    case "typing":
      return frame.sender_type === "ai" ? { ...w, aiTyping: frame.on }
        : frame.sender_type === "visitor" ? { ...w, visitorTyping: frame.on } : w;
    case "escalated":
      return { ...w, aiDraft: null, aiTyping: false,
        session: w.session ? { ...w.session, status: "waiting", ai_mode: false,
          escalation_reason: frame.reason } : null };
    case "agent_joined":
      return frame.agent.id === myId ? w : { ...w, aiDraft: null, aiTyping: false,
        gone: `${frame.agent.display_name ?? "Another agent"} took this conversation.` };
    case "session_closed":
      return { ...w, aiDraft: null, aiTyping: false, visitorTyping: false,
        gone: ENDED_WHY[frame.by === "system" ? "abandoned" : "closed"] ?? null,
        session: w.session ? { ...w.session, status: "closed" } : null };
    default:
      return w;
  }
}

export function reduceWatch(state: WatchState, action: WatchAction): WatchState {
  switch (action.type) {
    case "watch":
      if (action.sessionId === null) return { ...state, watched: null };
      if (state.watched?.sessionId === action.sessionId) return state;
      return { ...state, watched: { sessionId: action.sessionId, session: null, messages: [],
        historyLoaded: false, aiDraft: null, aiTyping: false, visitorTyping: false, gone: null } };
    case "refused": {
      const w = state.watched;
      if (!w || w.sessionId !== action.sessionId) return state;
      return { ...state, watched: { ...w, gone: action.reason, historyLoaded: true } };
    }
    case "history": {
      const w = state.watched;
      if (!w || w.sessionId !== action.sessionId) return state;
      return { ...state, watched: { ...w, historyLoaded: true,
        messages: mergeMessages(w.messages, action.messages) } };
    }
    case "frame": {
      const { frame } = action;
      let next = state;
      switch (frame.type) {
        case "ready": {
          const ai: Record<string, Session> = {};
          for (const s of frame.ai_sessions) ai[s.session_id] = s;
          next = { ...next, ai };
          break;
        }
        case "ai_session":
          next = { ...next, ai: { ...next.ai, [frame.session.session_id]: frame.session } };
          break;
        case "ai_session_ended":
          next = { ...next, ai: without(next.ai, frame.session_id) };
          break;
        case "accepted":
        case "assigned":
          next = { ...next, ai: without(next.ai, frame.session.session_id) };
          break;
        default:
          break;
      }
      const w = next.watched;
      const sid = "session_id" in frame ? frame.session_id
        : frame.type === "watching" ? frame.session.session_id : null;
      if (w && sid === w.sessionId) next = { ...next, watched: onWatched(w, frame, action.myId) };
      return next;
    }
    default:
      return state;
  }
}
