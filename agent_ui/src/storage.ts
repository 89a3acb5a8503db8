// What the inbox keeps in localStorage: the sign-in token (docs/security.md says why there),
// drafts and the outbox per agent, and a few preferences. Every access tolerates storage
// being unavailable or full.

import { SIGN_IN_KEY, getItem, loadSignIn, saveSignIn, setItem } from "@parley/protocol";
import type { OutboxEntry } from "./state/outbox";

const NOTICE = "parley:agent:notice";

const get = (key: string): string | null => getItem(key);
const set = (key: string, value: string | null): void => setItem(key, value);

// The sign-in is shared with the admin (/admin): one key for both (@parley/protocol signin).
export const tokenKey = SIGN_IN_KEY;

export function loadToken(): string | null {
  return loadSignIn();
}

export function saveToken(token: string | null): void {
  saveSignIn(token);
}

/** The claims of a JWT (not verified: only to know when it expires and whose it is). */
export function tokenClaims(token: string): { sub?: string; exp?: number } | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(json) as { sub?: string; exp?: number };
  } catch {
    return null;
  }
}

/** A message for the sign-in page, kept across the redirect (this tab only). */
export function setNotice(text: string | null): void {
  setItem(NOTICE, text, "sessionStorage");
}

export function takeNotice(): string | null {
  const text = getItem(NOTICE, "sessionStorage");
  setItem(NOTICE, null, "sessionStorage");
  return text;
}

export function loadOutbox(agentId: number): OutboxEntry[] {
  try {
    const parsed: unknown = JSON.parse(get(`parley:agent:${agentId}:outbox`) ?? "[]");
    return Array.isArray(parsed) ? (parsed as OutboxEntry[]) : [];
  } catch {
    return [];
  }
}

export function saveOutbox(agentId: number, outbox: OutboxEntry[]): void {
  set(`parley:agent:${agentId}:outbox`, outbox.length ? JSON.stringify(outbox) : null);
}

export function loadDrafts(agentId: number): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(get(`parley:agent:${agentId}:drafts`) ?? "{}");
    return parsed && typeof parsed === "object" ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

export function saveDrafts(agentId: number, drafts: Record<string, string>): void {
  const kept = Object.fromEntries(Object.entries(drafts).filter(([, v]) => v.trim() !== ""));
  set(`parley:agent:${agentId}:drafts`, Object.keys(kept).length ? JSON.stringify(kept) : null);
}

export function loadPref(name: string, fallback: string): string {
  return get(`parley:agent:pref:${name}`) ?? fallback;
}

export function savePref(name: string, value: string): void {
  set(`parley:agent:pref:${name}`, value);
}

/** Forget everything of this browser's agent (sign-out). */
export function clearAgent(agentId: number | null): void {
  saveToken(null);
  if (agentId !== null) {
    set(`parley:agent:${agentId}:outbox`, null);
    set(`parley:agent:${agentId}:drafts`, null);
  }
}
