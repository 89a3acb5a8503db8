// The agent socket (/ws/agent/<id>): authenticates with a first `auth` frame carrying the
// token and the resume map, reconnects by itself with backoff, and tells the inbox when the
// token is no longer good (close 4401/4403: no retry loop). Components never open sockets.

import type { ServerFrame } from "./types";

export const CLOSE_AUTH = 4401;
export const CLOSE_FORBIDDEN = 4403;
/** Backoff: 0.5 s doubling to 30 s, with up to 30 % jitter (docs/protocol.md). */
export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 30_000;

export type SocketState = "connecting" | "open" | "reconnecting" | "stopped";

export interface SocketOptions {
  url: string;
  token: string;
  /** The resume map, read at each (re)connect. */
  lastSeq: () => Record<string, number>;
  onFrame: (frame: ServerFrame) => void;
  onState: (state: SocketState) => void;
  /** The token was refused, expired or revoked: sign in again. */
  onAuthLost: (reason: string) => void;
  /** For tests: the WebSocket constructor and the clock. */
  WebSocketImpl?: typeof WebSocket;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  random?: () => number;
}

export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
  return Math.round(base * (1 - 0.3 * random()));
}

export function agentSocketUrl(location: { protocol: string; host: string }, agentId: number): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws/agent/${agentId}`;
}

export class InboxSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: unknown = null;
  private stopped = false;
  private ready = false;
  private state: SocketState = "connecting";
  private readonly opts: Required<Pick<SocketOptions, "setTimer" | "clearTimer" | "random">>
    & SocketOptions;

  constructor(opts: SocketOptions) {
    this.opts = {
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      random: Math.random,
      ...opts,
    };
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Close for good (sign-out, leaving the page). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.opts.clearTimer(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000, "bye");
    this.setState("stopped");
  }

  /** Reconnect now (the browser came back online), skipping the backoff wait. */
  nudge(): void {
    if (this.stopped || (this.ws && this.ws.readyState <= 1)) return;
    if (this.timer !== null) this.opts.clearTimer(this.timer);
    this.timer = null;
    this.attempt = 0;
    this.connect();
  }

  get isReady(): boolean {
    return this.ready && this.ws !== null && this.ws.readyState === 1;
  }

  /** Send a frame if the socket is authenticated; false if it is not (keep it for later). */
  send(frame: Record<string, unknown>): boolean {
    if (!this.isReady || !this.ws) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  private setState(state: SocketState): void {
    if (state !== this.state) {
      this.state = state;
      this.opts.onState(state);
    }
  }

  private connect(): void {
    const Impl = this.opts.WebSocketImpl ?? WebSocket;
    let ws: WebSocket;
    try {
      ws = new Impl(this.opts.url);
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    this.ready = false;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: "auth", token: this.opts.token,
        last_seq: this.opts.lastSeq() }));
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws !== ws) return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(ev.data)) as ServerFrame;
      } catch {
        return;
      }
      if (frame.type === "ready") {
        this.ready = true;
        this.attempt = 0;
        this.setState("open");
      }
      this.opts.onFrame(frame);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.ready = false;
      if (this.stopped) return;
      if (ev.code === CLOSE_AUTH || ev.code === CLOSE_FORBIDDEN) {
        this.stopped = true;
        this.setState("stopped");
        this.opts.onAuthLost(ev.code === CLOSE_AUTH ? (ev.reason || "unauthorized") : "forbidden");
        return;
      }
      this.retry();
    };
    ws.onerror = () => {
      // onclose follows and decides
    };
  }

  private retry(): void {
    if (this.stopped) return;
    this.setState("reconnecting");
    const delay = backoffDelay(this.attempt, this.opts.random);
    this.attempt += 1;
    this.timer = this.opts.setTimer(() => {
      this.timer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }
}
