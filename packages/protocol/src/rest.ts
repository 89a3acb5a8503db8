// The REST shapes the front ends read and send, one copy for the three apps. docs/openapi.yaml
// is the truth: test/rest-types.ts checks each of these against src/rest.generated.ts (which is
// generated from it), so a drift fails `npm test`.

import type {
  Label, SenderType, SessionStatus, Source, SystemCode, VisitorContext,
} from "./frames.generated";

export type { Label, SenderType, SessionStatus, Source };
export type Role = "admin" | "agent";
export type Presence = "online" | "away" | "offline";
export type FieldType = "text" | "email" | "tel" | "textarea" | "select";
/** The widget's default language (its texts; emails in en, es, fr, de, else English). */
export type EmailLanguage = "en" | "es" | "fr" | "de" | "pt" | "it" | "nl" | "ar";
export type Day = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
export type BusinessHours = Partial<Record<Day, [string, string][]>>;

/** The error body every REST error has. */
export interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}

export interface User {
  id: number;
  username: string;
  email: string;
  role: Role;
  display_name: string;
  max_chats: number | null;
  created_at: string;
  last_login_at: string | null;
  /** Where the avatar is served (/api/avatars/{id}, public); null for none. */
  avatar_url: string | null;
}

export interface PrechatField {
  name: string;
  label: string;
  type: FieldType;
  required: boolean;
  options?: string[];
}

/** GET /api/widgets/{siteKey}/config */
export interface PublicConfig {
  /** `hide_when_offline` on, nobody online, outside business hours: no launcher (docs/widget.md). */
  hidden_now?: boolean;
  hide_when_offline?: boolean;
  site_key: string;
  business_name: string;
  widget_title: string;
  welcome_message: string;
  primary_color: string;
  secondary_color: string;
  position: "bottom-right" | "bottom-left";
  enable_prechat_form: boolean;
  prechat_fields: PrechatField[];
  business_hours: BusinessHours | null;
  timezone: string;
  ai_enabled: boolean;
  /** The visitor may send files (the widget's switch). */
  visitor_uploads: boolean;
  /** The server's limits on files (it checks them again). */
  uploads: UploadLimits;
  /** The server sends email: offer the transcript by email when the visitor ends the chat. */
  mail: boolean;
  /** Only visitors with a signed identity token may chat (docs/identity.md). */
  require_identity: boolean;
  /** Page views and presence are reported before any interaction (docs/privacy.md). */
  visitor_tracking: boolean;
  /** The widget's default language: the visitor's browser languages are tried first
   * (docs/widget.md "Languages"). */
  language: EmailLanguage;
  /** The admin's texts instead of the defaults, per language: {lang: {key: text}}. */
  text_overrides: Record<string, Record<string, string>>;
  /** The enabled proactive-message triggers (docs/widget.md); none: no trigger chunk. (The
   * server always sends the list; the admin UI's preview may leave it out.) */
  triggers?: PublicTrigger[];
}

/** A trigger's counts: bubbles shown, chats opened from it, conversations started. */
export interface TriggerCounts {
  shown: number;
  opened: number;
  answered: number;
}

/** What an admin sets on a proactive-message trigger (docs/widget.md). */
export interface TriggerInput {
  name: string;
  message: string;
  kind: "auto" | "js";
  open_widget: boolean;
  enabled: boolean;
  url_match: "contains" | "glob" | null;
  url_pattern: string | null;
  delay_s: number | null;
  scroll_pct: number | null;
  /** Needs the widget's visitor_tracking (422 trigger_needs_tracking otherwise). */
  returning_visitor: boolean;
}

/** A widget's trigger as its admins see it (GET /api/widgets/{key}/triggers). */
export interface Trigger extends TriggerInput {
  id: number;
  /** All days. */
  counts: TriggerCounts;
  /** The last 30 UTC days. */
  counts_30d: TriggerCounts;
  created_at: string;
  updated_at: string;
}

/** What the widget's trigger chunk needs of a trigger: every condition set must hold. */
export interface PublicTrigger {
  id: number;
  name: string;
  /** js: also waits for Parley.trigger(name). */
  kind: "auto" | "js";
  message: string;
  /** Open the chat too, not only the bubble. */
  open: boolean;
  url_match: "contains" | "glob" | null;
  url_pattern: string | null;
  delay_s: number | null;
  scroll_pct: number | null;
  returning: boolean;
}

export interface UploadLimits {
  max_bytes: number;
  max_files: number;
  /** Types accepted, decided from the content (image/png, application/pdf, …). */
  types: string[];
}

/** POST /api/widgets/{key}/sessions/{id}/uploads answers `{ upload: Upload }`; the file is at
 * GET /api/files/{id} (and /thumb when `thumb`), fetched with the Authorization header. */
export interface Upload {
  id: string;
  name: string;
  type: string;
  size: number;
  width: number | null;
  height: number | null;
  thumb: boolean;
}

/** GET /api/widgets/{key}/availability: inside business hours, and an agent online. */
export interface Availability {
  open: boolean;
  agents_online: boolean;
}

export interface Message {
  session_id: string;
  id: number;
  seq: number;
  sender_type: SenderType;
  sender_name: string | null;
  text: string;
  created_at: string;
  client_msg_id: string;
  /** AI messages: the knowledge-base entries the answer quotes or cites. */
  sources?: Source[];
  /** AI messages: the message offers a person. */
  offer?: "person";
  /** System messages: what happened, to render in the reader's language (`text` is the
   * English); absent on old ones the migration could not code. */
  code?: SystemCode;
  /** System messages with a code: the names its text takes (`{}` when none). */
  params?: Record<string, string>;
}

/** What a visitor sees of their session (session creation, `ready`). */
export interface SessionView {
  session_id: string;
  status: SessionStatus;
  ai_mode: boolean;
  last_seq: number;
  visitor_name: string | null;
}

/** POST /api/widgets/{siteKey}/sessions */
export interface NewSession extends SessionView {
  /** This browser's device token: it opens every conversation of the visitor. */
  visitor_token: string;
  /** The visitor's open conversation, which another tab started at the same instant. */
  existing?: boolean;
}

/** POST /api/widgets/{siteKey}/visitor: the widget's home (docs/privacy.md). */
export interface VisitorHome {
  visitor_token: string | null;
  verified: boolean;
  open_session_id: string | null;
  conversations: {
    session_id: string;
    status: SessionStatus;
    created_at: string;
    last_activity_at: string;
    last_seq: number;
    last_message: string | null;
  }[];
}

/** GET …/sessions/{id}/messages */
export interface History {
  messages: Message[];
  has_more: boolean;
  last_seq: number;
  status: SessionStatus;
}

/** GET /api/widgets/queue-position/{siteKey}/{sessionId} (and the queue_position frame). */
export interface QueueInfo {
  position: number | null;
  estimated_wait_s: number | null;
  agents_online: number | null;
}

export interface VisitorInfo {
  prechat?: Record<string, string>;
  page_url?: string | null;
  user_agent?: string;
  ip?: string;
  timezone?: string | null;
  /** The custom attributes of a verified identity (docs/identity.md). */
  identity_attributes?: Record<string, string | number | boolean | null>;
}

/** A session in the agents' view. */
export interface Session {
  session_id: string;
  site_key: string;
  visitor_name: string | null;
  visitor_email: string | null;
  status: SessionStatus;
  ai_mode: boolean;
  escalated_at: string | null;
  last_seq: number;
  created_at: string;
  visitor_info: VisitorInfo;
  /** The site's server signed who the visitor is (docs/identity.md); else name and email are
   * only claimed. */
  visitor_verified?: boolean;
  /** The visitor's user id on the site (the token's `sub`), when verified. */
  visitor_user_id?: string | null;
  assigned_agent_id: number | null;
  escalation_reason: string | null;
  accepted_at: string | null;
  /** Sent by the server but missing from docs/openapi.yaml's AgentSession (hence optional). */
  first_agent_reply_at?: string | null;
  closed_at: string | null;
  last_activity_at: string;
  offline_email: string | null;
  offline_note: string | null;
  rating: number | null;
  /** The visitor's optional words with the rating (up to 500 characters). */
  rating_comment?: string | null;
  resolution: string | null;
  /** The agent in the conversation, while it is assigned (not in openapi.yaml either). */
  agent?: { id: number; display_name: string | null } | null;
  last_message?: string | null;
  /** The visitor's own newest message (lists only): what a waiting card shows. */
  last_visitor_message?: string | null;
  widget_name?: string;
  /** The conversation's labels, by name (lists, details, socket lists). */
  labels?: Label[];
}

export interface HistorySession extends Session {
  agent_name: string | null;
  close_note: string | null;
  closed_by: string | null;
  match: string | null;
}

export interface HistoryPage {
  sessions: HistorySession[];
  has_more: boolean;
  next_offset: number | null;
}

export interface TeamMember {
  id: number;
  username: string;
  role: Role;
  display_name: string;
  widgets: string[];
  status: Presence;
  active_chats: number;
  max_chats: number;
}

/** Whose a canned response is: one agent's own, one widget's, or every widget's. */
export type CannedScope = "personal" | "widget" | "global";

export interface CannedResponse {
  id: number;
  site_key: string | null;
  shortcut: string;
  title: string;
  text: string;
  scope: CannedScope;
  /** The agent a personal response belongs to. */
  owner_id: number | null;
  updated_at?: string;
}

/** POST /api/canned-responses (PUT takes shortcut, title and text only). */
export interface CannedResponseInput {
  shortcut: string;
  title?: string;
  text: string;
  site_key?: string | null;
  personal?: boolean;
}

export interface SessionDetails {
  session: Session & { close_note: string | null; closed_by: string | null;
    /** What the widget told about the visitor; null until it told something. */
    visitor_context?: VisitorContext | null };
  agent: { id: number; display_name: string } | null;
  previous_sessions: HistorySession[];
}

/** Per-widget AI overrides; a key left out (or null) uses the server's setting. */
export interface AISettings {
  provider?: "default" | "openai" | "offline" | null;
  model?: string | null;
  fallback_model?: string | null;
  system_prompt?: string | null;
  temperature?: number | null;
  max_tokens?: number | null;
  daily_token_budget?: number | null;
  visitor_message_limit?: number | null;
  language?: string | null;
}

/** POST /api/agents/sessions/{id}/transcript: the outbox row that mails it. */
export interface TranscriptQueued {
  id: number;
  session_id: string;
  /** False: the same transcript was queued already (a double click). */
  queued: boolean;
}

/** What an admin can set on a widget (POST/PUT /api/widgets). */
export interface WidgetSettings {
  business_name: string;
  widget_title: string;
  welcome_message: string;
  primary_color: string;
  secondary_color: string;
  position: "bottom-right" | "bottom-left";
  enable_prechat_form: boolean;
  prechat_fields: PrechatField[];
  allowed_origins: string[];
  business_hours: BusinessHours | null;
  timezone: string;
  /** The language of the emails to this widget's visitors. */
  language: EmailLanguage;
  ai_enabled: boolean;
  /** Visitors may send files (agents always may). */
  visitor_uploads: boolean;
  ai_settings: AISettings;
  /** Refuse a name or email claimed without a signed identity token (docs/identity.md). */
  enforce_identity: boolean;
  /** Refuse anonymous visitors too. */
  require_identity: boolean;
  /** Erase conversations ended more than this many days ago (docs/privacy.md); null = never. */
  retention_days: number | null;
  /** Report page views and presence before any interaction, for the live list of visitors
   * (docs/privacy.md). */
  visitor_tracking: boolean;
  /** Hide the launcher while nobody is online outside business hours (docs/widget.md). */
  hide_when_offline: boolean;
  /** The admin's texts instead of the widget's defaults: {lang: {key: text}} (docs/widget.md). */
  text_overrides: Record<string, Record<string, string>>;
}

export interface Widget extends WidgetSettings {
  id: number;
  site_key: string;
  owner_id: number | null;
  /** The widget has an identity secret (it is never shown again). */
  identity_secret_set: boolean;
  /** During a rotation, until when the previous secret stays valid. */
  identity_previous_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface WidgetCounts {
  id: number;
  site_key: string;
  business_name: string;
  sessions: number;
  escalations: number;
  waiting: number;
  assigned: number;
  active: number;
  closed: number;
  ai_resolved: number;
  agent_resolved: number;
  abandoned: number;
  messages: number;
}

export interface KnowledgeEntry {
  id: number;
  kind: "qa" | "article";
  title: string;
  body: string;
  /** "draft": saved from an agent's reply, not used by the AI until published. */
  status: "draft" | "published";
  url: string | null;
  source_id: number | null;
  /** The conversation a draft was saved from (null once published). */
  origin_session_id: string | null;
  created_at: string;
  updated_at: string;
}

/** The questions the AI could not answer, grouped by meaning (GET …/knowledge/gaps). */
export interface KnowledgeGaps {
  days: number;
  grouped_by: "meaning" | "words";
  questions: number;
  truncated: boolean;
  groups: {
    question: string;
    count: number;
    declined: number;
    hedged: number;
    last_at: string;
    examples: { session_id: string; question: string; at: string }[];
    languages: string[];
  }[];
}

export interface TryAnswer {
  /** "decline": it would say it does not know and offer a person. */
  decision: "answer" | "hedge" | "decline";
  /** The decision in one plain sentence, to show as is. */
  explanation: string;
  answer: string;
  search: "meaning" | "keywords";
  confident: boolean;
  no_match: boolean;
  passages: {
    entry_id: number; title: string; text: string;
    match: "close" | "partial" | "weak";
    /** The answer is this passage. */
    used: boolean;
    score: number; coverage: number; similarity: number | null;
  }[];
}

export interface DayFigures {
  date: string;
  conversations: number;
  ai_resolved: number;
  agent_resolved: number;
  abandoned: number;
  open: number;
  escalated: number;
  median_wait_s: number | null;
  median_first_response_s: number | null;
}

export interface AnalyticsReport {
  period: { from: string; to: string; tz: string; site_key: string | null };
  totals: Omit<DayFigures, "date"> & { rated: number; rating_avg: number | null };
  days: DayFigures[];
  escalation_reasons: { reason: string; count: number }[];
  ratings: { rating: number; count: number }[];
  busiest_hours: number[][];
  agents: { id: number; display_name: string; conversations: number;
    median_first_response_s: number | null; rating_avg: number | null }[];
  /** Files stored now (not over the period) for the widgets covered. */
  storage: { bytes: number; files: number;
    widgets: { site_key: string; business_name: string; bytes: number; files: number }[] };
}

export interface LiveFigures {
  at: string;
  now: { active: number; waiting: number; assigned: number; longest_wait_s: number | null;
    agents_online: number };
  agents: { id: number; display_name: string; role: Role; status: Presence;
    active_chats: number; max_chats: number }[];
  today: Omit<DayFigures, "date"> & { date: string; hours: number[]; rated: number;
    rating_avg: number | null };
}

/** GET /api/admin/outbox/counts: emails in the outbox by status. */
export interface OutboxCounts {
  pending: number;
  failed: number;
  sent: number;
  skipped: number;
}

export type OutboxStatus = keyof OutboxCounts;

/** An email in the outbox (GET /api/admin/outbox). */
export interface OutboxEmail {
  id: number;
  kind: string;
  recipient: string | null;
  status: OutboxStatus;
  attempts: number;
  due_at: string;
  created_at: string;
  sent_at: string | null;
  last_error: string | null;
  session_id: string | null;
  leased: boolean;
}

/** An entry of the audit log of admin actions (GET /api/admin/audit). */
export interface AuditEntry {
  id: number;
  at: string;
  actor: { type: "user" | "chatctl" | "system"; id: number | null; name: string };
  /** Stable and dotted: widget.update, user.role_change… */
  action: string;
  target_type: string;
  target_id: string | null;
  /** What changed: `fields` (names), a role's `from` and `to`, a `count`… never a secret. */
  details: Record<string, unknown>;
  ip: string | null;
}

/** GET /api/admin/audit: a page, newest first; `next_cursor` null at the end. */
export interface AuditPage {
  entries: AuditEntry[];
  next_cursor: string | null;
}

/** Which team emails the signed-in user gets (the Notifications section of their settings). */
export interface NotificationSettings {
  waiting: boolean;
  offline_email: boolean;
  digest: boolean;
  /** A teammate @mentioned the user in a private note. */
  mention: boolean;
}

/** GET /api/auth/me/settings: the signed-in user's own settings, by section. */
export interface MySettings {
  notifications: NotificationSettings;
}

/** PUT /api/auth/me/settings: only the sections and keys given change. */
export interface MySettingsUpdate {
  notifications?: Partial<NotificationSettings>;
}

/** A colour of the labels' fixed palette (every pair readable: WCAG AA). */
export type LabelColor = Label["color"];

/** GET /api/labels: the labels (admins also get `conversations`) and the palette. */
export interface LabelList {
  labels: (Label & { conversations?: number })[];
  colors: { color: LabelColor; background: string; text: string }[];
}

/** The history's filters as GET /api/agents/history takes them and a saved view keeps them. */
export interface HistoryFilters {
  q?: string;
  label?: string[];
  status?: "closed" | "abandoned";
  widget?: string;
  agent?: string;
  rating?: string[];
  from?: string;
  to?: string;
  tz?: string;
  has_attachments?: "true" | "false";
}

/** An agent's saved view: history filters under a name (/api/agents/views). */
export interface SavedView {
  id: number;
  name: string;
  filters: HistoryFilters;
  created_at: string;
  updated_at: string;
}
