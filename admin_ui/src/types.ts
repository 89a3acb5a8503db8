// The shapes the server sends and accepts, from @parley/protocol (checked against
// docs/openapi.yaml there).

export type {
  AISettings, AnalyticsReport, BusinessHours, Day, DayFigures, EmailLanguage, FieldType,
  KnowledgeEntry, KnowledgeGaps, LiveFigures, OutboxCounts, OutboxEmail, OutboxStatus, PrechatField, Role,
  TryAnswer, User, Widget, WidgetCounts, WidgetSettings,
} from "@parley/protocol";
export type { Label, LabelColor, LabelList } from "@parley/protocol";
export type { AuditEntry, AuditPage } from "@parley/protocol";
export type { Trigger, TriggerCounts, TriggerInput } from "@parley/protocol";

// A knowledge base's web page, site or document (KnowledgeSource in docs/openapi.yaml).
export type SourceKind = "page" | "sitemap" | "site" | "file";
export type SourceStatus = "queued" | "syncing" | "ready" | "failed";

/** What a source's last successful sync changed, and the pages that failed. */
export interface SourceResult {
  added: string[];
  changed: string[];
  removed: string[];
  counts: { added: number; changed: number; removed: number; unchanged: number };
  errors?: { url: string; code: string; message: string }[];
}

export interface KnowledgeSource {
  id: number;
  kind: SourceKind;
  url: string | null;
  name: string;
  max_pages: number;
  sync_hours: number | null;
  status: SourceStatus;
  done: number;
  total: number;
  error: { code: string; message: string } | null;
  result: SourceResult | null;
  entries: number;
  embedded: number;
  synced_at: string | null;
  next_sync_at: string | null;
  created_at: string;
}

export interface WebSourceInput {
  url: string;
  kind: Exclude<SourceKind, "file">;
  max_pages?: number;
  sync_hours?: number | null;
}
