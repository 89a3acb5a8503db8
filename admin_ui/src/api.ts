// Every REST call the admin UI makes. Components never call fetch themselves.

import { ApiError, type Call, type Endpoint, request as requestCall, send as sendCall } from "@parley/protocol";
import type { AuditPage, KnowledgeSource, Trigger, TriggerInput, WebSourceInput } from "./types";
import type { AnalyticsReport, KnowledgeEntry, KnowledgeGaps, Label, LabelColor, LabelList, LiveFigures, OutboxCounts, OutboxEmail, OutboxStatus,
  Role, TryAnswer, User, Widget, WidgetCounts, WidgetSettings } from "./types";

export { ApiError };

let token: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** The signed-in user's token, sent with every call. */
export function setToken(value: string | null): void {
  token = value;
}

/** Called when the server says the token is no longer good (401). */
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}

const SERVER: Endpoint = {
  offline: "Can't reach the server. Check your connection.",
  failed: (status) => `The server answered ${status}.`,
  token: () => token,
  unauthorized: () => onUnauthorized?.(),
};

const send = (path: string, call?: Call): Promise<Response> => sendCall(SERVER, path, call);
const request = <T>(path: string, call?: Call): Promise<T> => requestCall<T>(SERVER, path, call);

const widgetPath = (key: string) => `/api/widgets/${encodeURIComponent(key)}`;

// --- auth ---------------------------------------------------------------------------------

export function login(email: string, password: string): Promise<{ token: string; user: User }> {
  return request("/api/auth/login", { method: "POST", body: { email, password } });
}

export async function me(): Promise<User> {
  return (await request<{ user: User }>("/api/auth/me")).user;
}

export function logout(): Promise<void> {
  return request("/api/auth/logout", { method: "POST" });
}

// --- users --------------------------------------------------------------------------------

export async function listUsers(): Promise<User[]> {
  return (await request<{ users: User[] }>("/api/auth/users")).users;
}

export interface NewUser {
  username: string;
  email: string;
  password: string;
  role: Role;
  display_name?: string;
}

export async function createUser(user: NewUser): Promise<User> {
  return (await request<{ user: User }>("/api/auth/register", { method: "POST", body: user })).user;
}

export async function setRole(userId: number, role: Role): Promise<User> {
  return (await request<{ user: User }>(`/api/auth/users/${userId}/role`,
    { method: "PUT", body: { role } })).user;
}

export function resetPassword(userId: number, password: string): Promise<void> {
  return request(`/api/auth/users/${userId}/password`, { method: "POST", body: { password } });
}

export function deleteUser(userId: number): Promise<void> {
  return request(`/api/auth/users/${userId}`, { method: "DELETE" });
}

// --- labels -------------------------------------------------------------------------------

export function listLabels(): Promise<LabelList> {
  return request("/api/labels");
}

export async function createLabel(name: string, color: LabelColor): Promise<Label> {
  return (await request<{ label: Label }>("/api/labels", { method: "POST", body: { name, color } })).label;
}

export async function updateLabel(id: number, changes: { name?: string; color?: LabelColor }): Promise<Label> {
  return (await request<{ label: Label }>(`/api/labels/${id}`, { method: "PUT", body: changes })).label;
}

export function deleteLabel(id: number): Promise<void> {
  return request(`/api/labels/${id}`, { method: "DELETE" });
}

// --- widgets ------------------------------------------------------------------------------

export async function listWidgets(): Promise<Widget[]> {
  return (await request<{ widgets: Widget[] }>("/api/widgets")).widgets;
}

export async function widgetCounts(): Promise<WidgetCounts[]> {
  return (await request<{ widgets: WidgetCounts[] }>("/api/widgets/stats/overview")).widgets;
}

export async function getWidget(key: string): Promise<Widget> {
  return (await request<{ widget: Widget }>(widgetPath(key))).widget;
}

export async function createWidget(settings: Partial<WidgetSettings>): Promise<Widget> {
  return (await request<{ widget: Widget }>("/api/widgets", { method: "POST", body: settings })).widget;
}

export async function updateWidget(key: string, settings: Partial<WidgetSettings>): Promise<Widget> {
  return (await request<{ widget: Widget }>(widgetPath(key), { method: "PUT", body: settings })).widget;
}

export function deleteWidget(key: string): Promise<void> {
  return request(widgetPath(key), { method: "DELETE" });
}

/** The widget's identity secret (docs/identity.md): made or rotated, answered once. */
export function identitySecret(key: string, rotate: boolean, graceHours?: number): Promise<IdentitySecret> {
  return request(`${widgetPath(key)}/identity-secret`,
    { method: "POST", body: { rotate, ...(graceHours === undefined ? {} : { grace_hours: graceHours }) } });
}

/** Stop accepting the previous identity secret now. */
export function finishRotation(key: string): Promise<Omit<IdentitySecret, "secret">> {
  return request(`${widgetPath(key)}/identity-secret/previous`, { method: "DELETE" });
}

export interface IdentitySecret {
  secret: string;
  identity_secret_set: boolean;
  identity_previous_until: string | null;
}

export async function widgetAgents(key: string): Promise<User[]> {
  return (await request<{ agents: User[] }>(`${widgetPath(key)}/agents`)).agents;
}

export async function setWidgetAgent(key: string, userId: number, member: boolean): Promise<User[]> {
  return (await request<{ agents: User[] }>(`${widgetPath(key)}/agents/${userId}`,
    { method: member ? "PUT" : "DELETE" })).agents;
}

// --- proactive-message triggers -------------------------------------------------------------

export async function listTriggers(key: string): Promise<Trigger[]> {
  return (await request<{ triggers: Trigger[] }>(`${widgetPath(key)}/triggers`)).triggers;
}

export async function createTrigger(key: string, trigger: TriggerInput): Promise<Trigger> {
  return (await request<{ trigger: Trigger }>(`${widgetPath(key)}/triggers`,
    { method: "POST", body: trigger })).trigger;
}

export async function updateTrigger(key: string, id: number, changes: Partial<TriggerInput>): Promise<Trigger> {
  return (await request<{ trigger: Trigger }>(`${widgetPath(key)}/triggers/${id}`,
    { method: "PUT", body: changes })).trigger;
}

export function deleteTrigger(key: string, id: number): Promise<void> {
  return request(`${widgetPath(key)}/triggers/${id}`, { method: "DELETE" });
}

// --- knowledge base -----------------------------------------------------------------------

export type EntryInput = Pick<KnowledgeEntry, "kind" | "title" | "body">;

export async function listKnowledge(key: string): Promise<KnowledgeEntry[]> {
  return (await request<{ entries: KnowledgeEntry[] }>(`${widgetPath(key)}/knowledge`)).entries;
}

export async function addKnowledge(key: string, entry: EntryInput): Promise<KnowledgeEntry> {
  return (await request<{ entry: KnowledgeEntry }>(`${widgetPath(key)}/knowledge`,
    { method: "POST", body: entry })).entry;
}

export async function updateKnowledge(key: string, id: number, entry: EntryInput): Promise<KnowledgeEntry> {
  return (await request<{ entry: KnowledgeEntry }>(`${widgetPath(key)}/knowledge/${id}`,
    { method: "PUT", body: entry })).entry;
}

export function deleteKnowledge(key: string, id: number): Promise<void> {
  return request(`${widgetPath(key)}/knowledge/${id}`, { method: "DELETE" });
}

export function importKnowledge(key: string, format: "markdown" | "csv",
  content: string): Promise<{ count: number; entries: KnowledgeEntry[] }> {
  return request(`${widgetPath(key)}/knowledge/import`, { method: "POST", body: { format, content } });
}

/** The questions the AI could not answer in the last `days`, grouped by meaning. */
export function knowledgeGaps(key: string, days = 30): Promise<KnowledgeGaps> {
  return request(`${widgetPath(key)}/knowledge/gaps?days=${days}`);
}

/** Publish a draft answer (with the reviewed question and answer): the AI uses it from now on. */
export async function publishKnowledge(key: string, id: number,
  entry: Partial<EntryInput> = {}): Promise<KnowledgeEntry> {
  return (await request<{ entry: KnowledgeEntry }>(`${widgetPath(key)}/knowledge/${id}/publish`,
    { method: "POST", body: entry })).entry;
}

export function tryKnowledge(key: string, question: string): Promise<TryAnswer> {
  return request(`${widgetPath(key)}/knowledge/try`, { method: "POST", body: { question } });
}

// --- analytics ----------------------------------------------------------------------------

export interface Period {
  from: string;
  to: string;
  tz: string;
  siteKey: string | null;
}

function periodQuery(p: Period, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ from: p.from, to: p.to, tz: p.tz, ...extra });
  if (p.siteKey) q.set("site_key", p.siteKey);
  return q.toString();
}

export function analytics(p: Period): Promise<AnalyticsReport> {
  return request(`/api/analytics?${periodQuery(p)}`);
}

/** The period's days as CSV, and the file name the server suggests. */
export async function analyticsCsv(p: Period): Promise<{ name: string; blob: Blob }> {
  const resp = await send(`/api/analytics?${periodQuery(p, { format: "csv" })}`);
  const disposition = resp.headers.get("Content-Disposition") ?? "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? "parley-analytics.csv";
  return { name, blob: await resp.blob() };
}

export function live(tz: string, siteKey: string | null = null): Promise<LiveFigures> {
  const q = new URLSearchParams({ tz });
  if (siteKey) q.set("site_key", siteKey);
  return request(`/api/analytics/live?${q}`);
}

// --- mail (admins) ------------------------------------------------------------------------

export async function outboxCounts(): Promise<OutboxCounts> {
  return (await request<{ counts: OutboxCounts }>("/api/admin/outbox/counts")).counts;
}

export function outbox(status: OutboxStatus, limit = 100): Promise<{ counts: OutboxCounts; rows: OutboxEmail[] }> {
  return request(`/api/admin/outbox?status=${status}&limit=${limit}`);
}

export async function retryEmail(id: number): Promise<OutboxEmail> {
  return (await request<{ email: OutboxEmail }>(`/api/admin/outbox/${id}/retry`, { method: "POST" })).email;
}

// --- audit log (admins) -------------------------------------------------------------------

/** GET /api/admin/audit's filters (empty ones are left out). */
export interface AuditFilters {
  actor?: string;
  action?: string;
  target_type?: string;
  target_id?: string;
  from?: string;
  to?: string;
}

export function auditLog(filters: AuditFilters, cursor: string | null = null, limit = 50): Promise<AuditPage> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (typeof value === "string" && value.trim()) query.set(name, value.trim());
  }
  if (cursor) query.set("cursor", cursor);
  query.set("limit", String(limit));
  return request(`/api/admin/audit?${query.toString()}`);
}

// --- privacy (admins) ---------------------------------------------------------------------

/** Who to find: one of email, user_id (with its widget) or session_id; widget narrows any. */
export interface VisitorQuery {
  kind: "email" | "user_id" | "session_id";
  value: string;
  widget: string;
}

export interface VisitorSession {
  session_id: string;
  widget: { site_key: string; business_name: string };
  status: string;
  created_at: string;
  closed_at: string | null;
  visitor_name: string | null;
  visitor_email: string | null;
  visitor_user_id: string | null;
  verified: boolean;
  offline_email: string | null;
  messages: number;
  files: number;
}

function visitorParams(q: VisitorQuery): Record<string, string> {
  const out: Record<string, string> = { [q.kind]: q.value.trim() };
  if (q.widget) out.widget = q.widget;
  return out;
}

export async function findVisitor(q: VisitorQuery): Promise<VisitorSession[]> {
  const query = new URLSearchParams(visitorParams(q));
  return (await request<{ sessions: VisitorSession[] }>(`/api/admin/privacy/visitors?${query}`)).sessions;
}

/** The visitor's ZIP (visitor.json and files/), and the file name the server suggests. */
export async function exportVisitor(q: VisitorQuery): Promise<{ name: string; blob: Blob }> {
  const resp = await send(`/api/admin/privacy/export?${new URLSearchParams(visitorParams(q))}`);
  const disposition = resp.headers.get("Content-Disposition") ?? "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? "visitor.zip";
  return { name, blob: await resp.blob() };
}

export function eraseVisitor(q: VisitorQuery, confirm: string): Promise<{ erased: Record<string, number>; sessions: string[] }> {
  return request("/api/admin/privacy/erase", { method: "POST", body: { ...visitorParams(q), confirm } });
}

// --- knowledge sources --------------------------------------------------------------------

const sourcesPath = (key: string) => `${widgetPath(key)}/knowledge/sources`;

export async function listSources(key: string): Promise<KnowledgeSource[]> {
  return (await request<{ sources: KnowledgeSource[] }>(sourcesPath(key))).sources;
}

export async function addSource(key: string, input: WebSourceInput): Promise<KnowledgeSource> {
  return (await request<{ source: KnowledgeSource }>(sourcesPath(key), { method: "POST", body: input })).source;
}

export async function updateSource(key: string, id: number,
  input: Partial<Pick<KnowledgeSource, "max_pages" | "sync_hours">>): Promise<KnowledgeSource> {
  return (await request<{ source: KnowledgeSource }>(`${sourcesPath(key)}/${id}`, { method: "PUT", body: input })).source;
}

export function deleteSource(key: string, id: number): Promise<void> {
  return request(`${sourcesPath(key)}/${id}`, { method: "DELETE" });
}

export async function syncSource(key: string, id: number): Promise<KnowledgeSource> {
  return (await request<{ source: KnowledgeSource }>(`${sourcesPath(key)}/${id}/sync`, { method: "POST" })).source;
}

/** Upload a document's raw bytes (streamed by the server, not multipart); `replace` makes it
 * the new version of that document source. */
export async function uploadSourceFile(key: string, file: File, replace?: number): Promise<KnowledgeSource> {
  const query = new URLSearchParams({ name: file.name });
  if (replace !== undefined) query.set("replace", String(replace));
  return (await request<{ source: KnowledgeSource }>(`${widgetPath(key)}/knowledge/files?${query.toString()}`,
    { method: "POST", raw: file })).source;
}
