// Test doubles for the socket client: a WebSocket the test drives by hand and a clock whose
// timers run only when the test advances it.

import type { SocketEnv } from "../src/socket";

export class FakeSocket {
  static all: FakeSocket[] = [];
  sent: Record<string, unknown>[] = [];
  closedWith: number | undefined;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }

  static get last(): FakeSocket {
    const s = FakeSocket.all[FakeSocket.all.length - 1];
    if (!s) throw new Error("no socket was opened");
    return s;
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(code = 1006): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = code;
    this.onclose?.({ code });
  }

  // What the server does:
  open(): void {
    this.onopen?.({});
  }

  receive(frame: Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  drop(code = 1006): void {
    this.closedWith = code;
    this.onclose?.({ code });
  }

  /** Open, take the auth frame, answer `ready`. */
  accept(extra: Record<string, unknown> = {}): Record<string, unknown> {
    this.open();
    const auth = this.sent[0] as Record<string, unknown>;
    this.receive({ type: "ready", session_id: "s1", status: "active", ai_mode: true, last_seq: 0, ...extra });
    return auth;
  }

  frames(type: string): Record<string, unknown>[] {
    return this.sent.filter((f) => f.type === type);
  }
}

export class FakeClock {
  now = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.timers.set(id, { at: this.now + ms, fn });
    return id;
  };

  clearTimeout = (id: unknown): void => {
    this.timers.delete(id as number);
  };

  /** Delays of the timers pending now, soonest first. */
  pending(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.now).sort((a, b) => a - b);
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = until;
  }
}

export function env(clock: FakeClock, random = () => 0.5): Partial<SocketEnv> {
  return {
    WebSocket: FakeSocket as unknown as SocketEnv["WebSocket"],
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    random,
  };
}
