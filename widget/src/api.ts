// The REST calls the widget makes. Components never call fetch themselves.

import type { Availability, History, NewSession, PublicConfig, QueueInfo } from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

async function request<T>(url: string, init: RequestInit = {}): Promise<T> {
  let resp: Response;
  try {
    resp = await fetch(url, { ...init, credentials: "omit", mode: "cors" });
  } catch {
    throw new ApiError(0, "network", "We can't reach the chat right now. Check your connection.");
  }
  if (resp.ok) return (await resp.json()) as T;
  let body: { error?: { code?: string; message?: string; fields?: Record<string, string> } } = {};
  try {
    body = await resp.json();
  } catch {
    // not JSON: the status says enough
  }
  const err = body.error ?? {};
  throw new ApiError(resp.status, err.code ?? "http_" + resp.status,
    err.message ?? "Something went wrong. Please try again.", err.fields ?? {});
}

const site = (base: string, siteKey: string): string =>
  `${base}api/widgets/${encodeURIComponent(siteKey)}`;

const auth = (token: string): HeadersInit => ({ Authorization: `Bearer ${token}` });

export function getConfig(base: string, siteKey: string): Promise<PublicConfig> {
  return request<PublicConfig>(`${site(base, siteKey)}/config`);
}

export function getAvailability(base: string, siteKey: string): Promise<Availability> {
  return request<Availability>(`${site(base, siteKey)}/availability`);
}

export function createSession(base: string, siteKey: string, body: object): Promise<NewSession> {
  return request<NewSession>(`${site(base, siteKey)}/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

export function getHistory(base: string, siteKey: string, sid: string, token: string,
                           afterSeq: number): Promise<History> {
  return request<History>(
    `${site(base, siteKey)}/sessions/${encodeURIComponent(sid)}/messages?after_seq=${afterSeq}&limit=500`,
    { headers: auth(token) });
}

export function getQueuePosition(base: string, siteKey: string, sid: string,
                                 token: string): Promise<QueueInfo> {
  return request<QueueInfo>(
    `${base}api/widgets/queue-position/${encodeURIComponent(siteKey)}/${encodeURIComponent(sid)}`,
    { headers: auth(token) });
}

export function socketUrl(base: string, sid: string): string {
  return base.replace(/^http/, "ws") + "ws/" + encodeURIComponent(sid);
}
