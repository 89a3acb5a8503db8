// One visitor's conversation: the session (created on the first interaction, kept in
// localStorage), its socket, its transcript and what the panel shows about it. The state and
// every change to it are the pure reducer in state/conversation.ts; this class feeds it
// actions (what the visitor does, frames, REST answers, timers) and runs the effects it
// returns. No DOM here but what the browser offers everyone (location, navigator).

import {
  ApiError, createSession, getAvailability, getHistory, getHome, getQueuePosition, reopenSession, socketUrl,
} from "./api";
import { ChatSocket } from "./socket";
import {
  type Action, type Effect, type Model, type State, type Timer, guestBody, initialModel, reduce, sessionBody,
} from "./state/conversation";
import * as storage from "./storage";
import { tracked } from "./tracking_id";
import { type Change, type Item, Transcript } from "./transcript";
import type { Attached, ChatMessage, Host, NewSession, VisitorHome } from "./types";

export { ASSISTANT, GAP_GRACE_MS, PREVIEW_NOTICE, UPLOAD_LOST } from "./state/conversation";
export type { Phase, State } from "./state/conversation";

export interface ConversationEvents {
  changed(state: State): void;
  item(change: Change): void;
  cleared(): void;
  /** A new message from the other side, live (not history). */
  incoming(item: Item): void;
  /** Something to tell screen-reader users that is not a message. */
  announce(text: string): void;
  /** The conversation was created (the visitor's first interaction). */
  started?(): void;
}

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
  private model: Model;
  private socket: ChatSocket | null = null;
  private timers: Partial<Record<Timer, ReturnType<typeof setTimeout>>> = {};

  constructor(private readonly host: Host, private readonly events: ConversationEvents) {
    this.model = initialModel(!!host.preview);
  }

  get state(): State {
    return this.model.view;
  }

  /** The transcript as it is now (to read: it changes only through actions). */
  get transcript(): Pick<Transcript, "list" | "get" | "lastSeq"> {
    return new Transcript(undefined, this.model.log);
  }

  get hasSession(): boolean {
    return this.model.saved !== null;
  }

  /** The session and its visitor token (the uploads' credentials), if one exists. */
  get session(): { sid: string; token: string } | null {
    const saved = this.model.saved;
    return saved ? { sid: saved.sid, token: saved.token } : null;
  }

  get savedSeen(): number {
    return this.model.saved?.seen ?? 0;
  }

  /** Reduce, then run the effects: the transcript's changes first, then the panel's
   * render, then the rest in order. Resolves when the REST calls it made are answered. */
  private dispatch(action: Action): Promise<unknown> {
    const before = this.model;
    const { model, effects } = reduce(before, action);
    this.model = model;
    const later: Effect[] = [];
    for (const e of effects) {
      if (e.type === "item") this.events.item(e.change);
      else if (e.type === "cleared") this.events.cleared();
      else later.push(e);
    }
    if (model.view !== before.view) this.events.changed(model.view);
    return Promise.all(later.map((e) => this.run(e)));
  }

  /** Runs one effect; a REST call's promise is returned (settled once its answer is in). */
  private run(e: Effect): unknown {
    const { base, siteKey } = this.host;
    switch (e.type) {
      case "incoming": return this.events.incoming(e.item);
      case "announce": return this.events.announce(e.text);
      case "emit":
        if (e.event === "session") this.events.started?.();
        return this.host.emit(e.event, e.detail);
      case "save": return storage.save(siteKey, e.saved);
      case "forget": return storage.clear(siteKey);
      case "connect": return this.connect(e.sid, e.token);
      case "stop": {
        // Detached first: a stopped socket's last state is not the conversation's.
        const socket = this.socket;
        this.socket = null;
        return socket?.stop();
      }
      case "post": return this.socket?.post(e.frame);
      case "command": return this.socket?.command(e.frame);
      case "signal": return this.socket?.signal(e.frame);
      case "timer":
        clearTimeout(this.timers[e.timer]);
        this.timers[e.timer] = setTimeout(() => {
          delete this.timers[e.timer];
          void this.dispatch({ type: "timeout", timer: e.timer });
        }, e.ms);
        return;
      case "clear_timer":
        clearTimeout(this.timers[e.timer]);
        delete this.timers[e.timer];
        return;
      case "create": {
        const body = { ...sessionBody(e.prechat, this.host.identity, pageUrl()), ...tracked(this.host) };
        let guest = false;
        return this.create(body).catch((err: unknown) => {
          // The widget enforces signed identities and the page named the visitor without
          // one: chat as a guest rather than not at all (docs/identity.md).
          if (!(err instanceof ApiError && err.code === "identity_unverified")) throw err;
          guest = true;
          return this.create(guestBody(body));
        }).then(
          (session) => void this.dispatch({ type: "created", session, guest }),
          (err: unknown) => {
            const x = err instanceof ApiError ? err : new ApiError(0, "error", String(err));
            void this.dispatch({ type: "create_failed", status: x.status, message: x.message, fields: x.fields, code: x.code });
          });
      }
      case "load_history":
        return this.loadHistory(e.sid, e.token).then(
          () => e.restoring && void this.dispatch({ type: "restored", expired: false }),
          (err: unknown) => {
            // Offline or the server is down: the socket retries and replays what we miss.
            const expired = err instanceof ApiError && [401, 403, 404].includes(err.status);
            if (e.restoring) void this.dispatch({ type: "restored", expired });
          });
      case "availability":
        return getAvailability(base, siteKey).then(
          (a) => void this.dispatch({ type: "staffed", agentsOnline: a.agents_online }),
          () => {}); // unknown: keep what the panel says
      case "queue_position":
        return getQueuePosition(base, siteKey, e.sid, e.token).then(
          (queue) => void this.dispatch({ type: "queue", queue }),
          () => {}); // the next queue_position frame will say
    }
    return undefined;
  }

  /** Create the conversation with this browser's device token, and keep the token it gets.
   * Tabs of the browser take turns (Web Locks): a later tab sends the token the first one
   * kept, and the server answers with the visitor's open conversation (one per visitor). */
  private create(body: object): Promise<NewSession> {
    const { base, siteKey } = this.host;
    const run = async (): Promise<NewSession> => {
      const device = await storage.sharedDevice(siteKey);
      const s = await createSession(base, siteKey, device ? { ...body, visitor_token: device } : body);
      await storage.keepDevice(siteKey, s.visitor_token);
      return s;
    };
    const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
    // (request() resolves with what run() resolves with: its type says Promise<Promise<…>>.)
    return locks ? locks.request(`parley:${siteKey}`, run) as unknown as Promise<NewSession> : run();
  }

  /** The visitor's conversations (the widget's home); null when they have none to show. */
  async conversations(): Promise<VisitorHome | null> {
    const { base, siteKey, identity } = this.host;
    const device = storage.device(siteKey);
    if (!device && !identity.token) return null; // nothing to ask (and nothing is made)
    const home = await getHome(base, siteKey, device, identity.token).catch(() => null);
    if (home?.visitor_token && home.visitor_token !== device) await storage.keepDevice(siteKey, home.visitor_token);
    return home;
  }

  /** Show another conversation of the visitor (reopened first when `reopen`). */
  async switchTo(sid: string, reopen = false): Promise<void> {
    const { base, siteKey } = this.host;
    const token = storage.device(siteKey);
    if (!token) return;
    if (reopen) await reopenSession(base, siteKey, sid, token);
    await this.dispatch({ type: "reset" });
    storage.save(siteKey, { sid, token });
    await this.restore();
  }

  private connect(sid: string, token: string): void {
    const socket: ChatSocket = new ChatSocket(
      socketUrl(this.host.base, sid), token, () => this.model.log.watermark,
      {
        frame: (frame) => this.socket === socket && void this.dispatch({ type: "frame", frame, at: new Date().toISOString() }),
        state: (state, detail) => this.socket === socket && void this.dispatch({ type: "socket", state, code: detail.code }),
        outbox: (pending) => this.socket === socket && void this.dispatch({ type: "outbox", pending }),
      });
    this.socket = socket;
    socket.connect();
  }

  private async loadHistory(sid: string, token: string): Promise<void> {
    let after = 0;
    for (let page = 0; page < 50; page++) {
      const h = await getHistory(this.host.base, this.host.siteKey, sid, token, after);
      void this.dispatch({ type: "history", page: h });
      if (!h.has_more || !h.messages.length) break;
      after = (h.messages[h.messages.length - 1] as ChatMessage).seq;
    }
  }

  // --- starting and restoring ----------------------------------------------------------

  /** Continue the conversation this browser has on this site, if any. */
  async restore(): Promise<void> {
    const saved = storage.load(this.host.siteKey);
    if (saved) await this.dispatch({ type: "restore", saved });
  }

  /** Create the session (the first interaction: the pre-chat form, or a first message). */
  async start(prechat?: Record<string, string>): Promise<boolean> {
    await this.dispatch({ type: "start", ...(prechat ? { prechat } : {}) });
    return this.model.saved !== null;
  }

  /** The browser is back online or the page visible again: don't wait out the backoff. */
  wake(): void {
    this.socket?.reconnectNow();
  }

  // --- what the visitor does -----------------------------------------------------------

  /** Send a message; `files` still uploading (no id) hold it until `uploaded`. Returns its id. */
  send(text: string, files?: Attached[]): string {
    const id = uuid();
    void this.dispatch({
      type: "send", id, text, at: new Date().toISOString(), aiEnabled: this.host.config.ai_enabled,
      ...(files?.length ? { files } : {}),
    });
    return id;
  }

  /** A held message's files are uploaded (`files` with ids): send it. */
  uploaded(id: string, files: Attached[]): void {
    void this.dispatch({ type: "uploaded", id, files });
  }

  uploadFailed(id: string, error: string): void {
    void this.dispatch({ type: "upload_failed", id, error });
  }

  /** Drop an own message that was not sent. */
  discard(key: string): void {
    void this.dispatch({ type: "discard", key });
  }

  retry(key: string): void {
    void this.dispatch({ type: "retry", key });
  }

  typing(on: boolean): void {
    void this.dispatch({ type: "typing", on, now: Date.now() });
  }

  /** The visitor has seen everything shown: tell the agent (read receipt) and remember. */
  seen(): void {
    void this.dispatch({ type: "seen" });
  }

  escalate(): void {
    void this.dispatch({ type: "escalate" });
  }

  leaveEmail(email: string, note: string): boolean {
    void this.dispatch({ type: "leave_email", email, note });
    return !this.model.view.errors.email;
  }

  /** End the conversation; `transcript`: mail it to the session's email. */
  end(transcript = false): void {
    void this.dispatch({ type: "end", transcript });
  }

  rate(rating: number, comment?: string): void {
    void this.dispatch({ type: "rate", rating, comment });
  }

  /** Forget this conversation; the next message starts a new one. */
  reset(): void {
    void this.dispatch({ type: "reset" });
  }

  dismissNotice(): void {
    void this.dispatch({ type: "dismiss" });
  }

  setOpen(open: boolean): void {
    void this.dispatch({ type: "open", open, now: Date.now() });
  }
}
