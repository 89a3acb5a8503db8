// What survives a reload, per site key, in localStorage — written only once the visitor has
// started a conversation (nothing before). Storage may be blocked (privacy modes, sandboxed
// frames): then the conversation lasts as long as the page.

import { getJson, setItem } from "@parley/protocol";
import type { Attached, MessageFrame } from "./types";

/** An own message waiting for its files to upload (not sent yet). */
export interface Held {
  client_msg_id: string;
  text: string;
  at: string;
  files: Attached[];
}

export interface Saved {
  /** Session id and its visitor token (the only key to the conversation). */
  sid: string;
  token: string;
  /** The panel was open (restored on the next page on wide screens). */
  open?: boolean;
  /** Highest seq the visitor has seen (for the unread count). */
  seen?: number;
  /** Highest seq the agent has seen (read receipts, shown again after a reload). */
  theySaw?: number;
  /** Messages written but not acknowledged yet, resent with the same client_msg_id. */
  outbox?: (MessageFrame & { at: string; attached?: Attached[] })[];
  /** Messages whose uploads had not finished: after a reload, shown failed ("Choose again"). */
  held?: Held[];
  /** An email left for a reply while nobody was available. */
  email?: string;
  rated?: number;
}

const key = (siteKey: string): string => `parley:${siteKey}`;

export function load(siteKey: string): Saved | null {
  const saved = getJson<Saved>(key(siteKey));
  return saved && typeof saved.sid === "string" && typeof saved.token === "string" ? saved : null;
}

export function save(siteKey: string, saved: Saved): void {
  setItem(key(siteKey), JSON.stringify(saved));
}

export function clear(siteKey: string): void {
  setItem(key(siteKey), null);
}
