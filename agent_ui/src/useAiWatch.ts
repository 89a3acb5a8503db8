// Wires the AI list and the watched conversation (state/aiwatch.ts) to the agent socket:
// `watch`/`unwatch` frames out, the watched conversation's history over REST, and the watch
// sent again after a reconnect. `useInbox` feeds it every frame.

import { useCallback, useMemo, useReducer, useRef } from "react";
import * as api from "./api";
import { type WatchState, initialWatch, reduceWatch } from "./state/aiwatch";
import type { ClientFrame, ServerFrame } from "./types";

/** A `watch` frame, with a request id that names it in an `error` answer. */
function watchFrame(sessionId: string): ClientFrame & { request_id: string } {
  return { type: "watch", session_id: sessionId, request_id: `watch-${sessionId}`.slice(0, 64) };
}

export interface AiWatch {
  state: WatchState;
  onFrame(frame: ServerFrame): void;
  /** Read a conversation as it happens (one at a time); null stops watching. */
  watch(sessionId: string | null): void;
}

export function useAiWatch(token: string, send: (frame: ClientFrame) => boolean,
  myId: number): AiWatch {
  const [state, dispatch] = useReducer(reduceWatch, initialWatch);
  const stateRef = useRef(state);
  stateRef.current = state;

  const onFrame = useCallback((frame: ServerFrame) => {
    dispatch({ type: "frame", frame, myId });
    const watched = stateRef.current.watched;
    if (frame.type === "ready" && watched) {
      send(watchFrame(watched.sessionId));  // follow it again
    }
    if (frame.type === "error" && watched && frame.request_id === watchFrame(watched.sessionId).request_id) {
      dispatch({ type: "refused", sessionId: watched.sessionId, reason: frame.message });
    }
    if (frame.type === "watching" && watched?.sessionId === frame.session.session_id) {
      const sid = frame.session.session_id;
      api.messagesAfter(token, frame.session, 0)
        .then((messages) => dispatch({ type: "history", sessionId: sid, messages }))
        .catch(() => undefined);
    }
  }, [send, token, myId]);

  const watch = useCallback((sessionId: string | null) => {
    const current = stateRef.current.watched?.sessionId ?? null;
    if (current === sessionId) return;
    if (current) send({ type: "unwatch", session_id: current });
    dispatch({ type: "watch", sessionId });
    if (sessionId) send(watchFrame(sessionId));
  }, [send]);

  return useMemo(() => ({ state, onFrame, watch }), [state, onFrame, watch]);
}
