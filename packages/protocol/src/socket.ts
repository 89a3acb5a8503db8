// The reconnecting socket both sockets use (the widget's /ws/<session_id> and the inbox's
// /ws/agent/<id>): the token in a first `auth` frame (never the URL: proxies log URLs), `ready`
// before anything else is sent, one back-off policy, and the close codes of docs/protocol.md.
// What differs (the widget's outbox, the inbox's resume map) stays in each app. No DOM:
// WebSocket, timers and randomness are injected so tests drive it by hand.

// Close codes (docs/protocol.md, "Close codes").
export const CLOSE_AUTH = 4401; // the token does not open this socket: stop
export const CLOSE_FORBIDDEN = 4403; // this origin or user may not: stop
export const CLOSE_RATE = 4429; // too many sockets or frames: back off hard
export const CLOSE_RESTART = 1012; // the server is restarting: come back soon

export interface Backoff {
  /** First delay (ms); each failure doubles it. */
  base: number;
  /** Longest delay (ms). */
  cap: number;
}

/** 0.5 s doubling to 15 s, with jitter (docs/protocol.md, "Restarts and reconnecting"). */
export const BACKOFF: Backoff = { base: 500, cap: 15_000 };
// Give up on a connection attempt that has not said `ready` by then, and try again.
export const CONNECT_TIMEOUT_MS = 10_000;
// After a rate-limit close (4429), start the back-off this many doublings in (8 s or more).
const RATE_ATTEMPT = 5;

/** Delay before reconnect attempt `attempt` (0-based): "equal jitter": half of the capped
 * exponential step, plus a random share of the other half, so retries spread out but grow. */
export function backoffDelay(attempt: number, b: Backoff, random: () => number): number {
  const step = Math.min(b.cap, b.base * 2 ** Math.min(attempt, 20));
  return Math.round(step / 2 + (random() * step) / 2);
}

export type SocketState =
  | "connecting" // opening, or authenticating
  | "open" // `ready` received: frames flow
  | "waiting" // closed; a reconnect is scheduled
  | "stopped"; // closed for good (stop(), or the server refused us: 4401, 4403)

export interface StateDetail {
  /** The close code that led here. */
  code?: number;
  reason?: string;
  /** Milliseconds until the next attempt ("waiting"). */
  delay?: number;
}

export interface WebSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: never) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev: never) => void) | null;
}

export interface SocketEnv {
  WebSocket: new (url: string) => WebSocketLike;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
}

export interface SocketHooks<In> {
  /** The `auth` frame, made at each (re)connect (it carries the resume position then). */
  auth(): object;
  /** Every frame the server sends, `ready` included (after the state says "open"). */
  frame(frame: In): void;
  state(state: SocketState, detail: StateDetail): void;
}

const browserEnv = (): SocketEnv => ({
  WebSocket: globalThis.WebSocket as unknown as SocketEnv["WebSocket"],
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as number),
  random: Math.random,
});

export class ReconnectingSocket<In extends { type: string }, Out extends object = object> {
  private ws: WebSocketLike | null = null;
  private ready = false;
  private stopped = false;
  private attempt = 0;
  private timer: unknown = null;
  private readonly env: SocketEnv;

  constructor(
    private readonly url: string,
    private readonly hooks: SocketHooks<In>,
    env?: Partial<SocketEnv>,
    readonly backoff: Backoff = BACKOFF,
  ) {
    this.env = { ...browserEnv(), ...env } as SocketEnv;
  }

  get isOpen(): boolean {
    return this.ready;
  }

  /** The delay before the next retry of something refused as retryable, on the same policy. */
  nextDelay(): number {
    return backoffDelay(this.attempt++, this.backoff, this.env.random);
  }

  connect(): void {
    if (this.ws || this.stopped) return;
    this.clearTimer();
    this.hooks.state("connecting", {});
    let ws: WebSocketLike;
    try {
      ws = new this.env.WebSocket(this.url);
    } catch {
      this.retry(1006);
      return;
    }
    this.ws = ws;
    // A socket stuck opening (or never answering auth) is dropped and retried.
    this.timer = this.env.setTimeout(() => {
      if (this.ws === ws && !this.ready) ws.close();
    }, CONNECT_TIMEOUT_MS);
    ws.onopen = () => this.transmit(ws, this.hooks.auth());
    ws.onmessage = (ev) => {
      if (this.ws === ws) this.receive(ev.data);
    };
    ws.onclose = (ev) => this.closed(ws, ev.code, ev.reason);
    ws.onerror = () => {}; // a close always follows
  }

  /** Reconnect now instead of waiting out the back-off (the browser came back online). */
  reconnectNow(): void {
    if (this.stopped || this.ws) return;
    this.attempt = 0;
    this.connect();
  }

  /** Send a frame once `ready`; false when not connected (the caller keeps it for later). */
  send(frame: Out): boolean {
    return this.ready && this.ws !== null && this.transmit(this.ws, frame);
  }

  /** Close for good (sign-out, forgetting the conversation, leaving the page). */
  stop(): void {
    this.stopped = true;
    this.ready = false;
    this.clearTimer();
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000, "bye");
    this.hooks.state("stopped", {});
  }

  private transmit(ws: WebSocketLike, frame: object): boolean {
    try {
      ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false; // closing under us: a close follows
    }
  }

  private receive(raw: unknown): void {
    let frame: In;
    try {
      frame = JSON.parse(String(raw)) as In;
    } catch {
      return;
    }
    if (!frame || typeof frame.type !== "string") return;
    if (frame.type === "ready") {
      this.ready = true;
      this.attempt = 0;
      this.clearTimer();
      this.hooks.state("open", {});
    }
    this.hooks.frame(frame);
  }

  private closed(ws: WebSocketLike, code: number, reason?: string): void {
    if (ws !== this.ws) return;
    this.ws = null;
    this.ready = false;
    this.clearTimer();
    if (this.stopped) return;
    if (code === CLOSE_AUTH || code === CLOSE_FORBIDDEN) {
      this.stopped = true;
      this.hooks.state("stopped", { code, reason });
      return;
    }
    this.retry(code, reason);
  }

  private retry(code: number, reason?: string): void {
    let delay: number;
    if (code === CLOSE_RESTART && this.attempt === 0) {
      // Every client of a restarting server comes back: spread them over a second.
      delay = Math.round(250 + this.env.random() * 1000);
      this.attempt = 1;
    } else {
      const attempt = code === CLOSE_RATE ? Math.max(this.attempt, RATE_ATTEMPT) : this.attempt;
      delay = backoffDelay(attempt, this.backoff, this.env.random);
      this.attempt = attempt + 1;
    }
    this.hooks.state("waiting", { code, reason, delay });
    this.timer = this.env.setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.env.clearTimeout(this.timer);
    this.timer = null;
  }
}
