// Every REST call the inbox makes. Components never call fetch themselves.

import {
  ApiError, type Endpoint, type HistoryPage, type MySettings, type MySettingsUpdate, type Note, request as send,
  send as call,
} from "@parley/protocol";
import type {
  CannedResponse, CannedResponseInput, HistoryFilters, Label, LabelList, Message, MessageFile,
  LiveVisitor, SavedView, Session, SessionDetails, TeamMember, TranscriptQueued, User, Widget,
} from "./types";

export { ApiError };

/** Called when the server says the token is no longer good (401). */
let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}

const SERVER: Endpoint = {
  offline: "Can't reach the server. Check your connection.",
  failed: (status) => `The server answered ${status}.`,
  unauthorized: () => onUnauthorized?.(),
};

function request<T>(path: string, token: string | null, call: { method?: string; body?: unknown } = {}): Promise<T> {
  return send<T>(SERVER, path, { ...call, token });
}

export function agentLogin(email: string, password: string): Promise<{ token: string; user: User }> {
  return request("/api/auth/agent-login", null, { method: "POST", body: { email, password } });
}

export async function me(token: string): Promise<User> {
  return (await request<{ user: User }>("/api/auth/me", token)).user;
}

export async function mySettings(token: string): Promise<MySettings> {
  return (await request<{ settings: MySettings }>("/api/auth/me/settings", token)).settings;
}

/** Change only what `changes` names; every setting after the change. */
export async function saveMySettings(token: string, changes: MySettingsUpdate): Promise<MySettings> {
  return (await request<{ settings: MySettings }>("/api/auth/me/settings", token,
    { method: "PUT", body: changes })).settings;
}

// The profile (ProfilePage): the display name, the avatar and the password.

export async function saveDisplayName(token: string, displayName: string): Promise<User> {
  return (await request<{ user: User }>("/api/auth/me", token,
    { method: "PUT", body: { display_name: displayName } })).user;
}

/** Set the avatar from an image file (re-encoded by the server); the user after. */
export async function uploadAvatar(token: string, file: Blob): Promise<User> {
  const resp = await call(SERVER, "/api/auth/me/avatar", { method: "PUT", raw: file, token });
  return ((await resp.json()) as { user: User }).user;
}

export async function removeAvatar(token: string): Promise<User> {
  return (await request<{ user: User }>("/api/auth/me/avatar", token, { method: "DELETE" })).user;
}

/** Change the password: every other token of the user is revoked; the new one comes back. */
export function changePassword(token: string, current: string, next: string):
  Promise<{ token: string; user: User }> {
  return request("/api/auth/password", token,
    { method: "POST", body: { current_password: current, new_password: next } });
}

export function logout(token: string): Promise<void> {
  return request("/api/auth/logout", token, { method: "POST" });
}

export async function team(token: string): Promise<TeamMember[]> {
  return (await request<{ agents: TeamMember[] }>("/api/agents/team", token)).agents;
}

export async function cannedResponses(token: string): Promise<CannedResponse[]> {
  return (await request<{ canned_responses: CannedResponse[] }>("/api/canned-responses", token))
    .canned_responses;
}

/** Add a canned response: a widget's (`site_key`), everyone's, or the caller's own
 * (`personal`). The open inboxes that may see it get it over their socket. */
export async function createCanned(token: string, body: CannedResponseInput): Promise<CannedResponse> {
  return (await request<{ canned_response: CannedResponse }>("/api/canned-responses", token,
    { method: "POST", body })).canned_response;
}

export async function updateCanned(token: string, id: number,
  body: Pick<CannedResponseInput, "shortcut" | "title" | "text">): Promise<CannedResponse> {
  return (await request<{ canned_response: CannedResponse }>(`/api/canned-responses/${id}`, token,
    { method: "PUT", body })).canned_response;
}

export function deleteCanned(token: string, id: number): Promise<void> {
  return request(`/api/canned-responses/${id}`, token, { method: "DELETE" });
}

/** The widgets the user owns or works on (admins: all). */
export async function widgets(token: string): Promise<Widget[]> {
  return (await request<{ widgets: Widget[] }>("/api/widgets", token)).widgets;
}

export function sessionDetails(token: string, sessionId: string): Promise<SessionDetails> {
  return request(`/api/agents/sessions/${encodeURIComponent(sessionId)}`, token);
}

export type { HistoryPage };

export function searchHistory(token: string, query: string, offset = 0,
  limit = 25, filters: HistoryFilters = {}): Promise<HistoryPage> {
  const q = filterParams({ ...filters, q: query });
  q.set("offset", String(offset));
  q.set("limit", String(limit));
  return request(`/api/agents/history?${q}`, token);
}

/** The history's filters as URL parameters (lists comma-separated, empty ones left out). */
export function filterParams(filters: HistoryFilters): URLSearchParams {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(filters) as [string, string | string[] | undefined][]) {
    const text = Array.isArray(value) ? value.join(",") : (value ?? "").trim();
    if (text) q.set(name, text);
  }
  return q;
}

// --- labels and saved views -------------------------------------------------------------

/** The widgets the agent works on (admins: all), as site key and name, for filters. */
export async function widgetNames(token: string): Promise<[string, string][]> {
  const list = (await request<{ widgets: { site_key: string; business_name: string }[] }>(
    "/api/widgets", token)).widgets;
  return list.map((w) => [w.site_key, w.business_name]);
}

export function labels(token: string): Promise<LabelList> {
  return request("/api/labels", token);
}

/** Put a label on a conversation (on) or take it off; the conversation's labels after. */
export async function setLabel(token: string, sessionId: string, labelId: number,
  on: boolean): Promise<Label[]> {
  return (await request<{ labels: Label[] }>(
    `/api/agents/sessions/${encodeURIComponent(sessionId)}/labels/${labelId}`, token,
    { method: on ? "PUT" : "DELETE" })).labels;
}

export async function savedViews(token: string): Promise<SavedView[]> {
  return (await request<{ views: SavedView[] }>("/api/agents/views", token)).views;
}

export async function saveView(token: string, name: string, filters: HistoryFilters): Promise<SavedView> {
  return (await request<{ view: SavedView }>("/api/agents/views", token,
    { method: "POST", body: { name, filters } })).view;
}

export function deleteView(token: string, id: number): Promise<void> {
  return request(`/api/agents/views/${id}`, token, { method: "DELETE" });
}

interface HistoryResponse {
  messages: Message[];
  has_more: boolean;
  last_seq: number;
}

/** Every message of a session after `afterSeq`, page by page. */
export async function messagesAfter(token: string, session: Pick<Session, "site_key" | "session_id">,
  afterSeq = 0, pageSize = 500): Promise<Message[]> {
  const out: Message[] = [];
  let after = afterSeq;
  for (;;) {
    const page = await request<HistoryResponse>(
      `/api/widgets/${encodeURIComponent(session.site_key)}/sessions/`
      + `${encodeURIComponent(session.session_id)}/messages?after_seq=${after}&limit=${pageSize}`,
      token);
    out.push(...page.messages);
    const last = page.messages[page.messages.length - 1];
    if (!page.has_more || !last || pageSize < 500) return out;
    after = last.seq;
  }
}

/** A conversation's private notes, oldest first (docs/openapi.yaml). */
export async function sessionNotes(token: string, sessionId: string): Promise<Note[]> {
  return (await request<{ notes: Note[] }>(
    `/api/agents/sessions/${encodeURIComponent(sessionId)}/notes`, token)).notes;
}

/** Save the agent's reply `messageId` as a draft answer in the widget's knowledge base (the
 * visitor's question before it, the reply as its answer); an admin reviews and publishes it. */
export async function saveAnswer(token: string, sessionId: string, messageId: number): Promise<void> {
  await request(`/api/agents/sessions/${encodeURIComponent(sessionId)}/save-answer`, token,
    { method: "POST", body: { message_id: messageId } });
}

/** Mail the conversation's transcript to the visitor (queued; asking twice sends one). */
export function emailTranscript(token: string, sessionId: string): Promise<TranscriptQueued> {
  return request(`/api/agents/sessions/${encodeURIComponent(sessionId)}/transcript`, token,
    { method: "POST" });
}

interface UploadAnswer {
  upload?: MessageFile;
  error?: { code?: string; message?: string };
}

export interface UploadHandle {
  /** The server's summary of the stored file; an ApiError if it was refused ("aborted" when
   * cancelled). */
  done: Promise<MessageFile>;
  abort(): void;
}

/** Upload one file to a conversation (the raw bytes, streamed by the browser), reporting
 * progress. XMLHttpRequest, because fetch cannot report upload progress. */
export function uploadFile(token: string, session: Pick<Session, "site_key" | "session_id">,
  file: File, onProgress: (loaded: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<MessageFile>((resolve, reject) => {
    xhr.open("POST", `/api/widgets/${encodeURIComponent(session.site_key)}/sessions/`
      + `${encodeURIComponent(session.session_id)}/uploads?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (ev) => onProgress(ev.loaded);
    xhr.onerror = () => reject(new ApiError(0, "network", SERVER.offline));
    xhr.onabort = () => reject(new ApiError(0, "aborted", "Cancelled"));
    xhr.onload = () => {
      let body: UploadAnswer | null = null;
      try {
        body = JSON.parse(xhr.responseText) as UploadAnswer;
      } catch {
        // not JSON (a proxy's page): the status says enough
      }
      if (xhr.status === 201 && body?.upload) {
        resolve(body.upload);
        return;
      }
      if (xhr.status === 401) onUnauthorized?.();
      reject(new ApiError(xhr.status, body?.error?.code ?? `http_${xhr.status}`,
        body?.error?.message ?? SERVER.failed(xhr.status)));
    };
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

/** A stored file (or its thumbnail) as a Blob, fetched with the token (never in a URL). */
export async function fileBlob(token: string, fileId: string, thumb = false): Promise<Blob> {
  const resp = await call(SERVER, `/api/files/${encodeURIComponent(fileId)}${thumb ? "/thumb" : ""}`,
    { token });
  return resp.blob();
}

/** The visitors on the sites of the agent's tracking widgets now (docs/agents.md). */
export async function liveVisitors(token: string): Promise<LiveVisitor[]> {
  return (await request<{ visitors: LiveVisitor[] }>("/api/visitors", token)).visitors;
}

/** Invite a visitor to chat with a first message (a conversation once they answer). */
export async function inviteVisitor(token: string, v: Pick<LiveVisitor, "site_key" | "tracking_id">,
  text: string): Promise<LiveVisitor> {
  return (await request<{ visitor: LiveVisitor }>(
    `/api/visitors/${encodeURIComponent(v.site_key)}/${encodeURIComponent(v.tracking_id)}/invite`, token,
    { method: "POST", body: { text } })).visitor;
}

/** Withdraw an invitation the visitor has not answered. */
export function withdrawInvitation(token: string, v: Pick<LiveVisitor, "site_key" | "tracking_id">): Promise<void> {
  return request<void>(
    `/api/visitors/${encodeURIComponent(v.site_key)}/${encodeURIComponent(v.tracking_id)}/invite`, token,
    { method: "DELETE" });
}
