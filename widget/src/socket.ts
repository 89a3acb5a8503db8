// The visitor's WebSocket: auth, reconnect with capped exponential backoff and jitter, and an
// outbox that resends unacknowledged messages (same client_msg_id) after every reconnect.
// No DOM here: WebSocket, timers and randomness are injected so tests drive it by hand.

import type { ClientFrame, MessageFrame, ServerFrame } from "./types";

// Close codes (chatserver/realtime/handlers.py).
export const CLOSE_AUTH = 4401; // the token does not open this session: stop
export const CLOSE_FORBIDDEN = 4403; // this site may not use the widget: stop
export const CLOSE_RATE = 4429; // too many sockets or frames: back off hard
export const CLOSE_RESTART = 1012; // the server is restarting: come back soon

export interface Backoff {
  /** First delay (ms); each failure doubles it. */
  base: number;
  /** Longest delay (ms). */
  cap: number;
}

export const DEFAULT_BACKOFF: Backoff = { base: 500, cap: 15_000 };
// Give up on a connection attempt that has not said `ready` by then, and try again.
export const CONNECT_TIMEOUT_MS = 10_000;

/** Delay before reconnect attempt `attempt` (0-based): "equal jitter" — half of the capped
 * exponential step, plus a random share of the other half, so retries spread out but grow. */
export function backoffDelay(attempt: number, b: Backoff, random: () => number): number {
  const step = Math.min(b.cap, b.base * 2 ** Math.min(attempt, 20));
  return Math.round(step / 2 + (random() * step) / 2);
}

export type SocketState =
  | "connecting" // opening, or authenticating
  | "open" // `ready` received: frames flow
  | "waiting" // closed; a reconnect is scheduled
  | "stopped"; // closed for good (stop(), or the server refused us)

export interface SocketHooks {
  frame(frame: ServerFrame): void;
  state(state: SocketState, detail: { code?: number; delay?: number }): void;
  /** The outbox changed (persist it to survive a reload). */
  outbox?(pending: MessageFrame[]): void;
}

interface WebSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface SocketEnv {
  WebSocket: new (url: string) => WebSocketLike;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
}

const browserEnv = (): SocketEnv => ({
  WebSocket: globalThis.WebSocket as unknown as SocketEnv["WebSocket"],
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as number),
  random: Math.random,
});

export class ChatSocket {
  /** client_msg_id -> frame, in the order written, until the server acks it. */
  readonly outbox = new Map<string, MessageFrame>();
  private ws: WebSocketLike | null = null;
  private ready = false;
  private stopped = false;
  private attempt = 0;
  private timer: unknown = null;
  private retryTimer: unknown = null;
  private commands: ClientFrame[] = [];
  private readonly env: SocketEnv;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly lastSeq: () => number,
    private readonly hooks: SocketHooks,
    env?: Partial<SocketEnv>,
    private readonly backoff: Backoff = DEFAULT_BACKOFF,
  ) {
    this.env = { ...browserEnv(), ...env } as SocketEnv;
  }

  get isOpen(): boolean {
    return this.ready;
  }

  connect(): void {
    if (this.ws || this.stopped) return;
    this.clearTimer();
    this.hooks.state("connecting", {});
    const ws = new this.env.WebSocket(this.url);
    this.ws = ws;
    // A socket stuck opening (or never answering auth) is dropped and retried.
    this.timer = this.env.setTimeout(() => {
      if (this.ws === ws && !this.ready) ws.close();
    }, CONNECT_TIMEOUT_MS);
    ws.onopen = () => {
      // The token goes in the first frame, never the URL (proxies log URLs).
      ws.send(JSON.stringify({ type: "auth", token: this.token, last_seq: this.lastSeq() }));
    };
    ws.onmessage = (ev) => {
      if (this.ws === ws) this.receive(ev.data);
    };
    ws.onclose = (ev) => this.closed(ws, ev.code);
    ws.onerror = () => {}; // a close always follows
  }

  /** Reconnect now instead of waiting out the backoff (the browser came back online). */
  reconnectNow(): void {
    if (this.stopped || this.ws) return;
    this.attempt = 0;
    this.connect();
  }

  /** Send a chat message reliably: kept until acknowledged, resent after a reconnect. */
  post(frame: MessageFrame): void {
    this.outbox.set(frame.client_msg_id, frame);
    this.outboxChanged();
    if (this.ready) this.transmit(frame);
  }

  /** A control frame (escalate, close, leave_email): sent now, or once connected. */
  command(frame: ClientFrame): void {
    if (this.ready) this.transmit(frame);
    else this.commands.push(frame);
  }

  /** A transient frame (typing, seen): sent only if connected, else dropped. */
  signal(frame: ClientFrame): void {
    if (this.ready) this.transmit(frame);
  }

  stop(): void {
    this.stopped = true;
    this.ready = false;
    this.clearTimer();
    if (this.retryTimer !== null) this.env.clearTimeout(this.retryTimer);
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000, "bye");
    this.hooks.state("stopped", {});
  }

  private transmit(frame: ClientFrame): void {
    try {
      this.ws?.send(JSON.stringify(frame));
    } catch {
      // Closing under us: the outbox resends after the reconnect.
    }
  }

  private flush(): void {
    for (const frame of this.outbox.values()) this.transmit(frame);
    const commands = this.commands;
    this.commands = [];
    for (const frame of commands) this.transmit(frame);
  }

  private receive(raw: unknown): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(String(raw)) as ServerFrame;
    } catch {
      return;
    }
    if (!frame || typeof frame.type !== "string") return;
    if (frame.type === "ready") {
      this.ready = true;
      this.attempt = 0;
      this.clearTimer();
      this.hooks.state("open", {});
      this.hooks.frame(frame);
      this.flush();
      return;
    }
    if (frame.type === "ack") {
      if (this.outbox.delete(frame.client_msg_id)) this.outboxChanged();
    } else if (frame.type === "error" && frame.client_msg_id && this.outbox.has(frame.client_msg_id)) {
      if (frame.retryable) this.retryLater();
      else if (this.outbox.delete(frame.client_msg_id)) this.outboxChanged();
    }
    this.hooks.frame(frame);
  }

  /** A retryable refusal (the database is down, a rate limit): resend the outbox later on
   * the same socket, with the same backoff as reconnects. */
  private retryLater(): void {
    if (this.retryTimer !== null) return;
    const delay = backoffDelay(this.attempt++, this.backoff, this.env.random);
    this.retryTimer = this.env.setTimeout(() => {
      this.retryTimer = null;
      if (this.ready) for (const frame of this.outbox.values()) this.transmit(frame);
    }, delay);
  }

  private closed(ws: WebSocketLike, code: number): void {
    if (ws !== this.ws) return;
    this.ws = null;
    this.ready = false;
    this.clearTimer();
    if (this.stopped) return;
    if (code === CLOSE_AUTH || code === CLOSE_FORBIDDEN) {
      this.stopped = true;
      this.hooks.state("stopped", { code });
      return;
    }
    let delay: number;
    if (code === CLOSE_RESTART && this.attempt === 0) {
      // Every visitor of a restarting server comes back: spread them over a second.
      delay = Math.round(250 + this.env.random() * 1000);
      this.attempt = 1;
    } else {
      const attempt = code === CLOSE_RATE ? Math.max(this.attempt, 5) : this.attempt;
      delay = backoffDelay(attempt, this.backoff, this.env.random);
      this.attempt = attempt + 1;
    }
    this.hooks.state("waiting", { code, delay });
    this.timer = this.env.setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.env.clearTimeout(this.timer);
    this.timer = null;
  }

  private outboxChanged(): void {
    this.hooks.outbox?.([...this.outbox.values()]);
  }
}
