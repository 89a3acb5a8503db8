// The REST calls the widget makes. Components never call fetch themselves.

import { ApiError, type Endpoint, request, send } from "@parley/protocol";
import type { Availability, History, NewSession, PublicConfig, QueueInfo, VisitorHome } from "./types";

export { ApiError };

/** The messages of failed calls: English here; the chat chunk puts the visitor's language in. */
export const CHAT: Endpoint = {
  offline: "We can't reach the chat right now. Check your connection.",
  failed: () => "Something went wrong. Please try again.",
  cors: true,
};

const site = (base: string, siteKey: string): string =>
  `${base}api/widgets/${encodeURIComponent(siteKey)}`;

/** The public config: the loader's one call, with no more of the request helper than it needs
 * (every page view downloads the loader). */
export async function getConfig(base: string, siteKey: string): Promise<PublicConfig> {
  const resp = await fetch(`${site(base, siteKey)}/config`, {
    headers: { Accept: "application/json" }, credentials: "omit", mode: "cors",
  });
  const body = await resp.json().catch(() => null);
  if (!resp.ok) throw new Error(body?.error?.message ?? `HTTP ${resp.status}`);
  return body as PublicConfig;
}

export function getAvailability(base: string, siteKey: string): Promise<Availability> {
  return request<Availability>(CHAT, `${site(base, siteKey)}/availability`);
}

export function createSession(base: string, siteKey: string, body: object): Promise<NewSession> {
  return request<NewSession>(CHAT, `${site(base, siteKey)}/sessions`, { method: "POST", body });
}

/** The visitor's conversations (the device token, or a signed identity: docs/privacy.md). */
export function getHome(base: string, siteKey: string, token: string | null,
                        identityToken?: string): Promise<VisitorHome> {
  return request<VisitorHome>(CHAT, `${site(base, siteKey)}/visitor`, {
    method: "POST", body: identityToken ? { identity_token: identityToken } : {},
    ...(token ? { token } : {}),
  });
}

export function reopenSession(base: string, siteKey: string, sid: string, token: string): Promise<unknown> {
  return request(CHAT, `${site(base, siteKey)}/sessions/${encodeURIComponent(sid)}/reopen`,
    { method: "POST", body: {}, token });
}

export function getHistory(base: string, siteKey: string, sid: string, token: string,
                           afterSeq: number): Promise<History> {
  return request<History>(CHAT,
    `${site(base, siteKey)}/sessions/${encodeURIComponent(sid)}/messages?after_seq=${afterSeq}&limit=500`,
    { token });
}

export function getQueuePosition(base: string, siteKey: string, sid: string,
                                 token: string): Promise<QueueInfo> {
  return request<QueueInfo>(CHAT,
    `${base}api/widgets/queue-position/${encodeURIComponent(siteKey)}/${encodeURIComponent(sid)}`,
    { token });
}

export function socketUrl(base: string, sid: string): string {
  return base.replace(/^http/, "ws") + "ws/" + encodeURIComponent(sid);
}

/** A file of the conversation (or its thumbnail), fetched with the visitor token: shown
 * through a blob: URL, so no token ever goes in a URL. */
export function getFile(base: string, id: string, token: string, thumb = false): Promise<Blob> {
  return send(CHAT, `${base}api/files/${encodeURIComponent(id)}${thumb ? "/thumb" : ""}`, { token })
    .then((resp) => resp.blob());
}

/** Where a file is uploaded (POST, the raw bytes; docs/attachments.md). */
export function uploadUrl(base: string, siteKey: string, sid: string, name: string): string {
  return `${site(base, siteKey)}/sessions/${encodeURIComponent(sid)}/uploads?name=${encodeURIComponent(name)}`;
}

/** The visitor's context (time zone, language, referrer, a page viewed, attributes): docs/privacy.md. */
export function postContext(base: string, siteKey: string, sid: string, token: string,
                            body: object): Promise<unknown> {
  return request(CHAT, `${site(base, siteKey)}/sessions/${encodeURIComponent(sid)}/context`,
    { method: "POST", body, token });
}
