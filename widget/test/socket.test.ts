import { beforeEach, describe, expect, it } from "vitest";
import {
  CONNECT_TIMEOUT_MS, ChatSocket, DEFAULT_BACKOFF, type SocketState, backoffDelay,
} from "../src/socket";
import type { MessageFrame, ServerFrame } from "../src/types";
import { FakeClock, FakeSocket, env } from "./fakes";

const msg = (id: string, text = id): MessageFrame => ({ type: "message", client_msg_id: id, text });

function setup(random = () => 0.5) {
  const clock = new FakeClock();
  const frames: ServerFrame[] = [];
  const states: { state: SocketState; code?: number; delay?: number }[] = [];
  const saved: MessageFrame[][] = [];
  let lastSeq = 0;
  const socket = new ChatSocket("ws://chat.test/ws/s1", "pv_token", () => lastSeq, {
    frame: (f) => frames.push(f),
    state: (state, detail) => states.push({ state, ...detail }),
    outbox: (pending) => saved.push(pending),
  }, env(clock, random));
  return { clock, frames, states, saved, socket, setSeq: (n: number) => (lastSeq = n) };
}

beforeEach(() => {
  FakeSocket.all = [];
});

describe("backoffDelay", () => {
  it("doubles each attempt up to the cap, with jitter in the upper half of the step", () => {
    const b = { base: 500, cap: 15_000 };
    expect([0, 1, 2, 3, 4, 5, 6, 10, 50].map((a) => backoffDelay(a, b, () => 1)))
      .toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000, 15000]);
    expect(backoffDelay(3, b, () => 0)).toBe(2000);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(4, b, Math.random);
      expect(d).toBeGreaterThanOrEqual(4000);
      expect(d).toBeLessThanOrEqual(8000);
    }
  });

  it("spreads clients out: different random draws give different delays", () => {
    const delays = new Set([0.1, 0.4, 0.7, 0.9].map((r) => backoffDelay(3, DEFAULT_BACKOFF, () => r)));
    expect(delays.size).toBe(4);
  });
});

describe("ChatSocket", () => {
  it("authenticates in the first frame, never in the URL", () => {
    const { socket, setSeq } = setup();
    setSeq(7);
    socket.connect();
    const ws = FakeSocket.last;
    expect(ws.url).toBe("ws://chat.test/ws/s1");
    expect(ws.url).not.toContain("pv_token");
    ws.open();
    expect(ws.sent).toEqual([{ type: "auth", token: "pv_token", last_seq: 7 }]);
  });

  it("holds messages until ready, then sends them in the order written", () => {
    const { socket, states } = setup();
    socket.connect();
    socket.post(msg("a"));
    socket.post(msg("b"));
    const ws = FakeSocket.last;
    ws.open();
    expect(ws.frames("message")).toEqual([]);
    ws.receive({ type: "ready", status: "active", ai_mode: true, last_seq: 0 });
    expect(ws.frames("message").map((f) => f.client_msg_id)).toEqual(["a", "b"]);
    expect(states.map((s) => s.state)).toEqual(["connecting", "open"]);
  });

  it("forgets a message once acked and reports the outbox each time", () => {
    const { socket, saved } = setup();
    socket.connect();
    FakeSocket.last.accept();
    socket.post(msg("a"));
    socket.post(msg("b"));
    FakeSocket.last.receive({ type: "ack", client_msg_id: "a", id: 1, seq: 1 });
    expect([...socket.outbox.keys()]).toEqual(["b"]);
    expect(saved.map((s) => s.map((f) => f.client_msg_id))).toEqual([["a"], ["a", "b"], ["b"]]);
  });

  it("reconnects with capped exponential backoff and resets it after ready", () => {
    const { socket, clock, states } = setup(() => 1);
    socket.connect();
    for (const expected of [500, 1000, 2000, 4000, 8000, 15000, 15000]) {
      FakeSocket.last.drop(1006);
      expect(states[states.length - 1]).toMatchObject({ state: "waiting", delay: expected });
      expect(clock.pending()).toEqual([expected]);
      clock.advance(expected);
      expect(states[states.length - 1]?.state).toBe("connecting");
    }
    FakeSocket.last.accept();
    FakeSocket.last.drop(1006);
    expect(states[states.length - 1]).toMatchObject({ state: "waiting", delay: 500 });
  });

  it("resends unacknowledged messages with the same client_msg_id after a reconnect, once", () => {
    const { socket, clock } = setup();
    socket.connect();
    const first = FakeSocket.last;
    first.accept();
    socket.post(msg("a", "hello"));
    socket.post(msg("b", "again"));
    first.receive({ type: "ack", client_msg_id: "a", id: 10, seq: 3 });
    first.drop(1006);
    socket.post(msg("c", "while down")); // typed while offline: kept, not sent
    clock.advance(10_000);
    const second = FakeSocket.last;
    expect(second).not.toBe(first);
    second.accept();
    expect(second.frames("message")).toEqual([msg("b", "again"), msg("c", "while down")]);
    second.receive({ type: "ack", client_msg_id: "b", id: 11, seq: 4 });
    second.receive({ type: "ack", client_msg_id: "c", id: 12, seq: 5 });
    expect(socket.outbox.size).toBe(0);
    second.drop(1006);
    clock.advance(10_000);
    FakeSocket.last.accept();
    expect(FakeSocket.last.frames("message")).toEqual([]);
  });

  it("resumes from the last seq the transcript has when it reconnects", () => {
    const { socket, clock, setSeq } = setup();
    socket.connect();
    expect(FakeSocket.last.accept()).toMatchObject({ last_seq: 0 });
    setSeq(42);
    FakeSocket.last.drop(1006);
    clock.advance(10_000);
    expect(FakeSocket.last.accept()).toMatchObject({ type: "auth", last_seq: 42 });
  });

  it("stops for good when the token or the origin is refused", () => {
    for (const code of [4401, 4403]) {
      const { socket, clock, states } = setup();
      socket.connect();
      FakeSocket.last.open();
      FakeSocket.last.drop(code);
      expect(states[states.length - 1]).toEqual({ state: "stopped", code });
      const count = FakeSocket.all.length;
      clock.advance(120_000);
      expect(FakeSocket.all.length).toBe(count);
    }
  });

  it("comes back within about a second when the server restarts (1012)", () => {
    const { socket, states } = setup(() => 0.5);
    socket.connect();
    FakeSocket.last.accept();
    FakeSocket.last.drop(1012);
    const delay = states[states.length - 1]?.delay ?? 0;
    expect(delay).toBeGreaterThanOrEqual(250);
    expect(delay).toBeLessThanOrEqual(1250);
  });

  it("backs off hard when rate limited (4429)", () => {
    const { socket, states } = setup(() => 1);
    socket.connect();
    FakeSocket.last.accept();
    FakeSocket.last.drop(4429);
    expect(states[states.length - 1]?.delay).toBe(15_000);
  });

  it("gives up on a connection that never says ready and tries again", () => {
    const { socket, clock } = setup();
    socket.connect();
    FakeSocket.last.open(); // no ready ever comes
    clock.advance(CONNECT_TIMEOUT_MS);
    expect(FakeSocket.all[0]?.closedWith).toBeDefined();
    clock.advance(1000);
    expect(FakeSocket.all.length).toBe(2);
  });

  it("keeps a message refused with a retryable error and resends it; drops one refused for good", () => {
    const { socket, clock } = setup(() => 1);
    socket.connect();
    const ws = FakeSocket.last;
    ws.accept();
    socket.post(msg("a"));
    socket.post(msg("b"));
    ws.receive({ type: "error", code: "unavailable", message: "retry", retryable: true, client_msg_id: "a" });
    ws.receive({ type: "error", code: "message_too_long", message: "no", retryable: false, client_msg_id: "b" });
    expect([...socket.outbox.keys()]).toEqual(["a"]);
    ws.sent = [];
    clock.advance(500);
    expect(ws.frames("message").map((f) => f.client_msg_id)).toEqual(["a"]);
  });

  it("queues control frames until connected and drops transient ones", () => {
    const { socket } = setup();
    socket.connect();
    socket.command({ type: "escalate" });
    socket.signal({ type: "typing", on: true });
    FakeSocket.last.accept();
    expect(FakeSocket.last.sent.map((f) => f.type)).toEqual(["auth", "escalate"]);
    socket.signal({ type: "seen", seq: 3 });
    expect(FakeSocket.last.frames("seen")).toEqual([{ type: "seen", seq: 3 }]);
  });

  it("does not reconnect after stop(), and reconnectNow() skips the wait", () => {
    const { socket, clock } = setup();
    socket.connect();
    FakeSocket.last.accept();
    FakeSocket.last.drop(1006);
    socket.reconnectNow();
    expect(FakeSocket.all.length).toBe(2);
    FakeSocket.last.accept();
    socket.stop();
    clock.advance(60_000);
    expect(FakeSocket.all.length).toBe(2);
    expect(FakeSocket.last.closedWith).toBe(1000);
  });

  it("passes every server frame on, and ignores what is not JSON", () => {
    const { socket, frames } = setup();
    socket.connect();
    FakeSocket.last.accept();
    FakeSocket.last.onmessage?.({ data: "not json" });
    FakeSocket.last.receive({ type: "ai_delta", reply_id: "r", index: 0, text: "Hi" });
    expect(frames.map((f) => f.type)).toEqual(["ready", "ai_delta"]);
  });
});
