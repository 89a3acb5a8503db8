// The visitor's WebSocket: @parley/protocol's ReconnectingSocket (auth, one back-off policy,
// the close codes) plus what only the widget has: an outbox that resends unacknowledged
// messages (same client_msg_id) after every reconnect, and control frames held until connected.
// No DOM here: WebSocket, timers and randomness are injected so tests drive it by hand.

import {
  BACKOFF, type Backoff, ReconnectingSocket, type SocketEnv, type SocketState, type StateDetail,
} from "@parley/protocol";
import type { ClientFrame, MessageFrame, ServerFrame } from "./types";

export {
  BACKOFF as DEFAULT_BACKOFF, CLOSE_AUTH, CLOSE_FORBIDDEN, CLOSE_RATE, CLOSE_RESTART,
  CONNECT_TIMEOUT_MS, backoffDelay,
} from "@parley/protocol";
export type { Backoff, SocketEnv, SocketState };

export interface SocketHooks {
  frame(frame: ServerFrame): void;
  state(state: SocketState, detail: StateDetail): void;
  /** The outbox changed (persist it to survive a reload). */
  outbox?(pending: MessageFrame[]): void;
}

export class ChatSocket {
  /** client_msg_id -> frame, in the order written, until the server acks it. */
  readonly outbox = new Map<string, MessageFrame>();
  private commands: ClientFrame[] = [];
  private retryTimer: unknown = null;
  private readonly env: Pick<SocketEnv, "setTimeout" | "clearTimeout">;
  private readonly socket: ReconnectingSocket<ServerFrame, ClientFrame>;

  constructor(
    url: string,
    token: string,
    lastSeq: () => number,
    private readonly hooks: SocketHooks,
    env?: Partial<SocketEnv>,
    backoff: Backoff = BACKOFF,
  ) {
    this.env = {
      setTimeout: env?.setTimeout ?? ((fn, ms) => setTimeout(fn, ms)),
      clearTimeout: env?.clearTimeout ?? ((h) => clearTimeout(h as number)),
    };
    this.socket = new ReconnectingSocket<ServerFrame, ClientFrame>(url, {
      auth: () => ({ type: "auth", token, last_seq: lastSeq() }),
      frame: (f) => this.receive(f),
      state: (s, detail) => hooks.state(s, detail),
    }, env, backoff);
  }

  get isOpen(): boolean {
    return this.socket.isOpen;
  }

  connect(): void {
    this.socket.connect();
  }

  /** Reconnect now instead of waiting out the backoff (the browser came back online). */
  reconnectNow(): void {
    this.socket.reconnectNow();
  }

  /** Send a chat message reliably: kept until acknowledged, resent after a reconnect. */
  post(frame: MessageFrame): void {
    this.outbox.set(frame.client_msg_id, frame);
    this.outboxChanged();
    this.socket.send(frame);
  }

  /** A control frame (escalate, close, leave_email): sent now, or once connected. */
  command(frame: ClientFrame): void {
    if (!this.socket.send(frame)) this.commands.push(frame);
  }

  /** A transient frame (typing, seen): sent only if connected, else dropped. */
  signal(frame: ClientFrame): void {
    this.socket.send(frame);
  }

  stop(): void {
    if (this.retryTimer !== null) this.env.clearTimeout(this.retryTimer);
    this.socket.stop();
  }

  private flush(): void {
    for (const frame of this.outbox.values()) this.socket.send(frame);
    const commands = this.commands;
    this.commands = [];
    for (const frame of commands) this.socket.send(frame);
  }

  private receive(frame: ServerFrame): void {
    if (frame.type === "ready") {
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
    this.retryTimer = this.env.setTimeout(() => {
      this.retryTimer = null;
      for (const frame of this.outbox.values()) this.socket.send(frame);
    }, this.socket.nextDelay());
  }

  private outboxChanged(): void {
    this.hooks.outbox?.([...this.outbox.values()]);
  }
}
