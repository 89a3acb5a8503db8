// Type-level check (run by `tsc --noEmit`, part of `npm test`): every REST shape in src/rest.ts
// agrees with docs/openapi.yaml (src/rest.generated.ts). "reads": whatever the spec says the
// server answers fits the front ends' type; "sends": what the front ends send fits the spec.

import type * as R from "../src/rest";
import type { components, operations } from "../src/rest.generated";

type S = components["schemas"];
type Reads<Mine, Spec> = [Spec] extends [Mine] ? true : false;
type Sends<Mine, Spec> = [Mine] extends [Spec] ? true : false;
// The spec cannot say that a day's hours are [open, close] pairs (DayHours is string[][]), so
// business_hours is checked the other way: what the front ends hold fits the spec.
type Hourless<T> = Omit<T, "business_hours">;
type Availability = operations["getWidgetAvailability"]["responses"][200]["content"]["application/json"];
type TranscriptQueued = operations["emailTranscript"]["responses"][202]["content"]["application/json"];
type AuditPage = operations["listAudit"]["responses"][200]["content"]["application/json"];

export const restTypesAgreeWithOpenapi: Record<string, true> = {
  User: true as Reads<R.User, S["User"]>,
  PublicConfig: true as Reads<Hourless<R.PublicConfig>, Hourless<S["PublicConfig"]>>,
  Upload: true as Reads<R.Upload, S["Upload"]>,
  BusinessHours: true as Sends<R.BusinessHours | null, S["BusinessHours"]>,
  Availability: true as Reads<R.Availability, Availability>,
  Message: true as Reads<R.Message, S["Message"]>,
  NewSession: true as Reads<R.NewSession, S["NewSessionResult"]>,
  History: true as Reads<R.History, S["History"]>,
  QueueInfo: true as Reads<R.QueueInfo, S["QueuePosition"]>,
  Session: true as Reads<R.Session, S["AgentSession"]>,
  HistorySession: true as Reads<R.HistorySession, S["HistorySession"]>,
  HistoryPage: true as Reads<R.HistoryPage, S["HistoryPage"]>,
  TeamMember: true as Reads<R.TeamMember, S["TeamMember"]>,
  CannedResponse: true as Reads<R.CannedResponse, S["CannedResponse"]>,
  CannedResponseInput: true as Sends<R.CannedResponseInput,
    operations["createCannedResponse"]["requestBody"]["content"]["application/json"]>,
  SessionDetails: true as Reads<R.SessionDetails, S["SessionDetails"]>,
  Widget: true as Reads<Hourless<R.Widget>, Hourless<S["Widget"]>>,
  WidgetSettings: true as Sends<Partial<R.WidgetSettings>, S["WidgetInput"]>,
  WidgetCounts: true as Reads<R.WidgetCounts, S["StatsOverview"]["widgets"][number]>,
  KnowledgeEntry: true as Reads<R.KnowledgeEntry, S["KnowledgeEntry"]>,
  TryAnswer: true as Reads<R.TryAnswer, S["KnowledgeTry"]>,
  KnowledgeGaps: true as Reads<R.KnowledgeGaps, S["KnowledgeGaps"]>,
  AnalyticsReport: true as Reads<R.AnalyticsReport, S["AnalyticsReport"]>,
  LiveFigures: true as Reads<R.LiveFigures, S["LiveAnalytics"]>,
  OutboxCounts: true as Reads<R.OutboxCounts, S["OutboxCounts"]>,
  OutboxEmail: true as Reads<R.OutboxEmail, S["OutboxEmail"]>,
  AuditEntry: true as Reads<R.AuditEntry, S["AuditEntry"]>,
  AuditPage: true as Reads<R.AuditPage, AuditPage>,
  ErrorBody: true as Reads<R.ErrorBody, S["Error"]>,
  TranscriptQueued: true as Reads<R.TranscriptQueued, TranscriptQueued>,
  MySettings: true as Reads<R.MySettings, S["MySettings"]>,
  MySettingsUpdate: true as Sends<R.MySettingsUpdate, S["MySettingsUpdate"]>,
  Label: true as Reads<R.Label, S["Label"]>,
  LabelList: true as Reads<R.LabelList, S["LabelList"]>,
  HistoryFilters: true as Reads<R.HistoryFilters, S["HistoryFilters"]>,
  SavedView: true as Reads<R.SavedView, S["SavedView"]>,
};
