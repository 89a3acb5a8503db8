// The shapes the server sends, from @parley/protocol (generated from docs/protocol.schema.json,
// checked against docs/openapi.yaml).

export type {
  CannedResponse, HistoryPage, HistorySession, Message, Presence, SenderType, Session,
  SessionDetails, SessionStatus, TeamMember, TranscriptQueued, User, VisitorInfo,
} from "@parley/protocol";
export type { AgentMe as Me } from "@parley/protocol";

/** What the agent socket sends and accepts (generated from docs/protocol.schema.json). */
export type { AgentServerFrame as ServerFrame, AgentClientFrame as ClientFrame } from "@parley/protocol";
