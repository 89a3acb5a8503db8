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

/** This browser's device token of the visitor (docs/privacy.md): it outlives a conversation,
 * and opens all of the visitor's. Written with the first conversation, never before. */
export function device(siteKey: string): string | null {
  const token = getJson<string>(`parley:v:${siteKey}`);
  return typeof token === "string" ? token : null;
}

export function setDevice(siteKey: string, token: string): void {
  setItem(`parley:v:${siteKey}`, JSON.stringify(token));
}

/** One IndexedDB request on Parley's key-value store. IndexedDB, unlike localStorage, is
 * consistent between tabs at once: a tab that takes the start lock after another kept the
 * device token finds it here (Chromium passes localStorage writes to other tabs later). */
function idb(write: boolean, run: (kv: IDBObjectStore) => IDBRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("parley", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("kv");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction("kv", write ? "readwrite" : "readonly");
      const req = run(tx.objectStore("kv"));
      tx.oncomplete = () => (db.close(), resolve(req.result));
      tx.onerror = tx.onabort = () => (db.close(), reject(tx.error));
    };
  });
}

/** The device token as the other tabs of this browser see it now (under the start lock). */
export async function sharedDevice(siteKey: string): Promise<string | null> {
  const found = await idb(false, (kv) => kv.get(`v:${siteKey}`)).catch(() => null);
  return typeof found === "string" ? found : device(siteKey);
}

export async function keepDevice(siteKey: string, token: string): Promise<void> {
  setDevice(siteKey, token);
  await idb(true, (kv) => kv.put(token, `v:${siteKey}`)).catch(() => {}); // blocked: localStorage only
}
