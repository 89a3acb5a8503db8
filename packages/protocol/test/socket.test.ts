import { describe, expect, it } from "vitest";
import { BACKOFF, ReconnectingSocket, backoffDelay, type SocketEnv } from "../src/socket";

class FakeWs {
  static all: FakeWs[] = [];
  sent: Record<string, unknown>[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeWs.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1006) {
    this.onclose?.({ code });
  }
}

function harness(random = () => 0) {
  FakeWs.all = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const states: [string, unknown][] = [];
  const frames: { type: string }[] = [];
  const env: Partial<SocketEnv> = {
    WebSocket: FakeWs as unknown as SocketEnv["WebSocket"],
    setTimeout: (fn, ms) => timers.push({ fn, ms }), clearTimeout: () => {}, random,
  };
  const socket = new ReconnectingSocket<{ type: string }>("ws://x/ws/s1", {
    auth: () => ({ type: "auth", token: "t", last_seq: 3 }),
    frame: (f) => frames.push(f), state: (s, d) => states.push([s, d]),
  }, env);
  return { socket, timers, states, frames };
}

describe("backoff", () => {
  it("is 0.5 s doubling to 15 s, with up to half of each step as jitter", () => {
    expect(BACKOFF).toEqual({ base: 500, cap: 15_000 });
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a, BACKOFF, () => 1)))
      .toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    expect([0, 5].map((a) => backoffDelay(a, BACKOFF, () => 0))).toEqual([250, 7500]);
  });
});

describe("ReconnectingSocket", () => {
  it("authenticates first, sends nothing before ready, and reconnects with the back-off", () => {
    const h = harness();
    h.socket.connect();
    const ws = FakeWs.all[0]!;
    ws.onopen?.();
    expect(ws.sent).toEqual([{ type: "auth", token: "t", last_seq: 3 }]);
    expect(h.socket.send({ type: "typing" })).toBe(false);
    ws.onmessage?.({ data: JSON.stringify({ type: "ready" }) });
    expect(h.socket.send({ type: "typing" })).toBe(true);
    expect(h.frames).toEqual([{ type: "ready" }]);
    ws.close(1006);
    expect(h.states.at(-1)).toEqual(["waiting", { code: 1006, reason: undefined, delay: 250 }]);
    h.timers.at(-1)!.fn();
    FakeWs.all[1]!.close(1006);
    expect(h.states.at(-1)?.[1]).toMatchObject({ delay: 500 });
  });

  it("stops for good on 4401 and 4403, with the close reason", () => {
    const h = harness();
    h.socket.connect();
    FakeWs.all[0]!.onclose?.({ code: 4401, reason: "token expired" });
    expect(h.states.at(-1)).toEqual(["stopped", { code: 4401, reason: "token expired" }]);
    h.socket.reconnectNow();
    expect(FakeWs.all.length).toBe(1);
  });

  it("spreads a restart over a second and backs off hard after a rate-limit close", () => {
    const h = harness(() => 0.5);
    h.socket.connect();
    FakeWs.all[0]!.close(1012);
    expect(h.states.at(-1)?.[1]).toMatchObject({ delay: 750 });
    h.timers.at(-1)!.fn();
    FakeWs.all[1]!.close(4429);
    expect(h.states.at(-1)?.[1]).toMatchObject({ delay: backoffDelay(5, BACKOFF, () => 0.5) });
  });
});
