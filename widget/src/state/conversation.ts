// One visitor's conversation as a pure reducer: what the server says (frames, socket states,
// REST answers), what the visitor does, and timers firing are actions; `reduce` returns the
// next model and the effects to run (frames to send, what to save, what to tell the page and
// screen readers, timers, REST calls) in the order they happen. No I/O and no clock here:
// times and ids come in actions. `Conversation` runs the effects; the tests drive this directly.

import { CLOSE_AUTH, type SocketState } from "@parley/protocol";
import type { Held, Saved } from "../storage";
import { t } from "../ui/strings";
import { type Change, EMPTY_LOG, type Item, type Log, Transcript, gapBefore } from "../transcript";
import type {
  Attached, ChatMessage, ClientFrame, History, Identity, MessageFrame, NewSession, QueueInfo, ServerFrame,
  SessionStatus, WidgetEvent,
} from "../types";

export type Phase = "new" | "starting" | "live" | "ended";

/** What the panel shows. */
export interface State {
  phase: Phase;
  status: SessionStatus | null;
  aiMode: boolean;
  /** The agent in the conversation. */
  agent: string | null;
  /** Their picture's path on the server (agent_joined's avatar_url), when they have one. */
  agentAvatar?: string | null;
  queue: QueueInfo | null;
  /** Nobody can answer now: offer the email follow-up. */
  away: boolean;
  /** Before any hand-off: false when no agent is online (asked when the panel opens). */
  staffed: boolean;
  /** The email left for a reply. */
  email: string | null;
  /** The session has an email (given at the start or left for a reply): a transcript can
   * be mailed to it. */
  mailTo: string | null;
  connection: SocketState | "none";
  /** Who is typing on the other side. */
  typing: string | null;
  rated: number | null;
  /** A problem to show at the top of the panel. */
  notice: string | null;
  /** Field errors of the form in use (pre-chat or email), by field name. */
  errors: Record<string, string>;
  /** The key of the AI message offering a person, while it is the newest message and the
   * conversation is still with the AI: quick replies go under it. */
  offer: string | null;
}

/** Everything the conversation knows. */
export interface Model {
  view: State;
  log: Log;
  /** What storage holds (null: no session yet). */
  saved: Saved | null;
  /** A socket exists: started after the session is created or its history loaded. */
  socket: boolean;
  /** Messages written before the session exists. */
  unsent: MessageFrame[];
  /** When each own message was written (kept with the outbox across reloads). */
  sentAt: Record<string, string>;
  /** The files of own messages not acknowledged yet (kept with the outbox). */
  attached: Record<string, Attached[]>;
  /** Own messages waiting for their uploads. */
  held: Held[];
  /** The visitor's typing as last told to the server. */
  myTyping: { on: boolean; last: number };
  escalateOnStart: boolean;
  /** Highest read receipt sent on this socket. */
  seenSent: number;
  open: boolean;
  /** The gap timer runs. */
  gapWatched: boolean;
  /** The `lastSeq` a fetch was last sent after (asked once per socket: a hole the server
   * cannot fill stays until the next reconnect). */
  gapAsked: number;
  /** When availability was last asked. */
  staffedAt: number;
  /** The admin UI's preview: nothing is sent. */
  preview: boolean;
}

export type Timer = "typing" | "idle" | "gap";

export type Action =
  // Starting and restoring.
  | { type: "restore"; saved: Saved }
  | { type: "restored"; expired: boolean }
  | { type: "start"; prechat?: Record<string, string> }
  /** `guest`: created without the name and email the page claimed, which the widget refused
   * unsigned (`identity_unverified`; docs/identity.md). */
  | { type: "created"; session: NewSession; guest?: boolean }
  | { type: "create_failed"; status: number; message: string; fields: Record<string, string>; code?: string }
  | { type: "history"; page: History }
  // What the visitor does.
  | { type: "send"; id: string; text: string; at: string; aiEnabled: boolean; files?: Attached[] }
  | { type: "retry"; key: string }
  // A held message's uploads: all done (`files` with ids), or one failed.
  | { type: "uploaded"; id: string; files: Attached[] }
  | { type: "upload_failed"; id: string; error: string }
  /** Drop an own message that was not sent (its files are to be chosen again). */
  | { type: "discard"; key: string }
  | { type: "typing"; on: boolean; now: number }
  | { type: "seen" }
  | { type: "escalate" }
  | { type: "leave_email"; email: string; note: string }
  | { type: "end"; transcript?: boolean }
  | { type: "rate"; rating: number; comment?: string }
  | { type: "reset" }
  | { type: "dismiss" }
  | { type: "open"; open: boolean; now: number }
  // What the server says, and timers.
  | { type: "staffed"; agentsOnline: boolean }
  | { type: "queue"; queue: QueueInfo }
  | { type: "socket"; state: SocketState; code?: number }
  | { type: "outbox"; pending: MessageFrame[] }
  | { type: "frame"; frame: ServerFrame; at: string }
  | { type: "timeout"; timer: Timer };

export type Effect =
  | { type: "item"; change: Change }
  | { type: "cleared" }
  /** A new message from the other side, live (not history). */
  | { type: "incoming"; item: Item }
  | { type: "announce"; text: string }
  | { type: "emit"; event: WidgetEvent; detail?: unknown }
  | { type: "save"; saved: Saved }
  | { type: "forget" }
  | { type: "connect"; sid: string; token: string }
  | { type: "stop" }
  /** Sent reliably (the socket's outbox), a control frame (held until connected), a
   * transient one (dropped unless connected). */
  | { type: "post"; frame: MessageFrame }
  | { type: "command"; frame: ClientFrame }
  | { type: "signal"; frame: ClientFrame }
  /** Start (or restart) a timer; its `timeout` action follows. */
  | { type: "timer"; timer: Timer; ms: number }
  | { type: "clear_timer"; timer: Timer }
  | { type: "create"; prechat?: Record<string, string> }
  | { type: "load_history"; sid: string; token: string; restoring: boolean }
  | { type: "availability" }
  | { type: "queue_position"; sid: string; token: string };

// How long a typing indicator lasts without a fresh typing frame.
export const TYPING_SHOWN_MS = 8000;
// Typing "on" is repeated this often while the visitor keeps typing, "off" after this idle time.
export const TYPING_REPEAT_MS = 3000;
export const TYPING_IDLE_MS = 2500;
// A hole in the seqs still open this long is repaired with `fetch` (frames relayed between
// server processes can arrive out of order, or, rarely, not at all).
export const GAP_GRACE_MS = 1000;
// Availability is asked again on opening the panel after this long (the server lets browsers
// cache it for 15 s).
export const AVAILABILITY_EVERY_MS = 30_000;

export const ASSISTANT = (): string => t("assistant");
export const PREVIEW_NOTICE = (): string => t("notice.preview");
export const UPLOAD_LOST = (): string => t("notice.uploadLost");

/** The frame of an own message (files: their upload ids). */
function messageFrame(id: string, text: string, files?: readonly Attached[]): MessageFrame {
  const ids = (files ?? []).flatMap((f) => (f.id ? [f.id] : []));
  return { type: "message", client_msg_id: id, text, ...(ids.length ? { files: ids } : {}) };
}

const fresh = (staffed: boolean): State => ({
  phase: "new", status: null, aiMode: true, agent: null, queue: null, away: false, staffed,
  email: null, mailTo: null, connection: "none", typing: null, rated: null, notice: null, errors: {}, offer: null,
});

export function initialModel(preview = false): Model {
  return {
    view: fresh(true), log: EMPTY_LOG, saved: null, socket: false, unsent: [], sentAt: {}, attached: {}, held: [],
    myTyping: { on: false, last: 0 }, escalateOnStart: false, seenSent: 0, open: false,
    gapWatched: false, gapAsked: -1, staffedAt: -Infinity, preview,
  };
}

/** The body of the request that creates the session. */
export const GUEST_NOTICE = (): string => t("notice.guest");
export const SIGN_IN_NOTICE = (): string => t("notice.signIn");

/** What the visitor is told when their identity was refused (docs/identity.md: the codes). */
export function identityNotice(code: string | undefined): string | null {
  if (code === "identity_required") return SIGN_IN_NOTICE();
  if (code?.startsWith("identity_")) {
    return t("notice.identity");
  }
  return null;
}

/** The same request without what the page claimed about the visitor. */
export function guestBody(body: object): object {
  const { visitor_name: _n, visitor_email: _e, ...rest } = body as Record<string, unknown>;
  return rest;
}

export function sessionBody(prechat: Record<string, string> | undefined, who: Identity,
                            pageUrl: string | undefined): object {
  // A signed identity (docs/identity.md) says who the visitor is: no claims beside it.
  const claims = !who.token;
  return {
    ...(prechat && Object.keys(prechat).length ? { prechat } : {}),
    ...(who.token ? { identity_token: who.token } : {}),
    ...(claims && who.name && !prechat?.name ? { visitor_name: who.name } : {}),
    ...(claims && who.email && !prechat?.email ? { visitor_email: who.email } : {}),
    page_url: pageUrl,
  };
}

export function reduce(model: Model, action: Action): { model: Model; effects: Effect[] } {
  const step = new Step(model);
  step.act(action);
  return step.done();
}

/** One reduction: a copy of the model changed in place, and the effects collected. */
class Step {
  private m: Model;
  private fx: Effect[] = [];
  private editor: Transcript | null = null;
  /** The view was written to (a new `view` object then, even if nothing in it differs). */
  private shown = false;

  constructor(private readonly before: Model) {
    this.m = { ...before, view: { ...before.view } };
  }

  done(): { model: Model; effects: Effect[] } {
    if (this.editor) this.m.log = this.editor.log;
    const offer = this.offer();
    if (offer !== this.m.view.offer) this.set({ offer });
    if (!this.shown) this.m.view = this.before.view;
    return { model: this.m, effects: this.fx };
  }

  /** The transcript, being edited (its changes become `item` effects). */
  private get t(): Transcript {
    return this.editor ??= new Transcript((change) => this.fx.push({ type: "item", change }), this.m.log);
  }

  /** The AI message offering a person, if it is the newest entry (nothing written, streamed
   * or stored after it) and nobody has taken the conversation from the AI. */
  private offer(): string | null {
    const { phase, status, aiMode } = this.m.view;
    const last = this.m.log.items[this.m.log.items.length - 1];
    const withAi = phase === "live" && aiMode && (status === null || status === "active");
    return withAi && last?.offer && last.sender === "ai" && last.state === "sent" ? last.key : null;
  }

  private set(patch: Partial<State>): void {
    this.shown = true;
    Object.assign(this.m.view, patch);
  }

  private do(effect: Effect): void {
    this.fx.push(effect);
  }

  private save(patch: Partial<Saved>): void {
    if (!this.m.saved) return;
    this.m.saved = { ...this.m.saved, ...patch };
    this.do({ type: "save", saved: this.m.saved });
  }

  act(a: Action): void {
    switch (a.type) {
      case "restore": return this.restore(a.saved);
      case "restored": return this.restored(a.expired);
      case "start": return this.start(a.prechat);
      case "created":
        this.created(a.session);
        // The page named the visitor without a signed token on a widget that enforces it.
        if (a.guest) this.set({ notice: GUEST_NOTICE() });
        return;
      case "create_failed": return this.createFailed(a);
      case "history": return this.history(a.page);
      case "send": return this.send(a);
      case "retry": return this.retry(a.key);
      case "uploaded": return this.uploaded(a.id, a.files);
      case "upload_failed":
        if (this.unhold(a.id)) this.t.fail(a.id, a.error, true);
        return;
      case "discard":
        this.unhold(a.key);
        if (this.t.get(a.key)?.state === "failed") this.t.remove(a.key);
        return;
      case "typing": return this.typing(a.on, a.now);
      case "seen": return this.seen();
      case "escalate": return this.escalate();
      case "leave_email": return this.leaveEmail(a.email, a.note);
      case "end":
        this.do({ type: "command", frame: a.transcript ? { type: "close", transcript: true } : { type: "close" } });
        return this.ended();
      case "rate":
        // The optional comment comes after the stars, in a second close (docs/protocol.md).
        if (a.comment !== undefined) {
          this.do({ type: "command", frame: { type: "close", rating: a.rating, comment: a.comment.slice(0, 500) } });
          return this.do({ type: "announce", text: t("rating.commented") });
        }
        this.do({ type: "command", frame: { type: "close", rating: a.rating } });
        this.save({ rated: a.rating });
        this.set({ rated: a.rating });
        return this.do({ type: "announce", text: t("notice.rated") });
      case "reset": return this.reset();
      case "dismiss": return this.set({ notice: null });
      case "open": return this.setOpen(a.open, a.now);
      case "staffed": return this.set({ staffed: a.agentsOnline });
      case "queue": return this.set({ queue: a.queue, away: this.m.view.away || a.queue.agents_online === 0 });
      case "socket": return this.socketState(a.state, a.code);
      case "outbox": {
        const { sentAt: at, attached } = this.m;
        return this.save({ outbox: a.pending.map((f) => {
          const files = attached[f.client_msg_id];
          return { ...f, at: at[f.client_msg_id] ?? "", ...(files ? { attached: files } : {}) };
        }) });
      }
      case "frame": return this.frame(a.frame, a.at);
      case "timeout": return this.timeout(a.timer);
    }
  }

  // --- starting and restoring ----------------------------------------------------------

  private restore(saved: Saved): void {
    this.m.saved = saved;
    this.set({ phase: "live", email: saved.email ?? null, rated: saved.rated ?? null });
    if (saved.theySaw) this.t.seen(saved.theySaw);
    const sentAt = { ...this.m.sentAt };
    const attached = { ...this.m.attached };
    for (const frame of saved.outbox ?? []) {
      sentAt[frame.client_msg_id] = frame.at;
      if (frame.attached) attached[frame.client_msg_id] = frame.attached;
      this.t.addPending(frame.client_msg_id, frame.text, frame.at, frame.attached);
    }
    this.m.sentAt = sentAt;
    this.m.attached = attached;
    // Uploads cut off by the reload: the visitor chooses the files again.
    for (const held of saved.held ?? []) {
      this.t.addPending(held.client_msg_id, held.text, held.at, held.files);
      this.t.fail(held.client_msg_id, UPLOAD_LOST(), true);
    }
    if (saved.held?.length) this.save({ held: [] });
    this.do({ type: "load_history", sid: saved.sid, token: saved.token, restoring: true });
  }

  /** The history is loaded (or could not be: offline, or the server is down, and then the
   * socket retries and replays what we miss), or the server no longer knows the session. */
  private restored(expired: boolean): void {
    const saved = this.m.saved;
    // Written while the history loaded (there was a session, so none was started for them).
    const unsent = this.m.unsent;
    if (expired) {
      this.expired();
      for (const frame of unsent) this.t.addPending(frame.client_msg_id, frame.text, this.m.sentAt[frame.client_msg_id] ?? "");
      this.m.unsent = unsent;
      if (unsent.length) this.start();
      return;
    }
    if (!saved) return;
    this.connect();
    for (const frame of saved.outbox ?? []) {
      const { at: _at, attached: _files, ...resend } = frame;
      this.do({ type: "post", frame: resend });
    }
    for (const frame of unsent) this.do({ type: "post", frame });
    this.m.unsent = [];
  }

  private start(prechat?: Record<string, string>): void {
    if (this.m.saved || this.m.view.phase === "starting") return;
    if (this.m.preview) {
      for (const frame of this.m.unsent) this.t.fail(frame.client_msg_id, PREVIEW_NOTICE());
      this.m.unsent = [];
      return this.set({ notice: PREVIEW_NOTICE(), errors: {} });
    }
    this.set({ phase: "starting", notice: null, errors: {} });
    this.do({ type: "create", ...(prechat ? { prechat } : {}) });
  }

  private created(session: NewSession): void {
    this.m.saved = { sid: session.session_id, token: session.visitor_token, open: this.m.open };
    this.do({ type: "save", saved: this.m.saved });
    this.set({ phase: "live", status: session.status, aiMode: session.ai_mode });
    this.do({ type: "emit", event: "session", detail: { session_id: session.session_id } });
    this.connect();
    for (const frame of this.m.unsent) this.do({ type: "post", frame });
    this.m.unsent = [];
    if (this.m.escalateOnStart) this.escalate();
  }

  private createFailed(e: { status: number; message: string; fields: Record<string, string>; code?: string }): void {
    const errors: Record<string, string> = {};
    for (const [field, msg] of Object.entries(e.fields)) errors[field.replace(/^prechat\./, "")] = msg;
    const message = identityNotice(e.code) ?? e.message;
    for (const frame of this.m.unsent) this.t.fail(frame.client_msg_id, message);
    this.set({
      phase: "new", errors,
      notice: e.status === 429 ? t("notice.tooMany") : message,
    });
  }

  private connect(): void {
    const saved = this.m.saved;
    if (!saved || this.m.socket) return;
    this.m.socket = true;
    this.do({ type: "connect", sid: saved.sid, token: saved.token });
  }

  private history(page: History): void {
    this.t.load(page.messages, page.has_more ? 0 : page.last_seq);
    this.noteMessages(page.messages);
    this.status(page.status);
  }

  private expired(): void {
    this.reset();
    this.set({ notice: t("notice.previousEnded") });
  }

  // --- what the visitor does -----------------------------------------------------------

  private send(a: { id: string; text: string; at: string; aiEnabled: boolean; files?: Attached[] }): void {
    const body = a.text.trim();
    const files = a.files?.length ? a.files : undefined;
    if (!body && !files) return;
    const frame = messageFrame(a.id, body, files);
    this.m.sentAt = { ...this.m.sentAt, [a.id]: a.at };
    this.t.addPending(a.id, body, a.at, files);
    this.typing(false, 0);
    this.do({ type: "emit", event: "message", detail: { sender_type: "visitor", text: body, created_at: a.at } });
    if (files?.some((f) => !f.id)) {
      // Sent once every file is uploaded (`uploaded`); kept meanwhile, to say after a reload
      // that the files must be chosen again.
      this.m.held = [...this.m.held, { client_msg_id: a.id, text: body, at: a.at, files }];
      this.save({ held: this.m.held });
    } else {
      if (files) this.m.attached = { ...this.m.attached, [a.id]: files };
      this.post(frame);
    }
    // A widget without the AI has nobody to answer until a person is asked for.
    if (!a.aiEnabled && (this.m.view.status ?? "active") === "active") this.escalate();
  }

  private post(frame: MessageFrame): void {
    if (this.m.socket) this.do({ type: "post", frame });
    else {
      this.m.unsent = [...this.m.unsent, frame];
      this.start();
    }
  }

  private retry(key: string): void {
    const item = this.t.retry(key);
    if (!item) return;
    if (this.m.socket) this.do({ type: "post", frame: messageFrame(key, item.text, item.files) });
    else this.start();
  }

  /** Forget a held message; false when it was not held. */
  private unhold(id: string): boolean {
    const held = this.m.held.filter((h) => h.client_msg_id !== id);
    if (held.length === this.m.held.length) return false;
    this.m.held = held;
    this.save({ held });
    return true;
  }

  /** A held message's files are all uploaded: send it. */
  private uploaded(id: string, files: Attached[]): void {
    if (!this.unhold(id)) return;
    this.t.attach(id, files);
    this.m.attached = { ...this.m.attached, [id]: files };
    this.post(messageFrame(id, this.t.get(id)?.text ?? "", files));
  }

  private typing(on: boolean, now: number): void {
    const t = this.m.myTyping;
    this.do({ type: "clear_timer", timer: "idle" });
    if (on) {
      this.do({ type: "timer", timer: "idle", ms: TYPING_IDLE_MS });
      if (t.on && now - t.last < TYPING_REPEAT_MS) return;
    } else if (!t.on) return;
    this.m.myTyping = { on, last: now };
    this.do({ type: "signal", frame: { type: "typing", on } });
  }

  /** The visitor has seen everything shown: tell the agent (read receipt) and remember. */
  private seen(): void {
    const seq = this.t.lastSeq;
    if (!this.m.saved || seq <= this.m.seenSent) return;
    if (this.m.view.connection === "open") {
      this.do({ type: "signal", frame: { type: "seen", seq } });
      this.m.seenSent = seq;
    }
    if ((this.m.saved.seen ?? 0) < seq) this.save({ seen: seq });
  }

  private escalate(): void {
    if (!this.m.saved) {
      this.m.escalateOnStart = true;
      return this.start();
    }
    this.m.escalateOnStart = false;
    if (this.m.view.status === "active" || this.m.view.status === null) {
      this.do({ type: "command", frame: { type: "escalate", reason: "explicit_request" } });
    }
  }

  private leaveEmail(email: string, note: string): void {
    const value = email.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
      return this.set({ errors: { email: t("form.email") } });
    }
    this.set({ errors: {} });
    this.do({ type: "command", frame: { type: "leave_email", email: value, ...(note.trim() ? { note: note.trim() } : {}) } });
  }

  /** Forget this conversation; the next message starts a new one. */
  private reset(): void {
    this.m.gapWatched = false;
    this.do({ type: "clear_timer", timer: "gap" });
    if (this.m.socket) this.do({ type: "stop" });
    this.m.socket = false;
    this.m.saved = null;
    this.m.unsent = [];
    this.m.held = [];
    this.m.attached = {};
    this.m.seenSent = 0;
    this.do({ type: "forget" });
    this.editor = null;
    this.m.log = EMPTY_LOG;
    this.do({ type: "cleared" });
    this.m.view = fresh(this.m.view.staffed);
    this.shown = true;
  }

  private setOpen(open: boolean, now: number): void {
    this.m.open = open;
    if (open) this.checkStaffed(now);
    if (!this.m.saved || !!this.m.saved.open === open) return;
    this.save({ open });
  }

  /** Is anyone there to hand over to? Asked when the panel opens, before any hand-off, at
   * most once per AVAILABILITY_EVERY_MS; a failure leaves the last answer. */
  private checkStaffed(now: number): void {
    const status = this.m.view.status;
    if (this.m.preview || (status !== null && status !== "active")) return;
    if (now - this.m.staffedAt < AVAILABILITY_EVERY_MS) return;
    this.m.staffedAt = now;
    this.do({ type: "availability" });
  }

  // --- what the server says ------------------------------------------------------------

  private socketState(s: SocketState, code?: number): void {
    if (s === "stopped" && code === CLOSE_AUTH) return this.expired();
    if (s === "stopped" && code) return this.set({ connection: s, notice: t("notice.unavailable") });
    this.set({ connection: s });
  }

  private status(status: SessionStatus): void {
    this.set({ status });
    if (status === "closed" || status === "abandoned") this.set({ phase: "ended", typing: null });
    else if (this.m.view.phase === "ended") this.set({ phase: "live" }); // reopened meanwhile
  }

  /** Note the agent's name from messages (a reload knows the agent from history only). */
  private noteMessages(messages: ChatMessage[]): void {
    for (const m of messages) if (m.sender_type === "agent" && m.sender_name) this.set({ agent: m.sender_name });
  }

  /** Ask for the messages missing below the highest seq held, once a hole has stayed open
   * for GAP_GRACE_MS. A reconnect resumes after the hole anyway (auth's `last_seq`). */
  private watchGap(): void {
    if (this.m.gapWatched || this.t.gapBefore === null) return;
    this.m.gapWatched = true;
    this.do({ type: "timer", timer: "gap", ms: GAP_GRACE_MS });
  }

  private timeout(timer: Timer): void {
    if (timer === "typing") return this.set({ typing: null });
    if (timer === "idle") return this.typing(false, 0);
    this.m.gapWatched = false;
    const before = gapBefore(this.m.log);
    const after = this.m.log.watermark;
    if (before !== null && after !== this.m.gapAsked && this.m.view.connection === "open") {
      this.m.gapAsked = after;
      this.do({ type: "signal", frame: { type: "fetch", after_seq: after, before_seq: before } });
    }
  }

  private frame(f: ServerFrame, at: string): void {
    switch (f.type) {
      case "ready":
        // A connection problem's notice is over; being a guest (docs/identity.md) is not.
        this.set({ aiMode: f.ai_mode, notice: this.m.view.notice === GUEST_NOTICE() ? GUEST_NOTICE() : null, mailTo: f.visitor_email ?? this.m.view.mailTo,
          // The agent's picture after a reload or on another page of the site.
          agentAvatar: f.agent?.avatar_url ?? null, ...(f.agent?.display_name ? { agent: f.agent.display_name } : {}) });
        this.status(f.status);
        if (f.status === "waiting" && this.m.saved) {
          this.do({ type: "queue_position", sid: this.m.saved.sid, token: this.m.saved.token });
        }
        this.m.seenSent = 0;
        this.m.gapAsked = -1;
        return;
      case "message": {
        if (!this.t.message(f)) return;
        this.watchGap();
        const item = this.t.get(f.client_msg_id);
        if (f.sender_type === "agent" && f.sender_name) this.set({ agent: f.sender_name });
        if (f.sender_type !== "visitor" && f.sender_type !== "system") this.set({ typing: null });
        if (!item || f.sender_type === "visitor") return; // own messages were announced when sent
        this.do({ type: "incoming", item });
        this.do({ type: "emit", event: "message", detail: {
          sender_type: f.sender_type, sender_name: f.sender_name, text: f.text, created_at: f.created_at,
        } });
        return;
      }
      case "ack":
        this.t.ack(f.client_msg_id, f.seq);
        return this.watchGap();
      case "error":
        if (f.client_msg_id && !f.retryable) this.t.fail(f.client_msg_id, f.message);
        if (f.code === "session_closed") this.ended();
        else if (f.code === "invalid_email") this.set({ errors: { email: f.fields?.email ? t("email.invalid") : f.message } });
        else if (!f.client_msg_id && !["already_assigned", "rate_limited"].includes(f.code)) this.set({ notice: f.message });
        return;
      case "typing":
        if (f.sender_type === "visitor") return;
        this.do({ type: "clear_timer", timer: "typing" });
        if (f.on) this.do({ type: "timer", timer: "typing", ms: TYPING_SHOWN_MS });
        return this.set({ typing: f.on ? (f.sender_type === "ai" ? ASSISTANT() : this.m.view.agent ?? t("typing.someone")) : null });
      case "seen":
        if (f.by === "visitor") return;
        this.t.seen(f.seq);
        if (this.m.saved && f.seq > (this.m.saved.theySaw ?? 0)) this.save({ theySaw: f.seq });
        return;
      case "ai_delta":
        this.t.delta(f.reply_id, f.index, f.text, at);
        if (this.m.view.typing) this.set({ typing: null });
        return;
      case "escalated": {
        const away = f.offline || f.outside_hours;
        this.t.dropStreaming();
        this.set({
          status: "waiting", aiMode: false, away,
          queue: { position: null, estimated_wait_s: null, agents_online: f.agents_online },
        });
        this.do({ type: "announce", text: away
          ? t("notice.nobody")
          : t("notice.queued") });
        this.do({ type: "emit", event: "escalated", detail: { offline: f.offline, outside_hours: f.outside_hours } });
        return;
      }
      case "queue_position":
        this.set({
          queue: { position: f.position, estimated_wait_s: f.estimated_wait_s, agents_online: f.agents_online },
          away: this.m.view.away || f.agents_online === 0,
        });
        // Nobody can answer: no queue to speak of (the banner does not show it either).
        if (f.position && !this.m.view.away) this.do({ type: "announce", text: t("notice.position", { n: f.position }) });
        return;
      case "agent_joined":
        this.t.dropStreaming();
        // Also after the end: an agent reopened the conversation (the visitor left an email).
        this.set({ phase: "live", status: "assigned", aiMode: false, agent: f.agent.display_name,
          agentAvatar: f.agent.avatar_url ?? null, queue: null, away: false });
        this.do({ type: "emit", event: "agent_joined", detail: { name: f.agent.display_name } });
        return;
      case "agent_left":
        if (f.reason === "hand_back") this.set({ status: "active", aiMode: true, agent: null, agentAvatar: null });
        return;
      case "session_closed":
        return this.ended();
      case "email_saved":
        this.save({ email: f.email });
        this.set({ email: f.email, mailTo: f.email, errors: {} });
        this.do({ type: "announce", text: t("notice.email", { email: f.email }) });
        return;
      case "reset":
        if (this.m.saved) this.do({ type: "load_history", sid: this.m.saved.sid, token: this.m.saved.token, restoring: false });
        return;
    }
  }

  private ended(): void {
    if (this.m.view.phase === "ended") return;
    this.t.dropStreaming();
    this.set({ phase: "ended", status: "closed", typing: null, queue: null });
    this.do({ type: "announce", text: t("notice.ended") });
    this.do({ type: "emit", event: "ended" });
  }
}
