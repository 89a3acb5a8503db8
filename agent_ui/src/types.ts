// The shapes the server sends (docs/protocol.md, docs/openapi.yaml).

export type SenderType = "visitor" | "ai" | "agent" | "system";
export type SessionStatus = "active" | "waiting" | "assigned" | "closed" | "abandoned";
export type Presence = "online" | "away" | "offline";

export interface User {
  id: number;
  username: string;
  email: string;
  role: "admin" | "agent";
  display_name: string;
  max_chats: number | null;
}

export interface VisitorInfo {
  prechat?: Record<string, string>;
  page_url?: string | null;
  user_agent?: string;
  ip?: string;
  timezone?: string | null;
}

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
  assigned_agent_id: number | null;
  escalation_reason: string | null;
  accepted_at: string | null;
  closed_at: string | null;
  last_activity_at: string;
  offline_email: string | null;
  offline_note: string | null;
  rating: number | null;
  resolution: string | null;
  last_message?: string | null;
  widget_name?: string;
}

export interface HistorySession extends Session {
  agent_name: string | null;
  close_note: string | null;
  closed_by: string | null;
  match: string | null;
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
}

export interface Me {
  id: number;
  display_name: string;
  role: "admin" | "agent";
  status: Presence;
}

export interface TeamMember {
  id: number;
  username: string;
  role: "admin" | "agent";
  display_name: string;
  widgets: string[];
  status: Presence;
  active_chats: number;
  max_chats: number;
}

export interface CannedResponse {
  id: number;
  site_key: string | null;
  shortcut: string;
  title: string;
  text: string;
}

export interface SessionDetails {
  session: Session & { close_note: string | null; closed_by: string | null };
  agent: { id: number; display_name: string } | null;
  previous_sessions: HistorySession[];
}

export type ServerFrame =
  | { type: "ready"; role: "agent"; agent: Me; sessions: Session[]; waiting: Session[] }
  | ({ type: "message" } & Message)
  | { type: "ack"; session_id: string; client_msg_id: string; id: number; seq: number }
  | { type: "reset"; session_id: string; last_seq: number }
  | { type: "typing"; session_id: string; sender_type: SenderType; on: boolean }
  | { type: "seen"; session_id: string; seq: number; by: "visitor" | "agent" }
  | { type: "ai_delta"; session_id: string; reply_id: string; index: number; text: string }
  | { type: "queue_update"; widget: string; waiting: Session[] }
  | { type: "agent_joined"; session_id: string; agent: { id: number; display_name: string } }
  | { type: "agent_left"; session_id: string; agent: { id: number; display_name: string };
      reason: "transfer" | "hand_back" }
  | { type: "session_closed"; session_id: string; by: "visitor" | "agent" | "system" }
  | { type: "presence"; agent_id: number; status: Presence }
  | { type: "accepted"; session: Session }
  | { type: "assigned"; session: Session }
  | { type: "transferred"; session: Session }
  | { type: "escalated"; session_id: string }
  | { type: "queue_position"; session_id: string }
  | { type: "error"; code: string; message: string; retryable: boolean; client_msg_id?: string;
      fields?: Record<string, string> };
