import { describe, expect, it } from "vitest";
import { CONNECT_TIMEOUT_MS } from "@parley/protocol";
import { BACKOFF, InboxSocket, agentSocketUrl, backoffDelay } from "../src/socket";
import type { ServerFrame } from "../src/types";

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(frame: object) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code = 1006, reason = "") {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

function harness(lastSeq: Record<string, number> = {}) {
  FakeSocket.all = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const frames: ServerFrame[] = [];
  const states: string[] = [];
  const lost: string[] = [];
  const socket = new InboxSocket({
    url: "ws://x/ws/agent/7", token: "jwt", lastSeq: () => lastSeq,
    onFrame: (f) => frames.push(f), onState: (s) => states.push(s), onAuthLost: (r) => lost.push(r),
    WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
    // The connect time-out is the shared socket's (tested in packages/protocol): left out here.
    setTimer: (fn, ms) => (ms === CONNECT_TIMEOUT_MS ? 0 : timers.push({ fn, ms })), clearTimer: () => undefined, random: () => 0,
  });
  return { socket, timers, frames, states, lost };
}

const READY = { type: "ready", role: "agent", agent: { id: 7 }, sessions: [], waiting: [] };

describe("InboxSocket", () => {
  it("authenticates with the token and the resume map, then sends frames", () => {
    const h = harness({ s1: 4 });
    h.socket.start();
    const ws = FakeSocket.all[0]!;
    expect(h.socket.send({ type: "accept", session_id: "s1" })).toBe(false);
    ws.open();
    expect(ws.sent[0]).toEqual({ type: "auth", token: "jwt", last_seq: { s1: 4 } });
    expect(h.socket.send({ type: "accept", session_id: "s1" })).toBe(false); // not before ready
    ws.receive(READY);
    expect(h.states).toContain("open");
    expect(h.socket.send({ type: "accept", session_id: "s1" })).toBe(true);
    expect(ws.sent[1]).toEqual({ type: "accept", session_id: "s1" });
  });

  it("reconnects with growing backoff and resumes from the map at that time", () => {
    const resume: Record<string, number> = {};
    const h = harness(resume);
    h.socket.start();
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.receive(READY);
    FakeSocket.all[0]!.drop(1012, "server restart");
    expect(h.states.at(-1)).toBe("reconnecting");
    expect(h.timers.at(-1)!.ms).toBe(250); // a restart: spread over a second
    h.timers.at(-1)!.fn();
    FakeSocket.all[1]!.drop();
    expect(h.timers.at(-1)!.ms).toBe(500); // then the back-off, half of it as jitter
    resume.s9 = 12;
    h.timers[1]!.fn();
    FakeSocket.all[2]!.open();
    expect(FakeSocket.all[2]!.sent[0]).toMatchObject({ last_seq: { s9: 12 } });
    FakeSocket.all[2]!.receive(READY);
    FakeSocket.all[2]!.drop();
    expect(h.timers[2]!.ms).toBe(250); // a successful ready resets the backoff
  });

  it("stops and reports when the token is refused, expired or revoked (4401)", () => {
    const h = harness();
    h.socket.start();
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.drop(4401, "token expired");
    expect(h.lost).toEqual(["token expired"]);
    expect(h.timers).toEqual([]);
    expect(h.states.at(-1)).toBe("stopped");
  });

  it("uses the widget's back-off (0.5 s doubling to 15 s, with jitter) and the socket URL", () => {
    expect(backoffDelay(0, BACKOFF, () => 1)).toBe(500);
    expect(backoffDelay(3, BACKOFF, () => 1)).toBe(4000);
    expect(backoffDelay(20, BACKOFF, () => 1)).toBe(15000);
    expect(backoffDelay(0, BACKOFF, () => 0)).toBe(250);
    expect(agentSocketUrl({ protocol: "https:", host: "chat.example.com" }, 7))
      .toBe("wss://chat.example.com/ws/agent/7");
    expect(agentSocketUrl({ protocol: "http:", host: "127.0.0.1:8080" }, 7))
      .toBe("ws://127.0.0.1:8080/ws/agent/7");
  });
});
