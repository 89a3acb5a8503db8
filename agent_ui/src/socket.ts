// The agent socket (/ws/agent/<id>): @parley/protocol's ReconnectingSocket (auth with the
// token and the resume map, one back-off policy, the close codes), and the inbox is told when
// the token is no longer good (close 4401/4403: no retry loop). Components never open sockets.

import { CLOSE_AUTH, ReconnectingSocket, type SocketEnv } from "@parley/protocol";
import type { ClientFrame, ServerFrame } from "./types";

export { BACKOFF, CLOSE_AUTH, CLOSE_FORBIDDEN, backoffDelay } from "@parley/protocol";

export type SocketState = "connecting" | "open" | "reconnecting" | "stopped";

export interface SocketOptions {
  url: string;
  token: string;
  /** The resume map, read at each (re)connect. */
  lastSeq: () => Record<string, number>;
  /** The highest private note id held, read at each (re)connect (notes above it are replayed). */
  lastNoteId?: () => number;
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

export function agentSocketUrl(location: { protocol: string; host: string }, agentId: number): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws/agent/${agentId}`;
}

export class InboxSocket {
  private socket: ReconnectingSocket<ServerFrame, ClientFrame> | null = null;
  private state: SocketState = "connecting";

  constructor(private readonly opts: SocketOptions) {}

  start(): void {
    const o = this.opts;
    const env: Partial<SocketEnv> = {};
    if (o.WebSocketImpl) env.WebSocket = o.WebSocketImpl as unknown as SocketEnv["WebSocket"];
    if (o.setTimer) env.setTimeout = o.setTimer;
    if (o.clearTimer) env.clearTimeout = o.clearTimer;
    if (o.random) env.random = o.random;
    this.socket?.stop();
    this.socket = new ReconnectingSocket<ServerFrame, ClientFrame>(o.url, {
      auth: () => ({ type: "auth", token: o.token, last_seq: o.lastSeq(),
        ...(o.lastNoteId ? { last_note_id: o.lastNoteId() } : {}) }),
      frame: o.onFrame,
      state: (s, detail) => {
        this.setState(s === "waiting" ? "reconnecting" : s);
        if (s === "stopped" && detail.code !== undefined) {
          o.onAuthLost(detail.code === CLOSE_AUTH ? (detail.reason || "unauthorized") : "forbidden");
        }
      },
    }, env);
    this.socket.connect();
  }

  /** Close for good (sign-out, leaving the page). */
  stop(): void {
    this.socket?.stop();
  }

  /** Reconnect now (the browser came back online), skipping the back-off wait. */
  nudge(): void {
    this.socket?.reconnectNow();
  }

  get isReady(): boolean {
    return this.socket?.isOpen ?? false;
  }

  /** Send a frame if the socket is authenticated; false if it is not (keep it for later). */
  send(frame: ClientFrame): boolean {
    return this.socket?.send(frame) ?? false;
  }

  private setState(state: SocketState): void {
    if (state !== this.state) {
      this.state = state;
      this.opts.onState(state);
    }
  }
}
