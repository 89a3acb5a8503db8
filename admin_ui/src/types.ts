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
