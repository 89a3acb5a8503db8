// The visitors' context (time zone, language, referrer, pages, attributes; docs/privacy.md) as
// the agent socket's `visitor_context` frames bring it: useInbox hands every frame to
// `contextFrame`, and the visitor panel reads its conversation's with `useVisitorContext`,
// taking whichever is newer of the live one and the one it loaded over REST. After a reconnect
// (a `ready` frame) frames may have been missed: `useSocketGeneration` changes, and the panel
// loads its conversation again.

import { useSyncExternalStore } from "react";
import type { ServerFrame, VisitorContext } from "./types";

const latest = new Map<string, VisitorContext>();
const listeners = new Set<() => void>();
let generation = 0;

export function contextFrame(frame: ServerFrame): void {
  if (frame.type === "ready") generation += 1;
  else if (frame.type === "visitor_context") latest.set(frame.session_id, frame.context);
  else return;
  for (const fn of listeners) fn();
}

/** Changes at each (re)connect of the agent socket. */
export function useSocketGeneration(): number {
  return useSyncExternalStore(subscribe, () => generation);
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
