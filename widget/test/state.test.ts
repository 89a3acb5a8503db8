// The conversation's reducer, driven directly: no socket, no fetch, no timers, no storage.
import { describe, expect, it } from "vitest";
import {
  type Action, type Effect, GAP_GRACE_MS, GUEST_NOTICE, type Model, SIGN_IN_NOTICE, TYPING_SHOWN_MS, guestBody,
  identityNotice, initialModel, reduce, sessionBody,
} from "../src/state/conversation";
import { gapBefore } from "../src/transcript";
import type { ChatMessage, NewSession, ServerFrame } from "../src/types";

const AT = "2026-11-26T10:00:00Z";
const SESSION: NewSession = {
  session_id: "s1", visitor_token: "pv_secret", status: "active", ai_mode: true, last_seq: 0, visitor_name: null,
};

/** Reduce the actions in turn: the last model and every effect, in order. */
function run(model: Model, ...actions: Action[]): { model: Model; effects: Effect[] } {
  const effects: Effect[] = [];
  for (const action of actions) {
    const r = reduce(model, action);
    model = r.model;
    effects.push(...r.effects);
  }
  return { model, effects };
}

const frame = (f: Record<string, unknown>): Action => ({ type: "frame", frame: f as unknown as ServerFrame, at: AT });
const message = (seq: number, text: string): ChatMessage => ({
  session_id: "s1", id: seq, seq, sender_type: "agent", sender_name: "Alex", text, created_at: AT,
  client_msg_id: `a${seq}`,
});
const agentMsg = (seq: number, text: string): Action => frame({ type: "message", ...message(seq, text) });
const of = <T extends Effect["type"]>(effects: Effect[], type: T) =>
  effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);
const sent = (effects: Effect[]) =>
  effects.flatMap((e) => (e.type === "post" || e.type === "command" || e.type === "signal" ? [e.frame] : []));

/** A live conversation on an open socket. */
function live(): Model {
  return run(initialModel(), { type: "created", session: SESSION }, { type: "socket", state: "open" },
    frame({ type: "ready", session_id: "s1", status: "active", ai_mode: true, last_seq: 0 })).model;
}

describe("reduce", () => {
  it("holds a first message until the session exists, then posts it and keeps the outbox", () => {
    let { model, effects } = run(initialModel(), { type: "send", id: "k1", text: "  hi  ", at: AT, aiEnabled: true });
    expect(model.view.phase).toBe("starting");
    expect(model.log.items.map((i) => [i.key, i.text, i.state])).toEqual([["k1", "hi", "pending"]]);
    expect(effects.map((e) => e.type)).toEqual(["item", "clear_timer", "emit", "create"]);
    ({ model, effects } = run(model, { type: "created", session: SESSION }));
    expect(model.view).toMatchObject({ phase: "live", status: "active" });
    expect(effects.map((e) => e.type)).toEqual(["save", "emit", "connect", "post"]);
    expect(sent(effects)).toEqual([{ type: "message", client_msg_id: "k1", text: "hi" }]);
    ({ model, effects } = run(model, { type: "outbox", pending: [{ type: "message", client_msg_id: "k1", text: "hi" }] }));
    expect(of(effects, "save")[0]?.saved.outbox).toEqual([{ type: "message", client_msg_id: "k1", text: "hi", at: AT }]);
    ({ model } = run(model, frame({ type: "ack", client_msg_id: "k1", id: 1, seq: 1 })));
    expect(model.log.items.map((i) => [i.state, i.seq])).toEqual([["sent", 1]]);
    expect(model.log.watermark).toBe(1);
  });

  it("says why a session could not start, on the form's fields and the unsent message", () => {
    const start = run(initialModel(), { type: "send", id: "k1", text: "hi", at: AT, aiEnabled: true }).model;
    const { model } = run(start, { type: "create_failed", status: 400, message: "Check the form.", fields: { "prechat.email": "Required" } });
    expect(model.view).toMatchObject({ phase: "new", notice: "Check the form.", errors: { email: "Required" } });
    expect(model.log.items[0]).toMatchObject({ state: "failed", error: "Check the form." });
    expect(sessionBody({ name: "Ada" }, { name: "X", email: "x@y.z" }, "https://a.test/p"))
      .toEqual({ prechat: { name: "Ada" }, visitor_email: "x@y.z", page_url: "https://a.test/p" });
  });

  it("leaves the model it was given untouched", () => {
    const before = live();
    const snapshot = JSON.stringify(before);
    run(before, agentMsg(2, "two"), { type: "send", id: "k1", text: "hi", at: AT, aiEnabled: false },
      frame({ type: "seen", seq: 2, by: "agent" }), { type: "reset" });
    expect(JSON.stringify(before)).toBe(snapshot);
  });

  it("restores a saved conversation: outbox shown pending, history, then the socket and the resend", () => {
    const saved = { sid: "s1", token: "pv", theySaw: 1, outbox: [{ type: "message" as const, client_msg_id: "k9", text: "hi", at: AT }] };
    let { model, effects } = run(initialModel(), { type: "restore", saved });
    expect(model.log.items.map((i) => [i.key, i.state])).toEqual([["k9", "pending"]]);
    expect(of(effects, "load_history")).toEqual([{ type: "load_history", sid: "s1", token: "pv", restoring: true }]);
    ({ model, effects } = run(model, { type: "history", page: {
      messages: [message(1, "one")], last_seq: 1, has_more: false, status: "assigned",
    } }, { type: "restored", expired: false }));
    expect(model.view).toMatchObject({ phase: "live", status: "assigned", agent: "Alex" });
    expect(model.log.watermark).toBe(1);
    expect(effects.filter((e) => e.type !== "item").map((e) => e.type)).toEqual(["connect", "post"]);
    // The server no longer knows the session: forget it.
    ({ model, effects } = run(run(initialModel(), { type: "restore", saved }).model, { type: "restored", expired: true }));
    expect(model.saved).toBeNull();
    expect(model.view).toMatchObject({ phase: "new", notice: expect.stringMatching(/ended/) });
    expect(effects.map((e) => e.type)).toEqual(["clear_timer", "forget", "cleared"]);
  });

  it("posts what the visitor writes while a reloaded conversation's history loads", () => {
    const saved = { sid: "s1", token: "pv", outbox: [{ type: "message" as const, client_msg_id: "k9", text: "hi", at: AT }] };
    const loading = run(initialModel(), { type: "restore", saved },
      { type: "send", id: "k1", text: "still there?", at: AT, aiEnabled: true }).model;
    expect(loading.log.items.map((i) => [i.key, i.state])).toEqual([["k9", "pending"], ["k1", "pending"]]);
    let { model, effects } = run(loading, { type: "restored", expired: false });
    expect(sent(effects).map((f) => "client_msg_id" in f && f.client_msg_id)).toEqual(["k9", "k1"]);
    expect(model.unsent).toEqual([]);
    // The server no longer knows the session: what was written starts the next one.
    ({ model, effects } = run(loading, { type: "restored", expired: true }));
    expect(model.log.items.map((i) => [i.key, i.text, i.state])).toEqual([["k1", "still there?", "pending"]]);
    expect(of(effects, "create")).toHaveLength(1);
    ({ effects } = run(model, { type: "created", session: SESSION }));
    expect(sent(effects)).toEqual([{ type: "message", client_msg_id: "k1", text: "still there?" }]);
  });

  it("resumes after the highest seq with no hole below, and asks for a hole once per connection", () => {
    let { model, effects } = run(live(), agentMsg(1, "one"), agentMsg(3, "three"));
    expect(model.log.watermark).toBe(1);
    expect(of(effects, "timer")).toEqual([{ type: "timer", timer: "gap", ms: GAP_GRACE_MS }]);
    ({ model, effects } = run(model, agentMsg(2, "two"), { type: "timeout", timer: "gap" }));
    expect(sent(effects)).toEqual([]); // the late message closed the hole
    expect(model.log.watermark).toBe(3);
    ({ model, effects } = run(model, agentMsg(6, "six"), { type: "timeout", timer: "gap" }));
    expect(gapBefore(model.log)).toBe(6);
    expect(sent(effects)).toEqual([{ type: "fetch", after_seq: 3, before_seq: 6 }]);
    ({ model, effects } = run(model, agentMsg(7, "seven"), { type: "timeout", timer: "gap" }));
    expect(sent(effects)).toEqual([]); // asked already on this socket
    ({ effects } = run(model, { type: "socket", state: "waiting" }, { type: "socket", state: "open" },
      frame({ type: "ready", session_id: "s1", status: "active", ai_mode: true, last_seq: 3 }),
      agentMsg(8, "eight"), { type: "timeout", timer: "gap" }));
    expect(sent(effects)).toEqual([{ type: "fetch", after_seq: 3, before_seq: 8 }]);
    // Not connected when the grace ends: nothing is asked.
    ({ effects } = run(model, { type: "socket", state: "waiting" }, agentMsg(9, "nine"), { type: "timeout", timer: "gap" }));
    expect(sent(effects)).toEqual([]);
  });

  it("streams an AI reply, replaces it with the final message and tells the page once", () => {
    let { model, effects } = run(live(), frame({ type: "typing", sender_type: "ai", on: true }));
    expect(model.view.typing).toBe("Assistant");
    expect(of(effects, "timer")).toEqual([{ type: "timer", timer: "typing", ms: TYPING_SHOWN_MS }]);
    ({ model } = run(model, ...["Parley ", "is ", "a chat."].map((text, index) =>
      frame({ type: "ai_delta", reply_id: "ai-1", index, text }))));
    expect(model.view.typing).toBeNull();
    expect(model.log.items.map((i) => [i.text, i.state])).toEqual([["Parley is a chat.", "streaming"]]);
    ({ model, effects } = run(model, frame({ type: "message", session_id: "s1", id: 2, seq: 1, sender_type: "ai",
      sender_name: null, text: "Parley is a chat.", created_at: AT, client_msg_id: "ai-1" })));
    expect(model.log.items.map((i) => [i.text, i.state])).toEqual([["Parley is a chat.", "sent"]]);
    expect(of(effects, "incoming").map((e) => e.item.text)).toEqual(["Parley is a chat."]);
    expect(of(effects, "emit").map((e) => e.event)).toEqual(["message"]);
  });

  it("offers quick replies under the newest AI message offering a person, while the AI has the chat", () => {
    const offer = (seq: number, key = `ai-${seq}`): Action => frame({ type: "message", session_id: "s1", id: seq, seq,
      sender_type: "ai", sender_name: "Assistant", text: "Shall I find a person?", created_at: AT,
      client_msg_id: key, offer: "person" });
    let { model } = run(live(), offer(1));
    expect(model.view.offer).toBe("ai-1");
    expect(model.log.items[0]).toMatchObject({ offer: true });
    // A quick reply is an ordinary message: pending, posted, kept in the outbox; the offer goes.
    let effects: Effect[];
    ({ model, effects } = run(model, { type: "send", id: "k1", text: "Yes, a person please", at: AT, aiEnabled: true }));
    expect(model.view.offer).toBeNull();
    expect(sent(effects)).toEqual([{ type: "message", client_msg_id: "k1", text: "Yes, a person please" }]);
    // Any later message ends it: the visitor's, an agent's, a system note, an AI reply streaming.
    for (const later of [agentMsg(2, "hi"), frame({ type: "ai_delta", reply_id: "ai-9", index: 0, text: "…" }),
      frame({ type: "message", session_id: "s1", id: 2, seq: 2, sender_type: "system", sender_name: null,
        text: "Escalated", created_at: AT, client_msg_id: "sys-1" })]) {
      expect(run(live(), offer(1), later).model.view.offer).toBeNull();
    }
    // Not once a person has the conversation, nor after it ended; and from history too.
    expect(run(live(), offer(1), frame({ type: "escalated", agents_online: 1, offline: false, outside_hours: false }))
      .model.view.offer).toBeNull();
    expect(run(live(), offer(1), frame({ type: "session_closed", by: "visitor" })).model.view.offer).toBeNull();
    expect(run(live(), frame({ type: "ready", session_id: "s1", status: "assigned", ai_mode: false, last_seq: 0 }),
      offer(1)).model.view.offer).toBeNull();
    const saved = { sid: "s1", token: "pv" };
    ({ model } = run(initialModel(), { type: "restore", saved }, { type: "history", page: {
      messages: [{ ...message(1, "hi"), sender_type: "ai", client_msg_id: "ai-1", offer: "person" }],
      last_seq: 1, has_more: false, status: "active" } }));
    expect(model.view.offer).toBe("ai-1");
    // A plain AI message offers nothing.
    expect(run(live(), frame({ type: "message", ...message(1, "hello"), sender_type: "ai", client_msg_id: "ai-1" }))
      .model.view.offer).toBeNull();
  });

  it("asks for a person before the session exists, then offers email when nobody is there", () => {
    let { model, effects } = run(initialModel(), { type: "escalate" });
    expect(effects.map((e) => e.type)).toEqual(["create"]);
    ({ model, effects } = run(model, { type: "created", session: SESSION }));
    expect(sent(effects)).toEqual([{ type: "escalate", reason: "explicit_request" }]);
    ({ model, effects } = run(model, frame({ type: "escalated", agents_online: 0, offline: true, outside_hours: false })));
    expect(model.view).toMatchObject({ status: "waiting", aiMode: false, away: true });
    expect(of(effects, "announce")[0]?.text).toMatch(/leave your email/);
    // Nobody can answer: a queue position is not announced after "nobody is available".
    ({ model, effects } = run(model, frame({ type: "queue_position", position: 1, estimated_wait_s: null, agents_online: 0 })));
    expect(of(effects, "announce")).toEqual([]);
    ({ model, effects } = run(model, { type: "leave_email", email: "nope", note: "" }));
    expect(model.view.errors.email).toBeTruthy();
    expect(sent(effects)).toEqual([]);
    ({ model, effects } = run(model, { type: "leave_email", email: " ada@example.com ", note: " soon " }));
    expect(sent(effects)).toEqual([{ type: "leave_email", email: "ada@example.com", note: "soon" }]);
    ({ model, effects } = run(model, frame({ type: "email_saved", email: "ada@example.com" })));
    expect(model.view.email).toBe("ada@example.com");
    expect(of(effects, "save")[0]?.saved.email).toBe("ada@example.com");
  });

  it("escalates by itself on a widget without the AI", () => {
    const { effects } = run(live(), { type: "send", id: "k1", text: "hello?", at: AT, aiEnabled: false });
    expect(sent(effects).map((f) => f.type)).toEqual(["message", "escalate"]);
  });

  it("follows the agent, the end, the rating and a reset", () => {
    let { model, effects } = run(live(), frame({ type: "agent_joined", agent: { id: 7, display_name: "Alex" } }),
      frame({ type: "typing", sender_type: "agent", on: true }));
    expect(model.view).toMatchObject({ status: "assigned", agent: "Alex", typing: "Alex" });
    ({ model } = run(model, { type: "timeout", timer: "typing" }));
    expect(model.view.typing).toBeNull();
    ({ model, effects } = run(model, frame({ type: "session_closed", by: "agent" })));
    expect(model.view.phase).toBe("ended");
    expect(of(effects, "emit").map((e) => e.event)).toEqual(["ended"]);
    ({ model, effects } = run(model, { type: "rate", rating: 5 }));
    expect(sent(effects)).toEqual([{ type: "close", rating: 5 }]);
    expect(of(effects, "save")[0]?.saved.rated).toBe(5);
    // The optional comment follows in a second close, cut to 500 characters, and is said.
    ({ model, effects } = run(model, { type: "rate", rating: 5, comment: "Great help" + "!".repeat(600) }));
    expect(sent(effects)).toEqual([{ type: "close", rating: 5, comment: ("Great help" + "!".repeat(600)).slice(0, 500) }]);
    expect(of(effects, "announce")[0]?.text).toBe("Thanks, your comment was sent.");
    expect(model.view.rated).toBe(5);
    ({ model, effects } = run(model, { type: "reset" }));
    expect(model).toMatchObject({ saved: null, socket: false, view: { phase: "new", connection: "none" } });
    expect(effects.map((e) => e.type)).toEqual(["clear_timer", "stop", "forget", "cleared"]);
  });

  it("comes back to life when an agent reopens the ended conversation", () => {
    let { model } = run(live(), frame({ type: "session_closed", by: "system" }));
    expect(model.view.phase).toBe("ended");
    ({ model } = run(model, frame({ type: "agent_joined", agent: { id: 7, display_name: "Alex" } })));
    expect(model.view).toMatchObject({ phase: "live", status: "assigned", agent: "Alex" });
    // A reconnect that finds it reopened says so too.
    ({ model } = run(live(), frame({ type: "session_closed", by: "agent" })));
    ({ model } = run(model, frame({ type: "ready", session_id: "s1", status: "assigned", ai_mode: false, last_seq: 0 })));
    expect(model.view).toMatchObject({ phase: "live", status: "assigned" });
  });

  it("knows the session's email from `ready` or a left email, and asks for the transcript on ending", () => {
    let { model } = run(live());
    expect(model.view.mailTo).toBeNull();
    ({ model } = run(model, frame({ type: "ready", session_id: "s1", status: "active", ai_mode: true, last_seq: 0,
      visitor_email: "ada@example.com" })));
    expect(model.view.mailTo).toBe("ada@example.com");
    ({ model } = run(live(), frame({ type: "email_saved", session_id: "s1", email: "bo@example.com" })));
    expect(model.view.mailTo).toBe("bo@example.com");
    expect(sent(run(model, { type: "end", transcript: true }).effects)).toEqual([{ type: "close", transcript: true }]);
    expect(sent(run(model, { type: "end" }).effects)).toEqual([{ type: "close" }]);
  });

  it("reloads history on `reset`, and forgets the session on an auth close", () => {
    const { effects } = run(live(), frame({ type: "reset", last_seq: 4 }));
    expect(effects).toEqual([{ type: "load_history", sid: "s1", token: "pv_secret", restoring: false }]);
    const { model } = run(live(), { type: "socket", state: "stopped", code: 4401 });
    expect(model.saved).toBeNull();
    expect(model.view.notice).toMatch(/ended/);
    expect(run(live(), { type: "socket", state: "stopped", code: 4403 }).model.view.notice).toMatch(/isn't available/);
  });

  it("sends a read receipt once per seq while connected and remembers what was seen", () => {
    let { model, effects } = run(live(), agentMsg(1, "one"), { type: "seen" }, { type: "seen" });
    expect(sent(effects)).toEqual([{ type: "seen", seq: 1 }]);
    expect(model.saved?.seen).toBe(1);
    ({ model, effects } = run(model, { type: "socket", state: "waiting" }, agentMsg(2, "two"), { type: "seen" }));
    expect(sent(effects)).toEqual([]);
    expect(model.saved?.seen).toBe(2);
  });

  it("repeats typing at most every few seconds and turns it off when idle", () => {
    const { effects } = run(live(), { type: "typing", on: true, now: 0 }, { type: "typing", on: true, now: 1000 },
      { type: "typing", on: true, now: 3500 }, { type: "timeout", timer: "idle" });
    expect(sent(effects)).toEqual([{ type: "typing", on: true }, { type: "typing", on: true }, { type: "typing", on: false }]);
  });

  it("asks who is online when the panel opens, at most every 30 s, and not once handed off", () => {
    const { model, effects } = run(initialModel(), { type: "open", open: true, now: 0 },
      { type: "open", open: true, now: 10_000 }, { type: "open", open: true, now: 30_000 });
    expect(of(effects, "availability").length).toBe(2);
    expect(run(model, { type: "staffed", agentsOnline: false }).model.view.staffed).toBe(false);
    const waiting = run(live(), frame({ type: "escalated", agents_online: 1, offline: false, outside_hours: false })).model;
    expect(of(run(waiting, { type: "open", open: true, now: 99_999 }).effects, "availability")).toEqual([]);
    expect(run(initialModel(true), { type: "open", open: true, now: 0 }).effects).toEqual([]);
  });
});

describe("identity (docs/identity.md)", () => {
  it("sends a signed token alone, and drops the claims for a guest retry", () => {
    expect(sessionBody(undefined, { name: "Ada", email: "a@b.c", token: "h.p.s" }, undefined))
      .toEqual({ identity_token: "h.p.s", page_url: undefined });
    expect(guestBody({ visitor_name: "Eve", visitor_email: "e@x.test", page_url: "https://a.test/" }))
      .toEqual({ page_url: "https://a.test/" });
  });

  it("tells the visitor what a refusal means, in plain words", () => {
    expect(identityNotice("identity_required")).toBe(SIGN_IN_NOTICE());
    expect(identityNotice("identity_token_expired")).toMatch(/couldn't confirm your sign-in/);
    expect(identityNotice("rate_limited")).toBeNull();
    expect(identityNotice(undefined)).toBeNull();
  });

  it("keeps the guest notice when the socket connects, unlike a connection problem's", () => {
    const created = reduce(initialModel(), { type: "created", session: SESSION, guest: true }).model;
    expect(created.view.notice).toBe(GUEST_NOTICE());
    const ready = reduce(created, { type: "frame", at: AT, frame: {
      type: "ready", role: "visitor", session_id: "s1", site_key: "K", visitor_name: null, visitor_email: null,
      status: "active", ai_mode: true, escalated_at: null, last_seq: 0, created_at: AT, agent: null,
    } as unknown as ServerFrame }).model;
    expect(ready.view.notice).toBe(GUEST_NOTICE());
  });
});
