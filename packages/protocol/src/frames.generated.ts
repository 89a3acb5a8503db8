// Generated from docs/protocol.schema.json by `npm run generate -w @parley/protocol`.
// Do not edit: change the schema (and docs/protocol.md), then generate again.

/**
 * Every frame of docs/protocol.md, client to server and server to client. Frames are closed (additionalProperties: false) so that tests catch an undocumented field; a client must still ignore frame types and fields it does not know (docs/protocol.md, Compatibility). tests/realtime/test_protocol_schema.py validates real frames against it; the front ends' TypeScript types are generated from it (packages/protocol).
 */
export type ParleyRealTimeFrames =
  VisitorClientFrame | AgentClientFrame | VisitorServerFrame | AgentServerFrame;
/**
 * What a visitor socket (/ws/<session_id>) accepts.
 */
export type VisitorClientFrame =
  | VisitorAuthFrame
  | VisitorMessageRequest
  | VisitorTypingRequest
  | VisitorSeenRequest
  | EscalateRequest
  | VisitorCloseRequest
  | LeaveEmailRequest
  | VisitorFetchRequest;
/**
 * Any string the client likes; an error frame answering the request carries it back.
 */
export type RequestId = string;
/**
 * Made by the sender (a UUID), unique within the session.
 */
export type ClientMsgId = string;
/**
 * What an agent socket (/ws/agent/<agent_id>) accepts.
 */
export type AgentClientFrame =
  | AgentAuthFrame
  | AgentMessageRequest
  | AgentTypingRequest
  | AgentSeenRequest
  | AcceptRequest
  | TransferRequest
  | AgentCloseRequest
  | HandBackRequest
  | PresenceRequest
  | AgentFetchRequest
  | NoteRequest
  | WatchRequest
  | UnwatchRequest
  | TakeOverRequest;
/**
 * the session's UUID
 */
export type SessionId = string;
/**
 * What a visitor socket sends.
 */
export type VisitorServerFrame =
  | VisitorReadyFrame
  | AckFrame
  | MessageFrame
  | ResetFrame
  | TypingFrame
  | SeenFrame
  | AiDeltaFrame
  | EscalatedFrame
  | QueuePositionFrame
  | AgentJoinedFrame
  | AgentLeftFrame
  | SessionClosedFrame
  | ErrorFrame
  | EmailSavedFrame;
export type SessionStatus = "active" | "waiting" | "assigned" | "closed" | "abandoned";
export type SenderType = "visitor" | "ai" | "agent" | "system";
/**
 * System messages: what happened, so a client renders it in its reader's language (text is the English; absent on other messages and on old system messages the migration could not code).
 */
export type SystemCode =
  | "joined"
  | "taken_over"
  | "reopened"
  | "visitor_reopened"
  | "transfer"
  | "hand_back"
  | "closed"
  | "abandoned"
  | "email"
  | "escalated"
  | "email_reopened"
  | "email_escalated";
/**
 * What an agent socket sends.
 */
export type AgentServerFrame =
  | AgentReadyFrame
  | AckFrame
  | MessageFrame
  | ResetFrame
  | TypingFrame
  | SeenFrame
  | AiDeltaFrame
  | EscalatedFrame
  | QueuePositionFrame
  | AgentJoinedFrame
  | AgentLeftFrame
  | SessionClosedFrame
  | ErrorFrame
  | QueueUpdateFrame
  | PresenceFrame
  | AcceptedFrame
  | AssignedFrame
  | TransferredFrame
  | NoteAckFrame
  | NoteFrame
  | MentionFrame
  | WatchingFrame
  | AiSessionFrame
  | AiSessionEndedFrame
  | CannedSavedFrame
  | CannedDeletedFrame
  | LabelsFrame
  | VisitorContextFrame;

/**
 * The visitor socket's first frame.
 */
export interface VisitorAuthFrame {
  type: "auth";
  token: string;
  /**
   * highest seq held; invalid values count as 0
   */
  last_seq?: number;
  request_id?: RequestId;
}
/**
 * A visitor's chat message; answered by ack.
 */
export interface VisitorMessageRequest {
  type: "message";
  client_msg_id: ClientMsgId;
  text: string;
  /**
   * upload ids (POST .../uploads) sent with the message, at most PARLEY_MAX_FILES_PER_MESSAGE (10); with files, text may be empty
   */
  files?: string[];
  request_id?: RequestId;
}
/**
 * The visitor started or stopped typing.
 */
export interface VisitorTypingRequest {
  type: "typing";
  on: boolean;
  request_id?: RequestId;
}
/**
 * Everything up to seq is displayed.
 */
export interface VisitorSeenRequest {
  type: "seen";
  seq: number;
  request_id?: RequestId;
}
/**
 * Ask for a person.
 */
export interface EscalateRequest {
  type: "escalate";
  reason?:
    | "explicit_request"
    | "frustration"
    | "repeated_failure"
    | "no_knowledge_match"
    | "model_request"
    | "ai_error"
    | "budget_exhausted"
    | "email_reply";
  request_id?: RequestId;
}
/**
 * End the conversation, or rate a closed one (with an optional comment).
 */
export interface VisitorCloseRequest {
  type: "close";
  rating?: number;
  /**
   * The visitor's optional words with the rating; an empty one clears it.
   */
  comment?: string;
  transcript?: boolean;
  request_id?: RequestId;
}
/**
 * An email for a reply when nobody can answer.
 */
export interface LeaveEmailRequest {
  type: "leave_email";
  email: string;
  note?: string;
  request_id?: RequestId;
}
/**
 * Send the messages with after_seq < seq < before_seq again (gap repair).
 */
export interface VisitorFetchRequest {
  type: "fetch";
  after_seq: number;
  before_seq?: number;
  request_id?: RequestId;
}
/**
 * The agent socket's first frame.
 */
export interface AgentAuthFrame {
  type: "auth";
  token: string;
  /**
   * session_id -> highest seq held
   */
  last_seq?: {
    [k: string]: number;
  };
  request_id?: RequestId;
  /**
   * the highest note id held: the notes of the agent's assigned sessions above it are replayed
   */
  last_note_id?: number;
}
/**
 * An agent's chat message in an assigned session; answered by ack.
 */
export interface AgentMessageRequest {
  type: "message";
  session_id: SessionId;
  client_msg_id: ClientMsgId;
  text: string;
  /**
   * upload ids (POST .../uploads) sent with the message, at most PARLEY_MAX_FILES_PER_MESSAGE (10); with files, text may be empty
   */
  files?: string[];
  request_id?: RequestId;
}
/**
 * The agent started or stopped typing.
 */
export interface AgentTypingRequest {
  type: "typing";
  session_id: SessionId;
  on: boolean;
  request_id?: RequestId;
}
/**
 * Everything up to seq is displayed.
 */
export interface AgentSeenRequest {
  type: "seen";
  session_id: SessionId;
  seq: number;
  request_id?: RequestId;
}
/**
 * Take a waiting session.
 */
export interface AcceptRequest {
  type: "accept";
  session_id: SessionId;
  request_id?: RequestId;
}
/**
 * Hand an assigned session to another agent.
 */
export interface TransferRequest {
  type: "transfer";
  session_id: SessionId;
  to_agent_id: number;
  request_id?: RequestId;
  /**
   * a private note for the receiving agent, stored with the transfer
   */
  note?: string;
}
/**
 * Close an assigned session.
 */
export interface AgentCloseRequest {
  type: "close";
  session_id: SessionId;
  note?: string;
  request_id?: RequestId;
}
/**
 * Leave the session to the AI.
 */
export interface HandBackRequest {
  type: "hand_back";
  session_id: SessionId;
  request_id?: RequestId;
}
/**
 * Set the agent's status.
 */
export interface PresenceRequest {
  type: "presence";
  status: "online" | "away";
  request_id?: RequestId;
}
/**
 * Send a followed session's messages with after_seq < seq < before_seq again.
 */
export interface AgentFetchRequest {
  type: "fetch";
  session_id: SessionId;
  after_seq: number;
  before_seq?: number;
  request_id?: RequestId;
}
/**
 * Leave a private note in a conversation the agent may see.
 */
export interface NoteRequest {
  type: "note";
  session_id: SessionId;
  client_msg_id: ClientMsgId;
  text: string;
  request_id?: RequestId;
}
/**
 * Follow a session the agent does not own (the AI's, or a waiting one), read-only.
 */
export interface WatchRequest {
  type: "watch";
  session_id: SessionId;
  request_id?: RequestId;
}
/**
 * Stop following a watched session.
 */
export interface UnwatchRequest {
  type: "unwatch";
  session_id: SessionId;
  request_id?: RequestId;
}
/**
 * Take a session from the AI (or the queue), as accept does; never reopens an ended one.
 */
export interface TakeOverRequest {
  type: "take_over";
  session_id: SessionId;
  request_id?: RequestId;
}
/**
 * After a successful auth on a visitor socket; last_seq is where the replay that follows ends.
 */
export interface VisitorReadyFrame {
  type: "ready";
  role: "visitor";
  session_id: SessionId;
  site_key: string;
  visitor_name: string | null;
  visitor_email: string | null;
  status: SessionStatus;
  ai_mode: boolean;
  /**
   * ISO-8601 UTC with milliseconds and a Z
   */
  escalated_at: string | null;
  last_seq: number;
  /**
   * ISO-8601 UTC with milliseconds and a Z
   */
  created_at: string;
  /**
   * the agent in the conversation, while it is assigned
   */
  agent: AgentRef | null;
}
/**
 * An agent: id and display name (and, in agent_joined, the avatar's URL when they have one).
 */
export interface AgentRef {
  id: number;
  display_name: string | null;
  /**
   * Where the agent's avatar is served (/api/avatars/<id>, relative to the server); absent when none.
   */
  avatar_url?: string;
}
/**
 * The message is committed; identical for every repeat of its client_msg_id.
 */
export interface AckFrame {
  type: "ack";
  session_id: SessionId;
  client_msg_id: ClientMsgId;
  id: number;
  seq: number;
}
/**
 * A stored message, live or replayed.
 */
export interface MessageFrame {
  type: "message";
  session_id: SessionId;
  id: number;
  seq: number;
  sender_type: SenderType;
  sender_name: string | null;
  text: string;
  /**
   * ISO-8601 UTC with milliseconds and a Z
   */
  created_at: string;
  client_msg_id: ClientMsgId;
  /**
   * Visitor and agent messages: the files sent with it, in the order sent (absent when none).
   */
  files?: MessageFile[];
  /**
   * AI messages: the entries the answer quotes or cites, in order (absent on other messages).
   */
  sources?: Source[];
  /**
   * AI messages: the message offers a person; a yes hands over (absent otherwise).
   */
  offer?: "person";
  code?: SystemCode;
  /**
   * System messages with a code: the names the code's text takes (see the codes table in protocol.md; {} when none).
   */
  params?: {
    [k: string]: string;
  };
}
/**
 * A file sent with a message: the upload's summary (download it from GET /api/files/{id}, its thumbnail from /api/files/{id}/thumb when thumb).
 */
export interface MessageFile {
  /**
   * the upload id
   */
  id: string;
  /**
   * the sanitised file name
   */
  name: string;
  /**
   * the content type, decided from the content
   */
  type: string;
  /**
   * bytes
   */
  size: number;
  /**
   * images: pixels
   */
  width: number | null;
  /**
   * images: pixels
   */
  height: number | null;
  /**
   * a thumbnail exists (images)
   */
  thumb: boolean;
}
/**
 * A knowledge-base entry an AI answer is drawn from: its title, and its page when it came from a URL.
 */
export interface Source {
  id: number;
  title: string;
  url: string | null;
}
/**
 * Instead of a replay: reload the history up to last_seq over REST.
 */
export interface ResetFrame {
  type: "reset";
  session_id: SessionId;
  last_seq: number;
}
/**
 * The other side started or stopped typing.
 */
export interface TypingFrame {
  type: "typing";
  session_id: SessionId;
  sender_type: "visitor" | "agent" | "ai";
  on: boolean;
}
/**
 * The other side displayed everything up to seq.
 */
export interface SeenFrame {
  type: "seen";
  session_id: SessionId;
  seq: number;
  by: "visitor" | "agent";
}
/**
 * A piece of an AI reply being streamed.
 */
export interface AiDeltaFrame {
  type: "ai_delta";
  session_id: SessionId;
  reply_id: string;
  index: number;
  text: string;
}
/**
 * The session entered the queue.
 */
export interface EscalatedFrame {
  type: "escalated";
  session_id: SessionId;
  reason: string;
  agents_online: number;
  offline: boolean;
  outside_hours: boolean;
}
/**
 * A waiting visitor's place in the queue.
 */
export interface QueuePositionFrame {
  type: "queue_position";
  session_id: SessionId;
  position: number | null;
  estimated_wait_s: number | null;
  agents_online: number | null;
}
/**
 * An agent joined the conversation.
 */
export interface AgentJoinedFrame {
  type: "agent_joined";
  session_id: SessionId;
  agent: AgentRef;
}
/**
 * An agent left the conversation.
 */
export interface AgentLeftFrame {
  type: "agent_left";
  session_id: SessionId;
  agent: AgentRef;
  reason: "transfer" | "hand_back";
}
/**
 * The conversation ended.
 */
export interface SessionClosedFrame {
  type: "session_closed";
  session_id: SessionId;
  by: "visitor" | "agent" | "system";
}
/**
 * A request failed; code is stable, message is for people.
 */
export interface ErrorFrame {
  type: "error";
  code: string;
  message: string;
  retryable: boolean;
  request_id?: RequestId;
  client_msg_id?: string;
  fields?: {
    [k: string]: string;
  };
}
/**
 * The email left with leave_email is stored.
 */
export interface EmailSavedFrame {
  type: "email_saved";
  session_id: SessionId;
  email: string;
}
/**
 * After a successful auth on an agent socket.
 */
export interface AgentReadyFrame {
  type: "ready";
  role: "agent";
  agent: AgentMe;
  sessions: AgentSession[];
  waiting: AgentSession[];
  /**
   * the conversations of the agent's widgets the AI is handling
   */
  ai_sessions: AgentSession[];
}
/**
 * The signed-in agent.
 */
export interface AgentMe {
  id: number;
  display_name: string;
  role: "admin" | "agent";
  status: "online" | "away" | "offline";
}
/**
 * A session in the agents' view (sessions.agent_view): the visitor's view and more.
 */
export interface AgentSession {
  session_id: SessionId;
  site_key: string;
  visitor_name: string | null;
  visitor_email: string | null;
  status: SessionStatus;
  ai_mode: boolean;
  /**
   * ISO-8601 UTC with milliseconds and a Z
   */
  escalated_at: string | null;
  last_seq: number;
  /**
   * ISO-8601 UTC with milliseconds and a Z
   */
  created_at: string;
  /**
   * the agent in the conversation, while it is assigned
   */
  agent: AgentRef | null;
  /**
   * pre-chat answers, page, user agent, IP, time zone
   */
  visitor_info: {
    [k: string]: unknown;
  };
  /**
   * the site's server signed the visitor's identity (docs/identity.md); otherwise name and email are only claimed
   */
  visitor_verified?: boolean;
  /**
   * the visitor's user id on the site (the identity token's sub), when verified
   */
  visitor_user_id?: string | null;
  assigned_agent_id: number | null;
  escalation_reason: string | null;
  /**
   * ISO-8601 UTC with milliseconds and a Z
   */
  accepted_at: string | null;
  /**
   * ISO-8601 UTC with milliseconds and a Z
   */
  first_agent_reply_at: string | null;
  /**
   * ISO-8601 UTC with milliseconds and a Z
   */
  closed_at: string | null;
  /**
   * ISO-8601 UTC with milliseconds and a Z
   */
  last_activity_at: string;
  resolution: string | null;
  rating: number | null;
  /**
   * The visitor's optional words with the rating.
   */
  rating_comment: string | null;
  offline_email: string | null;
  offline_note: string | null;
  last_message?: string | null;
  widget_name?: string;
  /**
   * the visitor's own newest message (lists only): what a waiting card shows
   */
  last_visitor_message?: string | null;
  /**
   * the conversation's labels, by name (in ready, queue_update and assigned)
   */
  labels?: Label[];
}
/**
 * A label on a conversation (docs/openapi.yaml, /api/labels): its colour's name and the chip's background and text colours.
 */
export interface Label {
  id: number;
  name: string;
  color:
    "gray" | "red" | "orange" | "amber" | "green" | "teal" | "blue" | "indigo" | "purple" | "pink";
  background: string;
  text: string;
}
/**
 * A widget's whole queue, in order.
 */
export interface QueueUpdateFrame {
  type: "queue_update";
  /**
   * the widget's site key
   */
  widget: string;
  waiting: AgentSession[];
}
/**
 * An agent's status changed.
 */
export interface PresenceFrame {
  type: "presence";
  agent_id: number;
  status: "online" | "away" | "offline";
}
/**
 * The session this socket accepted.
 */
export interface AcceptedFrame {
  type: "accepted";
  session: AgentSession;
}
/**
 * A session became this agent's without this socket asking.
 */
export interface AssignedFrame {
  type: "assigned";
  session: AgentSession;
}
/**
 * The session this socket transferred.
 */
export interface TransferredFrame {
  type: "transferred";
  session: AgentSession;
}
/**
 * The note is committed; identical for every repeat of its client_msg_id.
 */
export interface NoteAckFrame {
  type: "note_ack";
  session_id: SessionId;
  client_msg_id: ClientMsgId;
  id: number;
}
/**
 * A private note, live or replayed (agent sockets only).
 */
export interface NoteFrame {
  type: "note";
  id: number;
  session_id: SessionId;
  author_id: number | null;
  author_name: string;
  text: string;
  /**
   * ids of the teammates the note @mentions
   */
  mentions: number[];
  client_msg_id: ClientMsgId;
  created_at: string;
}
/**
 * A teammate @mentioned this agent in a note (to every socket of the agent).
 */
export interface MentionFrame {
  type: "mention";
  session_id: SessionId;
  note: Note;
}
/**
 * A private note of the team in a conversation (never sent to visitors).
 */
export interface Note {
  id: number;
  session_id: SessionId;
  author_id: number | null;
  author_name: string;
  text: string;
  /**
   * ids of the teammates the note @mentions
   */
  mentions: number[];
  client_msg_id: ClientMsgId;
  created_at: string;
}
/**
 * The session this socket now watches (follows read-only).
 */
export interface WatchingFrame {
  type: "watching";
  session: AgentSession;
}
/**
 * A conversation the AI is handling appeared or changed (its newest visitor question).
 */
export interface AiSessionFrame {
  type: "ai_session";
  /**
   * the widget's site key
   */
  widget: string;
  session: AgentSession;
}
/**
 * The AI no longer handles the conversation: it leaves the list.
 */
export interface AiSessionEndedFrame {
  type: "ai_session_ended";
  session_id: SessionId;
  reason: "escalated" | "taken_over" | "closed" | "abandoned";
}
/**
 * A canned response this inbox may see was created or changed.
 */
export interface CannedSavedFrame {
  type: "canned_saved";
  canned: CannedResponseView;
}
/**
 * A canned response as the REST API returns it (docs/openapi.yaml CannedResponse).
 */
export interface CannedResponseView {
  id: number;
  site_key: string | null;
  shortcut: string;
  title: string;
  text: string;
  created_by: number | null;
  /**
   * ISO-8601 UTC with milliseconds and a Z
   */
  created_at: string;
  /**
   * ISO-8601 UTC with milliseconds and a Z
   */
  updated_at: string;
  scope: "personal" | "widget" | "global";
  owner_id: number | null;
}
/**
 * A canned response this inbox could see was deleted.
 */
export interface CannedDeletedFrame {
  type: "canned_deleted";
  id: number;
}
/**
 * A conversation's labels changed (an agent added or removed one, an admin renamed, recoloured or deleted one): its labels now. To the agents of its widget only; never to a visitor.
 */
export interface LabelsFrame {
  type: "labels";
  session_id: SessionId;
  labels: Label[];
}
/**
 * The visitor's context changed (a page viewed, setAttributes, the first report): the whole context now. To the agent sockets following the conversation (theirs or watched) only; never to a visitor.
 */
export interface VisitorContextFrame {
  type: "visitor_context";
  session_id: SessionId;
  context: VisitorContext;
}
/**
 * What the widget told about its visitor from the first interaction on (docs/privacy.md): time zone, language, the referrer of the page where the chat started, the pages viewed since (oldest first, at most 20) and the site's custom attributes (Parley.setAttributes).
 */
export interface VisitorContext {
  /**
   * An IANA time zone (zoneinfo), e.g. Asia/Tokyo.
   */
  timezone: string | null;
  /**
   * The browser's language tag (navigator.language), e.g. fr-FR.
   */
  language: string | null;
  /**
   * document.referrer where the chat started, without query or fragment.
   */
  referrer: string | null;
  /**
   * Oldest first; the newest 20.
   */
  pages: VisitorPage[];
  attributes: {
    [k: string]: string | number | boolean;
  };
  updated_at: string;
}
/**
 * A page the visitor viewed since their first interaction: its URL without query or fragment, its title, and when it was reported.
 */
export interface VisitorPage {
  url: string;
  title: string | null;
  at: string;
}
