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
  // The labels as known when a frame comes: one naming a label otherwise (an admin just made,
  // renamed or recoloured it) loads the list again, so filters and pickers say the same.
  const known = useRef<Map<number, string>>(new Map());
  known.current = new Map(state.catalog.map((l) => [l.id, `${l.name}\n${l.color}`]));
  const onFrame = useCallback((frame: ServerFrame) => {
    dispatch({ type: "frame", frame });
    if (frame.type === "labels"
      && frame.labels.some((l) => known.current.get(l.id) !== `${l.name}\n${l.color}`)) refresh();
  }, [refresh]);
  const toggle = useCallback(async (sessionId: string, labelId: number, on: boolean) => {
    const labels = await api.setLabel(token, sessionId, labelId, on);
    dispatch({ type: "session_labels", sessionId, labels });
  }, [token]);
  return useMemo(() => ({ state, refresh, onFrame, toggle }), [state, refresh, onFrame, toggle]);
}
