// Labels in the inbox: loads every label, keeps each conversation's from the socket's frames
// (useInbox hands them over) and applies or removes one over REST.

import { useCallback, useEffect, useMemo, useReducer, useRef } from "react";
import * as api from "./api";
import { type LabelsState, initialLabels, reduceLabels } from "./state/labels";
import type { ServerFrame } from "./types";

export interface Labels {
  state: LabelsState;
  /** Load the labels again (an admin may have added one). */
  refresh(): void;
  onFrame(frame: ServerFrame): void;
  /** Put a label on a conversation (on) or take it off; rejects with the server's error. */
  toggle(sessionId: string, labelId: number, on: boolean): Promise<void>;
}

export function useLabels(token: string): Labels {
  const [state, dispatch] = useReducer(reduceLabels, undefined, initialLabels);
  const refresh = useCallback(() => {
    api.labels(token).then((list) => dispatch({ type: "catalog", labels: list.labels }))
      .catch(() => undefined);
  }, [token]);
  useEffect(() => refresh(), [refresh]);
  // The labels known when the last frame came: one naming a label not among them (an admin
  // just made it) loads the list again, so filters and pickers offer it.
  const known = useRef<Set<number>>(new Set());
  known.current = new Set(state.catalog.map((l) => l.id));
  const onFrame = useCallback((frame: ServerFrame) => {
    dispatch({ type: "frame", frame });
    if (frame.type === "labels" && frame.labels.some((l) => !known.current.has(l.id))) refresh();
  }, [refresh]);
  const toggle = useCallback(async (sessionId: string, labelId: number, on: boolean) => {
    const labels = await api.setLabel(token, sessionId, labelId, on);
    dispatch({ type: "session_labels", sessionId, labels });
  }, [token]);
  return useMemo(() => ({ state, refresh, onFrame, toggle }), [state, refresh, onFrame, toggle]);
}
