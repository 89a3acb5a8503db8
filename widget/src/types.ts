// The shapes the server sends and accepts (chatserver/ is the truth; docs/protocol.md
// describes the frames).

export type SenderType = "visitor" | "ai" | "agent" | "system";
export type SessionStatus = "active" | "waiting" | "assigned" | "closed" | "abandoned";
export type Day = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
export type BusinessHours = Partial<Record<Day, [string, string][]>> | null;

export interface PrechatField {
  name: string;
  label: string;
  type: "text" | "email" | "tel" | "textarea" | "select";
  required: boolean;
  options?: string[];
}

/** GET /api/widgets/{siteKey}/config */
export interface PublicConfig {
  site_key: string;
  business_name: string;
  widget_title: string;
  welcome_message: string;
  primary_color: string;
  secondary_color: string;
  position: "bottom-right" | "bottom-left";
  enable_prechat_form: boolean;
  prechat_fields: PrechatField[];
  business_hours: BusinessHours;
  timezone: string;
  ai_enabled: boolean;
}

export interface ChatMessage {
  session_id: string;
  id: number;
  seq: number;
  sender_type: SenderType;
  sender_name: string | null;
  text: string;
  created_at: string;
  client_msg_id: string;
}

/** What a visitor sees of their session (session creation, `ready`). */
export interface SessionView {
  session_id: string;
  status: SessionStatus;
  ai_mode: boolean;
  last_seq: number;
  visitor_name: string | null;
}

export interface NewSession extends SessionView {
  visitor_token: string;
}

export interface History {
  messages: ChatMessage[];
  has_more: boolean;
  last_seq: number;
  status: SessionStatus;
}

export interface QueueInfo {
  position: number | null;
  estimated_wait_s: number | null;
  agents_online: number | null;
}

export interface Agent {
  id: number;
  display_name: string;
}

export type ServerFrame =
  | ({ type: "ready" } & SessionView)
  | ({ type: "message" } & ChatMessage)
  | { type: "ack"; client_msg_id: string; id: number; seq: number }
  | { type: "typing"; sender_type: SenderType; on: boolean }
  | { type: "seen"; seq: number; by: string }
  | { type: "ai_delta"; reply_id: string; index: number; text: string }
  | { type: "escalated"; agents_online: number; offline: boolean; outside_hours: boolean }
  | ({ type: "queue_position" } & QueueInfo)
  | { type: "agent_joined"; agent: Agent }
  | { type: "agent_left"; agent: Agent; reason: string }
  | { type: "session_closed"; by: string }
  | { type: "email_saved"; email: string }
  | { type: "reset"; last_seq: number }
  | {
      type: "error";
      code: string;
      message: string;
      retryable?: boolean;
      client_msg_id?: string;
      fields?: Record<string, string>;
    };

/** GET /api/widgets/{key}/availability: inside business hours, and an agent online. */
export interface Availability {
  open: boolean;
  agents_online: boolean;
}

export interface MessageFrame {
  type: "message";
  client_msg_id: string;
  text: string;
}

export type ClientFrame =
  | { type: "auth"; token: string; last_seq: number }
  | MessageFrame
  | { type: "typing"; on: boolean }
  | { type: "seen"; seq: number }
  | { type: "fetch"; after_seq: number; before_seq: number }
  | { type: "escalate"; reason?: string }
  | { type: "close"; rating?: number }
  | { type: "leave_email"; email: string; note?: string };

export interface Identity {
  name?: string;
  email?: string;
}

/** Events the host page can listen to with Parley.on(event, fn). */
export type WidgetEvent =
  | "ready"
  | "open"
  | "close"
  | "message"
  | "unread"
  | "session"
  | "escalated"
  | "agent_joined"
  | "ended";

/** What the loader hands the lazily loaded chat UI. */
export interface Host {
  root: HTMLElement;
  config: PublicConfig;
  base: string;
  siteKey: string;
  identity: Identity;
  launcher: HTMLButtonElement;
  /** The admin UI's preview: the config may change under the chat, and nothing is sent. */
  preview?: boolean;
  setOpen(open: boolean): void;
  setUnread(count: number): void;
  emit(event: WidgetEvent, detail?: unknown): void;
}

export interface ChatApp {
  open(focus?: boolean): void;
  close(): void;
  isOpen(): boolean;
  identify(identity: Identity): void;
  /** Draw the panel again from host.config (the preview's config changed). */
  refresh(): void;
}
