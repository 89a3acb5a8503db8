// The shapes the server sends and accepts (chatserver/ and docs/openapi.yaml are the truth).

export type Role = "admin" | "agent";

export interface User {
  id: number;
  username: string;
  email: string;
  role: Role;
  display_name: string;
  max_chats: number | null;
  created_at: string;
  last_login_at: string | null;
}

export type FieldType = "text" | "email" | "tel" | "textarea" | "select";
export type Day = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
export type BusinessHours = Partial<Record<Day, [string, string][]>>;

export interface PrechatField {
  name: string;
  label: string;
  type: FieldType;
  required: boolean;
  options?: string[];
}

export interface AISettings {
  provider?: "default" | "openai" | "offline";
  model?: string;
  fallback_model?: string;
  system_prompt?: string;
  temperature?: number;
  max_tokens?: number;
  daily_token_budget?: number;
  visitor_message_limit?: number;
  language?: string;
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
  ai_enabled: boolean;
  ai_settings: AISettings;
}

export interface Widget extends WidgetSettings {
  id: number;
  site_key: string;
  owner_id: number | null;
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
  created_at: string;
  updated_at: string;
}

export interface TryAnswer {
  answer: string;
  confident: boolean;
  no_match: boolean;
  passages: { entry_id: number; title: string; text: string; score: number; coverage: number }[];
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
}

export interface LiveFigures {
  at: string;
  now: { active: number; waiting: number; assigned: number; longest_wait_s: number | null;
    agents_online: number };
  agents: { id: number; display_name: string; role: Role; status: "online" | "away" | "offline";
    active_chats: number; max_chats: number }[];
  today: Omit<DayFigures, "date"> & { date: string; hours: number[]; rated: number;
    rating_avg: number | null };
}
