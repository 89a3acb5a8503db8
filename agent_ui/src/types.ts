// The shapes the server sends, from @parley/protocol (generated from docs/protocol.schema.json,
// checked against docs/openapi.yaml).

import type { MessageFile } from "@parley/protocol";

export type {
  CannedResponse, CannedResponseInput, CannedScope, Widget, HistoryPage, HistorySession, Message, Presence, SenderType, Session,
  SessionDetails, SessionStatus, TeamMember, TranscriptQueued, User, VisitorInfo,
} from "@parley/protocol";
export type { HistoryFilters, Label, LabelList, SavedView } from "@parley/protocol";
export type { VisitorContext, VisitorPage } from "@parley/protocol";
export type { AgentMe as Me } from "@parley/protocol";

/** What the agent socket sends and accepts (generated from docs/protocol.schema.json). */
export type { AgentServerFrame as ServerFrame, AgentClientFrame as ClientFrame } from "@parley/protocol";

/** A file of a message, as the server summarises it (`files`; docs/attachments.md). */
export type { MessageFile };

/** The files a message carries (none for most). */
export function filesOf(m: object): MessageFile[] {
  return (m as { files?: MessageFile[] | null }).files ?? [];
}

/** A message in a list's one line: its text, or the names of its files when it has none. */
export function messageLine(m: { text: string }): string {
  const text = m.text || filesOf(m).map((f) => f.name).join(", ");
  return text.slice(0, 200);
}

/** A visitor on a tracking widget's site now (GET /api/visitors; docs/agents.md). */
export interface LiveVisitor {
  tracking_id: string;
  site_key: string;
  widget_id: number;
  widget_name: string;
  page: { url: string; title: string | null; at: string } | null;
  pages: { url: string; title: string | null; at: string }[];
  referrer: string | null;
  country: { code: string; name: string | null } | null;
  first_seen: string;
  last_seen: string;
  time_on_site_s: number;
  chatting: boolean;
  invite: { id: string; text: string; agent: { id: number; display_name: string }; created_at: string } | null;
}
