// The labels the inbox shows: every label (for pickers and filters) and each conversation's,
// as the socket last told (`ready`, `queue_update`, `assigned`, `labels` frames) or a REST
// answer gave. A pure reducer beside the inbox's, tested without sockets.

import type { Label, ServerFrame, Session } from "../types";

export interface LabelsState {
  /** Every label, by name (GET /api/labels). */
  catalog: Label[];
  /** Each conversation's labels, by session id (missing: as its session view says). */
  bySession: Record<string, Label[]>;
}

export type LabelsAction =
  | { type: "catalog"; labels: Label[] }
  | { type: "frame"; frame: ServerFrame }
  | { type: "session_labels"; sessionId: string; labels: Label[] };

export function initialLabels(): LabelsState {
  return { catalog: [], bySession: {} };
}

function learn(bySession: Record<string, Label[]>, sessions: Session[]): Record<string, Label[]> {
  let out = bySession;
  for (const s of sessions) {
    if (s.labels) out = { ...out, [s.session_id]: s.labels };
  }
  return out;
}

export function reduceLabels(state: LabelsState, action: LabelsAction): LabelsState {
  switch (action.type) {
    case "catalog":
      return { ...state, catalog: action.labels };
    case "session_labels":
      return { ...state, bySession: { ...state.bySession, [action.sessionId]: action.labels } };
    default:
      break;
  }
  const frame = action.frame;
  switch (frame.type) {
    case "ready":
      return { ...state, bySession: learn(state.bySession, [...frame.sessions, ...frame.waiting]) };
    case "queue_update":
      return { ...state, bySession: learn(state.bySession, frame.waiting) };
    case "accepted":
    case "assigned":
      return { ...state, bySession: learn(state.bySession, [frame.session]) };
    case "labels":
      return { ...state, bySession: { ...state.bySession, [frame.session_id]: frame.labels } };
    default:
      return state;
  }
}

/** A conversation's labels: as last told, else as its session view carries them. */
export function labelsOf(state: LabelsState, session: Pick<Session, "session_id" | "labels">): Label[] {
  return state.bySession[session.session_id] ?? session.labels ?? [];
}

/** What the inbox's lists are narrowed to (null: any). */
export interface InboxFilter {
  label: number | null;
  widget: string | null;
}

export function matchesFilter(state: LabelsState, session: Session, filter: InboxFilter): boolean {
  if (filter.widget !== null && session.site_key !== filter.widget) return false;
  return filter.label === null || labelsOf(state, session).some((l) => l.id === filter.label);
}
