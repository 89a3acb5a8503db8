// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Conversation, type State } from "../src/conversation";
import type { Host, PublicConfig } from "../src/types";
import { GUEST_NOTICE } from "../src/state/conversation";
import { FakeSocket } from "./fakes";

const CONFIG: PublicConfig = {
  site_key: "KEY12345", business_name: "Acme", widget_title: "Chat with Acme",
  welcome_message: "Hi!", primary_color: "#007bff", secondary_color: "#6c757d",
  position: "bottom-right", enable_prechat_form: false, prechat_fields: [], business_hours: null,
  timezone: "UTC", ai_enabled: true, mail: false, visitor_uploads: true, require_identity: false, visitor_tracking: false,
  language: "en", text_overrides: {},
  uploads: { max_bytes: 10485760, max_files: 10, types: ["image/png"] },
};

interface Call { url: string; method: string; headers: Record<string, string>; body: unknown }

let calls: Call[];
let history: { messages: unknown[]; last_seq: number; status: string };
let emitted: [string, unknown][];
let staffed: boolean;

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

beforeEach(() => {
  vi.useFakeTimers();
  localStorage.clear();
  FakeSocket.all = [];
  calls = [];
  emitted = [];
  staffed = true;
  history = { messages: [], last_seq: 0, status: "active" };
  vi.stubGlobal("WebSocket", FakeSocket);
  vi.stubGlobal("fetch", vi.fn(async (url: string, init: RequestInit = {}) => {
    calls.push({ url, method: init.method ?? "GET", headers: (init.headers ?? {}) as Record<string, string>,
      body: init.body ? JSON.parse(String(init.body)) : undefined });
    if (url.endsWith("/sessions")) {
      return reply(201, { session_id: "s1", visitor_token: "pv_secret", status: "active", ai_mode: true, last_seq: 0 });
    }
    if (url.includes("/messages")) return reply(200, { ...history, has_more: false });
    if (url.endsWith("/availability")) return reply(200, { open: true, agents_online: staffed });
    return reply(404, { error: { code: "not_found", message: "no" } });
  }));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function make() {
  const states: State[] = [];
  const incoming: string[] = [];
  const host: Host = {
    root: document.createElement("div"), config: CONFIG, base: "https://chat.test/", siteKey: "KEY12345",
    identity: {}, attrs: [], launcher: document.createElement("button"),
    setOpen: () => {}, setUnread: () => {}, words: { lang: "en", pack: [], over: {} }, t: (k: string) => k, emit: (e, d) => emitted.push([e, d]),
  };
  const conv = new Conversation(host, {
    changed: (s) => states.push({ ...s }), item: () => {}, cleared: () => {},
    incoming: (i) => incoming.push(i.text), announce: () => {},
  });
  return { conv, states, incoming };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await vi.advanceTimersByTimeAsync(0);
};
const saved = () => JSON.parse(localStorage.getItem("parley:KEY12345") ?? "null");
const agentMsg = (seq: number, text: string) => ({
  type: "message", session_id: "s1", id: seq, seq, sender_type: "agent", sender_name: "Alex", text,
  created_at: "2026-11-26T10:00:00Z", client_msg_id: `a${seq}`,
});

describe("Conversation", () => {
  it("creates no session and stores nothing until the visitor writes", async () => {
    const { conv } = make();
    await conv.restore();
    conv.typing(true);
    conv.seen();
    expect(calls).toEqual([]);
    expect(localStorage.length).toBe(0);
    expect(FakeSocket.all).toEqual([]);
  });

  it("starts the session on the first message, keeps it, and sends the message once ready", async () => {
    const { conv } = make();
    conv.send("  hello  ");
    expect(conv.transcript.list().map((i) => [i.text, i.state])).toEqual([["hello", "pending"]]);
    await settle();
    expect(calls[0]).toMatchObject({ method: "POST", url: "https://chat.test/api/widgets/KEY12345/sessions" });
    expect(calls[0]?.body).toEqual({ page_url: "http://localhost:3000/" });
    expect(saved()).toMatchObject({ sid: "s1", token: "pv_secret" });
    const ws = FakeSocket.last;
    expect(ws.url).toBe("wss://chat.test/ws/s1");
    ws.accept();
    const [frame] = ws.frames("message");
    expect(frame).toMatchObject({ type: "message", text: "hello" });
    expect(String(frame?.client_msg_id)).toMatch(/^[0-9a-f-]{36}$/);
    expect(saved().outbox.map((f: { text: string }) => f.text)).toEqual(["hello"]);
    ws.receive({ type: "ack", client_msg_id: frame?.client_msg_id, id: 1, seq: 1 });
    expect(conv.transcript.list().map((i) => [i.text, i.state, i.seq])).toEqual([["hello", "sent", 1]]);
    expect(saved().outbox).toEqual([]);
    expect(emitted.map(([e]) => e)).toEqual(["message", "session"]);
  });

  it("sends the visitor's identity when there is no pre-chat form", async () => {
    const { conv } = make();
    (conv as unknown as { host: Host }).host.identity.name = "Ada";
    conv.send("hi");
    await settle();
    expect(calls[0]?.body).toMatchObject({ visitor_name: "Ada" });
  });

  it("sends a signed identity token instead of the claims beside it", async () => {
    const { conv } = make();
    Object.assign((conv as unknown as { host: Host }).host.identity, { name: "Ada", email: "a@b.c", token: "h.p.s" });
    conv.send("hi");
    await settle();
    expect(calls[0]?.body).toEqual({ identity_token: "h.p.s", page_url: "http://localhost:3000/" });
  });

  it("chats as a guest when the widget refuses unsigned claims, and says so", async () => {
    const plain = fetch;
    vi.stubGlobal("fetch", vi.fn(async (url: string, init: RequestInit = {}) => {
      const body = init.body ? JSON.parse(String(init.body)) as Record<string, unknown> : {};
      if (url.endsWith("/sessions") && body.visitor_email) {
        calls.push({ url, method: "POST", headers: {}, body });
        return reply(403, { error: { code: "identity_unverified", message: "needs a token" } });
      }
      return plain(url, init);
    }));
    const { conv, states } = make();
    Object.assign((conv as unknown as { host: Host }).host.identity, { email: "eve@example.com" });
    conv.send("hi");
    await settle();
    expect(calls.map((c) => c.body)).toEqual([
      { visitor_email: "eve@example.com", page_url: "http://localhost:3000/" },
      { page_url: "http://localhost:3000/" },
    ]);
    expect(states[states.length - 1]).toMatchObject({ phase: "live", notice: GUEST_NOTICE() });
  });

  it("tells the visitor politely when their sign-in was refused", async () => {
    vi.stubGlobal("fetch", vi.fn(async () =>
      reply(403, { error: { code: "identity_token_expired", message: "the identity token has expired" } })));
    const { conv, states } = make();
    (conv as unknown as { host: Host }).host.identity.token = "h.p.s";
    conv.send("hi");
    await settle();
    expect(states[states.length - 1]?.notice).toMatch(/couldn't confirm your sign-in/);
  });

  it("continues on another page: history over REST, then the socket resumes after it", async () => {
    localStorage.setItem("parley:KEY12345", JSON.stringify({ sid: "s1", token: "pv_secret", seen: 1 }));
    history = { messages: [agentMsg(1, "one"), agentMsg(2, "two"), agentMsg(3, "three")], last_seq: 3, status: "assigned" };
    const { conv, states } = make();
    await conv.restore();
    expect(calls[0]).toMatchObject({ method: "GET", headers: { Authorization: "Bearer pv_secret" } });
    expect(calls[0]?.url).toContain("/sessions/s1/messages?after_seq=0");
    expect(conv.transcript.list().map((i) => i.text)).toEqual(["one", "two", "three"]);
    expect(states[states.length - 1]).toMatchObject({ phase: "live", status: "assigned", agent: "Alex" });
    expect(FakeSocket.last.accept({ status: "assigned" })).toMatchObject({ last_seq: 3, token: "pv_secret" });
    expect(conv.savedSeen).toBe(1);
  });

  it("reloads history over REST when the server says `reset`", async () => {
    localStorage.setItem("parley:KEY12345", JSON.stringify({ sid: "s1", token: "pv_secret" }));
    const { conv } = make();
    await conv.restore();
    FakeSocket.last.accept();
    history = { messages: [agentMsg(1, "one"), agentMsg(2, "two")], last_seq: 2, status: "active" };
    FakeSocket.last.receive({ type: "reset", last_seq: 2 });
    await settle();
    expect(calls.filter((c) => c.url.includes("/messages")).length).toBe(2);
    expect(conv.transcript.list().map((i) => i.text)).toEqual(["one", "two"]);
    expect(conv.transcript.lastSeq).toBe(2);
  });

  it("resends what was typed offline after a reload, under the same client_msg_id", async () => {
    const first = make().conv;
    first.send("hi");
    await settle();
    FakeSocket.last.accept();
    const cid = FakeSocket.last.frames("message")[0]?.client_msg_id;
    FakeSocket.last.drop(1006); // the connection is lost before the ack, then the page reloads
    FakeSocket.all = [];
    const { conv } = make();
    await conv.restore();
    expect(conv.transcript.list().map((i) => [i.text, i.state])).toEqual([["hi", "pending"]]);
    FakeSocket.last.accept();
    expect(FakeSocket.last.frames("message")).toEqual([{ type: "message", client_msg_id: cid, text: "hi" }]);
  });

  it("forgets a conversation the server no longer opens (4401) and starts afresh", async () => {
    localStorage.setItem("parley:KEY12345", JSON.stringify({ sid: "s1", token: "pv_old" }));
    const { conv, states } = make();
    await conv.restore();
    FakeSocket.last.open();
    FakeSocket.last.drop(4401);
    expect(localStorage.getItem("parley:KEY12345")).toBeNull();
    expect(states[states.length - 1]).toMatchObject({ phase: "new" });
    expect(states[states.length - 1]?.notice).toMatch(/ended/);
  });

  it("streams an AI reply word by word and replaces it with the final message", async () => {
    const { conv, incoming } = make();
    conv.send("what is parley?");
    await settle();
    const ws = FakeSocket.last;
    ws.accept();
    ws.receive({ type: "typing", sender_type: "ai", on: true });
    expect(conv.state.typing).toBe("Assistant");
    for (const [i, w] of ["Parley ", "is ", "a chat."].entries()) {
      ws.receive({ type: "ai_delta", reply_id: "ai-1", index: i, text: w });
    }
    expect(conv.state.typing).toBeNull();
    expect(conv.transcript.get("ai-1")).toMatchObject({ text: "Parley is a chat.", state: "streaming" });
    ws.receive({ type: "message", session_id: "s1", id: 2, seq: 2, sender_type: "ai", sender_name: "Assistant",
      text: "Parley is a chat.", created_at: "2026-11-26T10:00:00Z", client_msg_id: "ai-1" });
    expect(conv.transcript.list().filter((i) => i.sender === "ai").map((i) => [i.text, i.state]))
      .toEqual([["Parley is a chat.", "sent"]]);
    expect(incoming).toEqual(["Parley is a chat."]);
  });

  it("asks for a person, shows the queue, offers email when nobody is there", async () => {
    const { conv } = make();
    conv.escalate(); // before any message: the session starts, then the escalation is sent
    await settle();
    const ws = FakeSocket.last;
    ws.accept();
    expect(ws.frames("escalate")).toEqual([{ type: "escalate", reason: "explicit_request" }]);
    ws.receive({ type: "escalated", agents_online: 0, offline: true, outside_hours: false });
    expect(conv.state).toMatchObject({ status: "waiting", away: true });
    expect(conv.leaveEmail("nope", "")).toBe(false);
    expect(conv.state.errors.email).toBeTruthy();
    expect(conv.leaveEmail("ada@example.com", "")).toBe(true);
    expect(ws.frames("leave_email")).toEqual([{ type: "leave_email", email: "ada@example.com" }]);
    ws.receive({ type: "email_saved", email: "ada@example.com" });
    expect(conv.state.email).toBe("ada@example.com");
    expect(saved().email).toBe("ada@example.com");
  });

  it("follows the queue, the agent joining, read receipts and the end with a rating", async () => {
    const { conv } = make();
    conv.send("I need help");
    await settle();
    const ws = FakeSocket.last;
    ws.accept();
    const cid = ws.frames("message")[0]?.client_msg_id;
    ws.receive({ type: "ack", client_msg_id: cid, id: 1, seq: 1 });
    ws.receive({ type: "escalated", agents_online: 1, offline: false, outside_hours: false });
    ws.receive({ type: "queue_position", position: 2, estimated_wait_s: 120, agents_online: 1 });
    expect(conv.state).toMatchObject({ status: "waiting", away: false, queue: { position: 2 } });
    ws.receive({ type: "agent_joined", agent: { id: 7, display_name: "Alex" } });
    expect(conv.state).toMatchObject({ status: "assigned", agent: "Alex", queue: null });
    ws.receive({ type: "typing", sender_type: "agent", on: true });
    expect(conv.state.typing).toBe("Alex");
    vi.advanceTimersByTime(8000);
    expect(conv.state.typing).toBeNull();
    ws.receive({ type: "seen", seq: 1, by: "agent" });
    expect(conv.transcript.get(String(cid))?.state).toBe("seen");
    ws.receive(agentMsg(2, "Hi, I'm Alex"));
    conv.seen();
    expect(ws.frames("seen")).toEqual([{ type: "seen", seq: 2 }]);
    ws.receive({ type: "session_closed", by: "agent" });
    expect(conv.state.phase).toBe("ended");
    conv.rate(5);
    expect(ws.frames("close")).toEqual([{ type: "close", rating: 5 }]);
    conv.reset();
    expect(localStorage.getItem("parley:KEY12345")).toBeNull();
    expect(conv.transcript.list()).toEqual([]);
  });

  it("escalates by itself when the widget has no AI", async () => {
    const { conv } = make();
    (conv as unknown as { host: Host }).host.config = { ...CONFIG, ai_enabled: false };
    conv.send("hello?");
    await settle();
    FakeSocket.last.accept();
    expect(FakeSocket.last.sent.map((f) => f.type)).toEqual(["auth", "message", "escalate"]);
  });

  it("fetches the messages missing below a live one once the hole has stayed open a second", async () => {
    localStorage.setItem("parley:KEY12345", JSON.stringify({ sid: "s1", token: "pv_secret" }));
    const { conv } = make();
    await conv.restore();
    const ws = FakeSocket.last;
    ws.accept();
    ws.receive(agentMsg(1, "one"));
    ws.receive(agentMsg(3, "three")); // 2 is late, or lost between server processes
    await vi.advanceTimersByTimeAsync(500);
    ws.receive(agentMsg(2, "two")); // late: nothing to repair
    await vi.advanceTimersByTimeAsync(1000);
    expect(ws.frames("fetch")).toEqual([]);
    ws.receive(agentMsg(6, "six")); // 4 and 5 lost
    ws.receive(agentMsg(7, "seven"));
    await vi.advanceTimersByTimeAsync(1000);
    expect(ws.frames("fetch")).toEqual([{ type: "fetch", after_seq: 3, before_seq: 7 }]);
    ws.receive(agentMsg(4, "four"));
    ws.receive(agentMsg(5, "five"));
    expect(conv.transcript.list().map((i) => i.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(conv.transcript.lastSeq).toBe(7);
    // A hole the server cannot fill is asked about once per connection, not after every message.
    ws.receive(agentMsg(9, "nine"));
    await vi.advanceTimersByTimeAsync(1000);
    ws.receive(agentMsg(10, "ten"));
    await vi.advanceTimersByTimeAsync(1000);
    expect(ws.frames("fetch").slice(1)).toEqual([{ type: "fetch", after_seq: 7, before_seq: 9 }]);
  });

  it("asks whether anyone is online when the panel opens, until a hand-off", async () => {
    const { conv } = make();
    staffed = false;
    conv.setOpen(true);
    await settle();
    expect(calls.map((c) => c.url)).toEqual(["https://chat.test/api/widgets/KEY12345/availability"]);
    expect(conv.state.staffed).toBe(false);
    conv.setOpen(false);
    conv.setOpen(true); // asked again only after a while
    await settle();
    expect(calls.length).toBe(1);
    staffed = true;
    await vi.advanceTimersByTimeAsync(30_000);
    conv.setOpen(true);
    await settle();
    expect(calls.length).toBe(2);
    expect(conv.state.staffed).toBe(true);
  });
});
