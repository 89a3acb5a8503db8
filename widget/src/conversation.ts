// One visitor's conversation: the session (created on the first interaction, kept in
// localStorage), its socket, its transcript and what the panel shows about it. No DOM here
// but what the browser offers everyone (location, navigator); the panel renders `state`.

import { ApiError, createSession, getAvailability, getHistory, getQueuePosition, socketUrl } from "./api";
import { CLOSE_AUTH, ChatSocket, type SocketState } from "./socket";
import * as storage from "./storage";
import { type Change, type Item, Transcript } from "./transcript";
import type {
  ChatMessage, Host, MessageFrame, QueueInfo, ServerFrame, SessionStatus,
} from "./types";

export type Phase = "new" | "starting" | "live" | "ended";

export interface State {
  phase: Phase;
  status: SessionStatus | null;
  aiMode: boolean;
  /** The agent in the conversation. */
  agent: string | null;
  queue: QueueInfo | null;
  /** Nobody can answer now: offer the email follow-up. */
  away: boolean;
  /** Before any hand-off: false when no agent is online (asked when the panel opens). */
  staffed: boolean;
  /** The email left for a reply. */
  email: string | null;
  connection: SocketState | "none";
  /** Who is typing on the other side. */
  typing: string | null;
  rated: number | null;
  /** A problem to show at the top of the panel. */
  notice: string | null;
  /** Field errors of the form in use (pre-chat or email), by field name. */
  errors: Record<string, string>;
}

export interface ConversationEvents {
  changed(state: State): void;
  item(change: Change): void;
  cleared(): void;
  /** A new message from the other side, live (not history). */
  incoming(item: Item): void;
  /** Something to tell screen-reader users that is not a message. */
  announce(text: string): void;
}

// How long a typing indicator lasts without a fresh typing frame.
const TYPING_SHOWN_MS = 8000;
// Typing "on" is repeated this often while the visitor keeps typing, "off" after this idle time.
const TYPING_REPEAT_MS = 3000;
const TYPING_IDLE_MS = 2500;
// A hole in the seqs still open this long is repaired with `fetch` (frames relayed between
// server processes can arrive out of order, or, rarely, not at all).
export const GAP_GRACE_MS = 1000;
// Availability is asked again on opening the panel after this long (the server lets browsers
// cache it for 15 s).
const AVAILABILITY_EVERY_MS = 30_000;

export const ASSISTANT = "Assistant";
export const PREVIEW_NOTICE = "This is a preview: messages are not sent.";

export function uuid(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // Insecure (http) pages have no randomUUID; getRandomValues works everywhere.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const x = [...b].map((n) => n.toString(16).padStart(2, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** The page the chat started on, without its query or fragment (they may hold tokens). */
function pageUrl(): string | undefined {
  try {
    return /^https?:$/.test(location.protocol) ? location.origin + location.pathname : undefined;
  } catch {
    return undefined;
  }
}

export class Conversation {
  readonly transcript: Transcript;
  state: State = {
    phase: "new", status: null, aiMode: true, agent: null, queue: null, away: false,
    staffed: true, email: null, connection: "none", typing: null, rated: null, notice: null,
    errors: {},
  };
  private saved: storage.Saved | null = null;
  private socket: ChatSocket | null = null;
  /** Messages written before the session exists. */
  private unsent: MessageFrame[] = [];
  private sentAt = new Map<string, string>();
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private myTyping: { on: boolean; last: number; timer?: ReturnType<typeof setTimeout> } =
    { on: false, last: 0 };
  private escalateOnStart = false;
  private seenSent = 0;
  private open = false;
  private gapTimer: ReturnType<typeof setTimeout> | undefined;
  private staffedAt = -Infinity;
  /** The `lastSeq` a fetch was last sent after (asked once per socket: a hole the server
   * cannot fill stays until the next reconnect). */
  private gapAsked = -1;

  constructor(private readonly host: Host, private readonly events: ConversationEvents) {
    this.transcript = new Transcript((change) => this.events.item(change));
  }

  get hasSession(): boolean {
    return this.saved !== null;
  }

  get savedSeen(): number {
    return this.saved?.seen ?? 0;
  }

  private set(patch: Partial<State>): void {
    Object.assign(this.state, patch);
    this.events.changed(this.state);
  }

  // --- starting and restoring ----------------------------------------------------------

  /** Continue the conversation this browser has on this site, if any. */
  async restore(): Promise<void> {
    const saved = storage.load(this.host.siteKey);
    if (!saved) return;
    this.saved = saved;
    this.set({ phase: "live", email: saved.email ?? null, rated: saved.rated ?? null });
    if (saved.theySaw) this.transcript.seen(saved.theySaw);
    for (const frame of saved.outbox ?? []) {
      this.sentAt.set(frame.client_msg_id, frame.at);
      this.transcript.addPending(frame.client_msg_id, frame.text, frame.at);
    }
    try {
      await this.loadHistory();
    } catch (err) {
      if (err instanceof ApiError && [401, 403, 404].includes(err.status)) {
        this.expired();
        return;
      }
      // Offline or the server is down: the socket retries and replays what we miss.
    }
    this.connect();
    for (const frame of saved.outbox ?? []) {
      this.socket?.post({ type: "message", client_msg_id: frame.client_msg_id, text: frame.text });
    }
  }

  /** Create the session (the first interaction: the pre-chat form, or a first message). */
  async start(prechat?: Record<string, string>): Promise<boolean> {
    if (this.saved) return true;
    if (this.state.phase === "starting") return false;
    if (this.host.preview) {
      for (const frame of this.unsent) this.transcript.fail(frame.client_msg_id, PREVIEW_NOTICE);
      this.unsent = [];
      this.set({ notice: PREVIEW_NOTICE, errors: {} });
      return false;
    }
    this.set({ phase: "starting", notice: null, errors: {} });
    const who = this.host.identity;
    try {
      const session = await createSession(this.host.base, this.host.siteKey, {
        ...(prechat && Object.keys(prechat).length ? { prechat } : {}),
        ...(who.name && !prechat?.name ? { visitor_name: who.name } : {}),
        ...(who.email && !prechat?.email ? { visitor_email: who.email } : {}),
        page_url: pageUrl(),
      });
      this.saved = { sid: session.session_id, token: session.visitor_token, open: this.open };
      this.persist();
      this.set({ phase: "live", status: session.status, aiMode: session.ai_mode });
      this.host.emit("session", { session_id: session.session_id });
      this.connect();
      for (const frame of this.unsent) this.socket?.post(frame);
      this.unsent = [];
      if (this.escalateOnStart) this.escalate();
      return true;
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, "error", String(err));
      const errors: Record<string, string> = {};
      for (const [field, msg] of Object.entries(e.fields)) errors[field.replace(/^prechat\./, "")] = msg;
      for (const frame of this.unsent) this.transcript.fail(frame.client_msg_id, e.message);
      this.set({
        phase: "new", errors,
        notice: e.status === 429 ? "Too many new chats from here. Please wait a minute." : e.message,
      });
      return false;
    }
  }

  private connect(): void {
    const saved = this.saved;
    if (!saved || this.socket) return;
    this.socket = new ChatSocket(
      socketUrl(this.host.base, saved.sid), saved.token, () => this.transcript.lastSeq,
      {
        frame: (f) => this.onFrame(f),
        state: (s, detail) => this.onSocketState(s, detail.code),
        outbox: (pending) => {
          if (!this.saved) return;
          this.saved.outbox = pending.map((f) => ({ ...f, at: this.sentAt.get(f.client_msg_id) ?? "" }));
          this.persist();
        },
      });
    this.socket.connect();
  }

  /** The browser is back online or the page visible again: don't wait out the backoff. */
  wake(): void {
    this.socket?.reconnectNow();
  }

  private async loadHistory(): Promise<void> {
    const saved = this.saved;
    if (!saved) return;
    let after = 0;
    for (let page = 0; page < 50; page++) {
      const h = await getHistory(this.host.base, this.host.siteKey, saved.sid, saved.token, after);
      this.transcript.load(h.messages, h.has_more ? 0 : h.last_seq);
      this.noteMessages(h.messages);
      this.status(h.status);
      if (!h.has_more || !h.messages.length) break;
      after = (h.messages[h.messages.length - 1] as ChatMessage).seq;
    }
  }

  private expired(): void {
    this.reset();
    this.set({ notice: "Your previous conversation has ended. Write to start a new one." });
  }

  // --- what the visitor does -----------------------------------------------------------

  send(text: string): void {
    const body = text.trim();
    if (!body) return;
    const frame: MessageFrame = { type: "message", client_msg_id: uuid(), text: body };
    const at = new Date().toISOString();
    this.sentAt.set(frame.client_msg_id, at);
    this.transcript.addPending(frame.client_msg_id, body, at);
    this.typing(false);
    this.host.emit("message", { sender_type: "visitor", text: body, created_at: at });
    if (this.socket) this.socket.post(frame);
    else {
      this.unsent.push(frame);
      void this.start();
    }
    // A widget without the AI has nobody to answer until a person is asked for.
    if (!this.host.config.ai_enabled && (this.state.status ?? "active") === "active") this.escalate();
  }

  retry(key: string): void {
    const item = this.transcript.retry(key);
    if (!item) return;
    const frame: MessageFrame = { type: "message", client_msg_id: key, text: item.text };
    if (this.socket) this.socket.post(frame);
    else void this.start();
  }

  typing(on: boolean): void {
    const t = this.myTyping;
    clearTimeout(t.timer);
    const now = Date.now();
    if (on) {
      t.timer = setTimeout(() => this.typing(false), TYPING_IDLE_MS);
      if (t.on && now - t.last < TYPING_REPEAT_MS) return;
    } else if (!t.on) return;
    t.on = on;
    t.last = now;
    this.socket?.signal({ type: "typing", on });
  }

  /** The visitor has seen everything shown: tell the agent (read receipt) and remember. */
  seen(): void {
    const seq = this.transcript.lastSeq;
    if (!this.saved || seq <= this.seenSent) return;
    if (this.socket?.isOpen) {
      this.socket.signal({ type: "seen", seq });
      this.seenSent = seq;
    }
    if ((this.saved.seen ?? 0) < seq) {
      this.saved.seen = seq;
      this.persist();
    }
  }

  escalate(): void {
    if (!this.saved) {
      this.escalateOnStart = true;
      void this.start();
      return;
    }
    this.escalateOnStart = false;
    if (this.state.status === "active" || this.state.status === null) {
      this.socket?.command({ type: "escalate", reason: "explicit_request" });
    }
  }

  leaveEmail(email: string, note: string): boolean {
    const value = email.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
      this.set({ errors: { email: "Enter an email address like name@example.com." } });
      return false;
    }
    this.set({ errors: {} });
    this.socket?.command({ type: "leave_email", email: value, ...(note.trim() ? { note: note.trim() } : {}) });
    return true;
  }

  end(): void {
    this.socket?.command({ type: "close" });
    this.ended();
  }

  rate(rating: number): void {
    this.socket?.command({ type: "close", rating });
    if (this.saved) {
      this.saved.rated = rating;
      this.persist();
    }
    this.set({ rated: rating });
    this.events.announce("Thanks for your feedback.");
  }

  /** Ask for the messages missing below the highest seq held, once a hole has stayed open
   * for GAP_GRACE_MS. A reconnect resumes after the hole anyway (auth's `last_seq`). */
  private watchGap(): void {
    if (this.gapTimer !== undefined || this.transcript.gapBefore === null) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      const before = this.transcript.gapBefore;
      const after = this.transcript.lastSeq;
      if (before !== null && after !== this.gapAsked && this.socket?.isOpen) {
        this.gapAsked = after;
        this.socket.signal({ type: "fetch", after_seq: after, before_seq: before });
      }
    }, GAP_GRACE_MS);
  }

  /** Forget this conversation; the next message starts a new one. */
  reset(): void {
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    this.socket?.stop();
    this.socket = null;
    this.saved = null;
    this.unsent = [];
    this.seenSent = 0;
    storage.clear(this.host.siteKey);
    this.transcript.clear();
    this.events.cleared();
    this.set({
      phase: "new", status: null, aiMode: true, agent: null, queue: null, away: false,
      staffed: this.state.staffed, email: null, connection: "none", typing: null, rated: null,
      notice: null, errors: {},
    });
  }

  dismissNotice(): void {
    this.set({ notice: null });
  }

  private persist(): void {
    if (this.saved) storage.save(this.host.siteKey, this.saved);
  }

  setOpen(open: boolean): void {
    this.open = open;
    if (open) void this.checkStaffed();
    if (!this.saved || !!this.saved.open === open) return;
    this.saved.open = open;
    this.persist();
  }

  // --- what the server says ------------------------------------------------------------

  private onSocketState(s: SocketState, code?: number): void {
    if (s === "stopped" && code === CLOSE_AUTH) {
      this.expired();
      return;
    }
    if (s === "stopped" && code) {
      this.set({ connection: s, notice: "This chat isn't available on this site." });
      return;
    }
    this.set({ connection: s });
  }

  private status(status: SessionStatus): void {
    const patch: Partial<State> = { status };
    if (status === "closed" || status === "abandoned") {
      patch.phase = "ended";
      patch.typing = null;
    }
    this.set(patch);
  }

  /** Note the agent's name from messages (a reload knows the agent from history only). */
  private noteMessages(messages: ChatMessage[]): void {
    for (const m of messages) if (m.sender_type === "agent" && m.sender_name) this.state.agent = m.sender_name;
  }

  private onFrame(f: ServerFrame): void {
    switch (f.type) {
      case "ready":
        this.set({ aiMode: f.ai_mode, notice: null });
        this.status(f.status);
        if (f.status === "waiting") void this.refreshQueue();
        this.seenSent = 0;
        this.gapAsked = -1;
        return;
      case "message": {
        if (!this.transcript.message(f)) return;
        this.watchGap();
        const item = this.transcript.get(f.client_msg_id);
        if (f.sender_type === "agent" && f.sender_name) this.state.agent = f.sender_name;
        if (f.sender_type !== "visitor" && f.sender_type !== "system") this.set({ typing: null });
        if (!item || f.sender_type === "visitor") return; // own messages were announced when sent
        this.events.incoming(item);
        this.host.emit("message", {
          sender_type: f.sender_type, sender_name: f.sender_name, text: f.text, created_at: f.created_at,
        });
        return;
      }
      case "ack":
        this.transcript.ack(f.client_msg_id, f.seq);
        this.watchGap();
        return;
      case "error":
        this.onError(f);
        return;
      case "typing":
        if (f.sender_type === "visitor") return;
        clearTimeout(this.typingTimer);
        if (f.on) this.typingTimer = setTimeout(() => this.set({ typing: null }), TYPING_SHOWN_MS);
        this.set({ typing: f.on ? (f.sender_type === "ai" ? ASSISTANT : this.state.agent ?? "Someone") : null });
        return;
      case "seen":
        if (f.by === "visitor") return;
        this.transcript.seen(f.seq);
        if (this.saved && f.seq > (this.saved.theySaw ?? 0)) {
          this.saved.theySaw = f.seq;
          this.persist();
        }
        return;
      case "ai_delta":
        this.transcript.delta(f.reply_id, f.index, f.text, new Date().toISOString());
        if (this.state.typing) this.set({ typing: null });
        return;
      case "escalated":
        this.transcript.dropStreaming();
        this.set({
          status: "waiting", aiMode: false, away: f.offline || f.outside_hours,
          queue: { position: null, estimated_wait_s: null, agents_online: f.agents_online },
        });
        this.events.announce(f.offline || f.outside_hours
          ? "Nobody is available right now. You can leave your email for a reply."
          : "You're in the queue for a person.");
        this.host.emit("escalated", { offline: f.offline, outside_hours: f.outside_hours });
        return;
      case "queue_position": {
        const wasAway = this.state.away;
        this.set({
          queue: { position: f.position, estimated_wait_s: f.estimated_wait_s, agents_online: f.agents_online },
          away: wasAway || f.agents_online === 0,
        });
        if (f.position) this.events.announce(`You're number ${f.position} in the queue.`);
        return;
      }
      case "agent_joined":
        this.transcript.dropStreaming();
        this.set({ status: "assigned", aiMode: false, agent: f.agent.display_name, queue: null, away: false });
        this.host.emit("agent_joined", { name: f.agent.display_name });
        return;
      case "agent_left":
        if (f.reason === "hand_back") this.set({ status: "active", aiMode: true, agent: null });
        return;
      case "session_closed":
        this.ended();
        return;
      case "email_saved":
        if (this.saved) {
          this.saved.email = f.email;
          this.persist();
        }
        this.set({ email: f.email, errors: {} });
        this.events.announce(`Thanks. We'll reply to ${f.email}.`);
        return;
      case "reset":
        void this.loadHistory().catch(() => {});
        return;
    }
  }

  private ended(): void {
    if (this.state.phase === "ended") return;
    this.transcript.dropStreaming();
    this.set({ phase: "ended", status: "closed", typing: null, queue: null });
    this.events.announce("The conversation has ended.");
    this.host.emit("ended");
  }

  private onError(f: Extract<ServerFrame, { type: "error" }>): void {
    if (f.client_msg_id && !f.retryable) {
      this.transcript.fail(f.client_msg_id, f.message);
    }
    if (f.code === "session_closed") this.ended();
    else if (f.code === "invalid_email") this.set({ errors: { email: f.fields?.email ? "Enter a valid email address." : f.message } });
    else if (!f.client_msg_id && !["already_assigned", "rate_limited"].includes(f.code)) this.set({ notice: f.message });
  }

  /** Is anyone there to hand over to? Asked when the panel opens, before any hand-off, at
   * most once per AVAILABILITY_EVERY_MS; a failure leaves the last answer. */
  private async checkStaffed(): Promise<void> {
    const status = this.state.status;
    if (this.host.preview || (status !== null && status !== "active")) return;
    const now = Date.now();
    if (now - this.staffedAt < AVAILABILITY_EVERY_MS) return;
    this.staffedAt = now;
    try {
      const a = await getAvailability(this.host.base, this.host.siteKey);
      this.set({ staffed: a.agents_online });
    } catch {
      // Unknown: keep what the panel says.
    }
  }

  private async refreshQueue(): Promise<void> {
    const saved = this.saved;
    if (!saved) return;
    try {
      const q = await getQueuePosition(this.host.base, this.host.siteKey, saved.sid, saved.token);
      this.set({ queue: q, away: this.state.away || q.agents_online === 0 });
    } catch {
      // The next queue_position frame will say.
    }
  }
}
