// The visitors' context (time zone, language, referrer, pages, attributes; docs/privacy.md) as
// the agent socket's `visitor_context` frames bring it: useInbox hands every frame to
// `contextFrame`, and the visitor panel reads its conversation's with `useVisitorContext`,
// taking whichever is newer of the live one and the one it loaded over REST.

import { useSyncExternalStore } from "react";
import type { ServerFrame, VisitorContext } from "./types";

const latest = new Map<string, VisitorContext>();
const listeners = new Set<() => void>();

export function contextFrame(frame: ServerFrame): void {
  if (frame.type !== "visitor_context") return;
  latest.set(frame.session_id, frame.context);
  for (const fn of listeners) fn();
}

function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The newer (by updated_at) of the live context and the one loaded with the details. */
export function newer(a: VisitorContext | null | undefined,
  b: VisitorContext | null | undefined): VisitorContext | null {
  if (!a || !b) return a ?? b ?? null;
  return Date.parse(a.updated_at) >= Date.parse(b.updated_at) ? a : b;
}

export function useVisitorContext(sessionId: string,
  loaded: VisitorContext | null | undefined): VisitorContext | null {
  const live = useSyncExternalStore(subscribe, () => latest.get(sessionId) ?? null);
  return newer(live, loaded);
}
