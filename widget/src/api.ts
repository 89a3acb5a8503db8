// The REST calls the widget makes. Components never call fetch themselves.

import { ApiError, type Endpoint, request } from "@parley/protocol";
import type { Availability, History, NewSession, PublicConfig, QueueInfo } from "./types";

export { ApiError };

const CHAT: Endpoint = {
  offline: "We can't reach the chat right now. Check your connection.",
  failed: () => "Something went wrong. Please try again.",
  cors: true,
};

const site = (base: string, siteKey: string): string =>
  `${base}api/widgets/${encodeURIComponent(siteKey)}`;

export function getConfig(base: string, siteKey: string): Promise<PublicConfig> {
  return request<PublicConfig>(CHAT, `${site(base, siteKey)}/config`);
}

export function getAvailability(base: string, siteKey: string): Promise<Availability> {
  return request<Availability>(CHAT, `${site(base, siteKey)}/availability`);
}

export function createSession(base: string, siteKey: string, body: object): Promise<NewSession> {
  return request<NewSession>(CHAT, `${site(base, siteKey)}/sessions`, { method: "POST", body });
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
