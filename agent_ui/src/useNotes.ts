// Private notes wired to the socket and the REST API (the pure state is state/notes.ts):
// `note`, `note_ack` and `mention` frames in, `note` frames out, a conversation's notes loaded
// with its history, and what was not acknowledged sent again after a reconnect. useInbox
// hands it the socket's frames and its send function.

import { useCallback, useMemo, useReducer, useRef } from "react";
import * as api from "./api";
import { beep, desktopNotify } from "./notify";
import { type NotesState, type PendingNote, initialNotes, reduceNotes } from "./state/notes";
import type { ClientFrame, ServerFrame, User } from "./types";

export interface Notes {
  state: NotesState;
  /** Write a private note in a conversation (sent now, or after the next reconnect). */
  add(sessionId: string, text: string): void;
  /** Load a conversation's notes over REST (with its history). */
  load(sessionId: string): void;
  retry(clientMsgId: string): void;
  discard(clientMsgId: string): void;
  dismissMention(sessionId: string): void;
}

export interface NotesWiring {
  notes: Notes;
  /** Every frame of the agent socket (the notes' ones are acted on). */
  onFrame(frame: ServerFrame): void;
  /** The highest note id held, for the `auth` frame's `last_note_id`. */
  lastNoteId(): number;
}

function noteFrame(p: PendingNote): ClientFrame {
  return { type: "note", session_id: p.sessionId, client_msg_id: p.clientMsgId, text: p.text };
}

export function useNotes(token: string, user: User, send: (frame: ClientFrame) => boolean,
  sound: () => boolean): NotesWiring {
  const [state, dispatch] = useReducer(reduceNotes, initialNotes);
  const stateRef = useRef(state);
  stateRef.current = state;
  const loading = useRef<Set<string>>(new Set());

  const onFrame = useCallback((frame: ServerFrame) => {
    switch (frame.type) {
      case "ready":
        // Resend what the last socket never acknowledged (the server dedupes by client id).
        for (const p of stateRef.current.pending) if (p.failed === null) send(noteFrame(p));
        break;
      case "note": {
        const { type: _type, ...note } = frame;
        dispatch({ type: "note", note });
        break;
      }
      case "note_ack":
        dispatch({ type: "acked", clientMsgId: frame.client_msg_id, id: frame.id,
          me: { id: user.id, name: user.display_name } });
        break;
      case "mention":
        dispatch({ type: "mention", sessionId: frame.session_id, note: frame.note });
        if (sound()) beep();
        desktopNotify(`${frame.note.author_name} mentioned you`, frame.note.text.slice(0, 180),
          `parley-mention-${frame.note.id}`);
        break;
      case "error":
        if (frame.client_msg_id && stateRef.current.pending.some((p) => p.clientMsgId === frame.client_msg_id)) {
          if (frame.retryable) {
            const p = stateRef.current.pending.find((x) => x.clientMsgId === frame.client_msg_id);
            if (p) window.setTimeout(() => send(noteFrame(p)), 3000);
          } else {
            dispatch({ type: "failed", clientMsgId: frame.client_msg_id, reason: frame.message });
          }
        }
        break;
      default:
        break;
    }
  }, [send, user.id, user.display_name, sound]);

  const notes = useMemo<Notes>(() => ({
    state,
    add(sessionId, text) {
      const value = text.trim();
      if (!value) return;
      const entry: PendingNote = { clientMsgId: `note-${crypto.randomUUID()}`, sessionId, text: value,
        createdAt: new Date().toISOString(), failed: null };
      dispatch({ type: "queued", entry });
      send(noteFrame(entry));
    },
    load(sessionId) {
      if (loading.current.has(sessionId)) return;
      loading.current.add(sessionId);
      api.sessionNotes(token, sessionId)
        .then((list) => dispatch({ type: "loaded", sessionId, notes: list }))
        .catch(() => undefined)
        .finally(() => loading.current.delete(sessionId));
    },
    retry(clientMsgId) {
      const p = stateRef.current.pending.find((x) => x.clientMsgId === clientMsgId);
      if (!p) return;
      dispatch({ type: "discard", clientMsgId });
      this.add(p.sessionId, p.text);
    },
    discard(clientMsgId) {
      dispatch({ type: "discard", clientMsgId });
    },
    dismissMention(sessionId) {
      dispatch({ type: "dismiss_mention", sessionId });
    },
  }), [state, send, token]);

  const lastNoteId = useCallback(() => stateRef.current.lastId, []);
  return { notes, onFrame, lastNoteId };
}
