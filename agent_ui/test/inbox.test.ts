import { describe, expect, it } from "vitest";
import {
  type Action, type State, activeChats, arrivals, contiguousSeq, initialState, mergeMessages,
  previewOf, queueOrder, reduce, resumeMap, transferTargets, unreadCount,
} from "../src/state/inbox";
import { makeEntry } from "../src/state/outbox";
import type { ServerFrame, Session } from "../src/types";
import { ME, msg, session } from "./fixtures";

const run = (state: State, ...actions: Action[]): State => actions.reduce(reduce, state);
// Fixtures build sessions as the REST type (Session); the socket's frames carry the agents'
// view with a few more fields, which the reducer does not read.
const frame = (f: ServerFrame | { type: string; [k: string]: unknown }): Action =>
  ({ type: "frame", frame: f as ServerFrame });

function readyWith(sessions: Session[], waiting: Session[] = []): State {
  return run(initialState(), frame({ type: "ready", role: "agent", agent: ME, sessions, waiting }));
}

describe("queue", () => {
  it("orders the queue oldest escalation first, across widgets, ties by id", () => {
    const a = session({ site_key: "A", escalated_at: "2026-11-26T10:00:05.000Z", session_id: "b" });
    const b = session({ site_key: "B", escalated_at: "2026-11-26T10:00:01.000Z", session_id: "z" });
    const c = session({ site_key: "A", escalated_at: "2026-11-26T10:00:05.000Z", session_id: "a" });
    const state = readyWith([], [a, b, c]);
    expect(queueOrder(state.queue).map((s) => s.session_id)).toEqual(["z", "a", "b"]);
  });

  it("replaces one widget's part of the queue on queue_update and keeps the others", () => {
    const a1 = session({ site_key: "A" });
    const b1 = session({ site_key: "B" });
    let state = readyWith([], [a1, b1]);
    const a2 = session({ site_key: "A" });
    state = run(state, frame({ type: "queue_update", widget: "A", waiting: [a2] }));
    expect(Object.keys(state.queue).sort()).toEqual([a2.session_id, b1.session_id].sort());
    expect(arrivals({ [a1.session_id]: a1 }, { [a2.session_id]: a2 }).map((s) => s.session_id))
      .toEqual([a2.session_id]);
    expect(arrivals({ [a2.session_id]: a2 }, { [a2.session_id]: a2 })).toEqual([]);
  });

  it("moves an accepted session from the queue to the chats, keeping its list fields", () => {
    const s = session({ last_message: "Where is my order?", widget_name: "Acme" });
    let state = readyWith([], [s]);
    state = run(state, frame({ type: "accepted", session: { ...s, status: "assigned",
      last_message: undefined, widget_name: undefined, assigned_agent_id: ME.id } }));
    expect(state.queue).toEqual({});
    const chat = state.chats[s.session_id]!;
    expect(chat.session.widget_name).toBe("Acme");
    expect(chat.session.last_message).toBe("Where is my order?");
    expect(chat.historyLoaded).toBe(false);
  });

  it("keeps the widget's name when the queue update comes before `accepted`", () => {
    const s = session({ site_key: "W", widget_name: "Wonka" });
    let state = readyWith([], [s]);
    state = run(state, frame({ type: "queue_update", widget: "W", waiting: [] }),
      frame({ type: "accepted", session: { ...s, status: "assigned", widget_name: undefined } }));
    expect(state.chats[s.session_id]!.session.widget_name).toBe("Wonka");
  });

  it("previews a waiting session by its last visitor or AI words", () => {
    const sid = "p";
    expect(previewOf([msg(sid, 1), msg(sid, 2, { sender_type: "ai", text: "AI says" }),
      msg(sid, 3, { sender_type: "system", text: "The conversation was handed to a person." })]))
      .toBe("AI says");
    expect(previewOf([msg(sid, 1, { sender_type: "system" })])).toBeNull();
    const s = session({ last_message: "The conversation was handed to a person." });
    let state = readyWith([], [s]);
    state = run(state, { type: "preview", sessionId: s.session_id, text: "Where is my order?" },
      frame({ type: "queue_update", widget: s.site_key, waiting: [] }),
      frame({ type: "accepted", session: { ...s, status: "assigned", last_message: undefined } }));
    expect(state.chats[s.session_id]!.session.last_message).toBe("Where is my order?");
  });

  it("remembers who won a race, and forgets it when the session becomes ours", () => {
    const s = session();
    let state = readyWith([], [s]);
    state = run(state, { type: "taken", sessionId: s.session_id, by: "Bob" });
    expect(state.taken[s.session_id]).toBe("Bob");
    state = run(state, frame({ type: "assigned", session: { ...s, status: "assigned" } }));
    expect(state.taken[s.session_id]).toBeUndefined();
  });
});

describe("messages", () => {
  it("dedupes by seq and keeps seq order whatever the arrival order", () => {
    const sid = "s";
    const list = mergeMessages([msg(sid, 1), msg(sid, 3)], [msg(sid, 2), msg(sid, 3), msg(sid, 1)]);
    expect(list.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(mergeMessages(list, [msg(sid, 4)]).map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it("merges a replay, live frames and a history page into each seq once", () => {
    const s = session({ status: "assigned" });
    const sid = s.session_id;
    let state = readyWith([s]);
    state = run(state,
      frame({ type: "message", ...msg(sid, 3) }),
      { type: "history", sessionId: sid, messages: [msg(sid, 1), msg(sid, 2), msg(sid, 3)], complete: true },
      frame({ type: "message", ...msg(sid, 3) }),
      frame({ type: "message", ...msg(sid, 4) }));
    const chat = state.chats[sid]!;
    expect(chat.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(chat.historyLoaded).toBe(true);
    expect(chat.needsHistory).toBe(false);
    expect(chat.session.last_message).toBe("message 4");
    expect(resumeMap(state)).toEqual({ [sid]: 4 });
  });

  it("asks for the history again after a gap or a reset", () => {
    const s = session({ status: "assigned" });
    const sid = s.session_id;
    let state = readyWith([s]);
    state = run(state, { type: "history", sessionId: sid, messages: [msg(sid, 1)], complete: true });
    state = run(state, frame({ type: "message", ...msg(sid, 3) }));
    expect(state.chats[sid]!.needsHistory).toBe(true);
    expect(contiguousSeq(state.chats[sid]!.messages)).toBe(1);
    expect(resumeMap(state)).toEqual({ [sid]: 1 });
    state = run(state, { type: "history", sessionId: sid, messages: [msg(sid, 2)], complete: true });
    expect(state.chats[sid]!.needsHistory).toBe(false);
    state = run(state, frame({ type: "reset", session_id: sid, last_seq: 9 }));
    expect(state.chats[sid]!.needsHistory).toBe(true);
  });

  it("counts unread visitor messages after what the agent read", () => {
    const s = session({ status: "assigned" });
    const sid = s.session_id;
    let state = readyWith([s]);
    state = run(state,
      { type: "history", sessionId: sid, complete: true, messages: [
        msg(sid, 1), msg(sid, 2, { sender_type: "system" }), msg(sid, 3, { sender_type: "ai" }),
        msg(sid, 4), msg(sid, 5, { sender_type: "agent" }), msg(sid, 6)] });
    expect(unreadCount(state.chats[sid]!)).toBe(3);
    state = run(state, { type: "read", sessionId: sid, seq: 4 });
    expect(unreadCount(state.chats[sid]!)).toBe(1);
    state = run(state, { type: "read", sessionId: sid, seq: 2 });  // never goes back
    expect(state.chats[sid]!.readSeq).toBe(4);
    state = run(state, frame({ type: "message", ...msg(sid, 7) }));
    expect(unreadCount(state.chats[sid]!)).toBe(2);
  });

  it("streams an AI reply and replaces it with the final message", () => {
    const s = session({ status: "assigned" });
    const sid = s.session_id;
    let state = readyWith([s]);
    state = run(state,
      frame({ type: "ai_delta", session_id: sid, reply_id: "ai-1", index: 1, text: "world" }),
      frame({ type: "ai_delta", session_id: sid, reply_id: "ai-1", index: 0, text: "Hello " }));
    expect(state.chats[sid]!.aiDraft?.pieces.join("")).toBe("Hello world");
    state = run(state, frame({ type: "message", ...msg(sid, 1, { sender_type: "ai",
      client_msg_id: "ai-1", text: "Hello world" }) }));
    expect(state.chats[sid]!.aiDraft).toBeNull();
    expect(state.chats[sid]!.messages[0]!.sender_type).toBe("ai");
  });

  it("tracks the visitor's typing and what they have seen", () => {
    const s = session({ status: "assigned" });
    const sid = s.session_id;
    let state = readyWith([s]);
    state = run(state, frame({ type: "typing", session_id: sid, sender_type: "visitor", on: true }));
    expect(state.chats[sid]!.visitorTyping).toBe(true);
    state = run(state, frame({ type: "message", ...msg(sid, 1) }));
    expect(state.chats[sid]!.visitorTyping).toBe(false);
    state = run(state, frame({ type: "seen", session_id: sid, seq: 5, by: "visitor" }),
      frame({ type: "seen", session_id: sid, seq: 3, by: "visitor" }));
    expect(state.chats[sid]!.visitorSeen).toBe(5);
  });
});

describe("outbox", () => {
  it("holds a sent message until its ack, then shows it at its seq", () => {
    const s = session({ status: "assigned" });
    const sid = s.session_id;
    let state = readyWith([s]);
    const entry = makeEntry(sid, "Hi, let me check", "cid-1");
    state = run(state, { type: "send", entry }, { type: "send", entry });
    expect(state.outbox).toHaveLength(1);
    state = run(state, frame({ type: "ack", session_id: sid, client_msg_id: "cid-1", id: 9, seq: 2 }));
    expect(state.outbox).toEqual([]);
    const mine = state.chats[sid]!.messages.find((m) => m.seq === 2)!;
    expect(mine).toMatchObject({ text: "Hi, let me check", sender_type: "agent", sender_name: "Alice" });
    // A repeated ack (after a resend) changes nothing.
    const again = run(state, frame({ type: "ack", session_id: sid, client_msg_id: "cid-1", id: 9, seq: 2 }));
    expect(again.chats[sid]!.messages).toHaveLength(1);
  });

  it("leaves the outbox when a replay brings the message before its ack", () => {
    const s = session({ status: "assigned" });
    const sid = s.session_id;
    let state = readyWith([s]);
    state = run(state, { type: "send", entry: makeEntry(sid, "lost ack", "cid-2") });
    state = run(state, frame({ type: "message", ...msg(sid, 1, { sender_type: "agent",
      client_msg_id: "cid-2", text: "lost ack" }) }));
    expect(state.outbox).toEqual([]);
    expect(state.chats[sid]!.messages).toHaveLength(1);
  });

  it("marks a refused message failed and keeps it out of resends", () => {
    const s = session({ status: "assigned" });
    let state = readyWith([s]);
    state = run(state, { type: "send", entry: makeEntry(s.session_id, "x", "cid-3") },
      { type: "send_failed", clientMsgId: "cid-3", reason: "the message is empty" });
    expect(state.outbox[0]!.failed).toBe("the message is empty");
    state = run(state, { type: "discard", clientMsgId: "cid-3" });
    expect(state.outbox).toEqual([]);
  });
});

describe("chats", () => {
  it("lists open chats by last activity and marks closed and transferred ones", () => {
    const a = session({ status: "assigned", last_activity_at: "2026-11-26T10:00:00.000Z" });
    const b = session({ status: "assigned", last_activity_at: "2026-11-26T10:05:00.000Z" });
    let state = readyWith([a, b]);
    expect(activeChats(state).map((c) => c.session.session_id)).toEqual([b.session_id, a.session_id]);
    state = run(state, frame({ type: "message", ...msg(a.session_id, 1, {
      created_at: "2026-11-26T10:09:00.000Z" }) }));
    expect(activeChats(state)[0]!.session.session_id).toBe(a.session_id);
    state = run(state, frame({ type: "session_closed", session_id: a.session_id, by: "visitor" }));
    expect(state.chats[a.session_id]!.ended).toBe("closed");
    expect(activeChats(state).map((c) => c.session.session_id)).toEqual([b.session_id]);
    state = run(state, frame({ type: "transferred", session: { ...b, assigned_agent_id: 8 } }));
    expect(state.chats[b.session_id]!.ended).toBe("transferred");
    expect(resumeMap(state)).toEqual({});
  });

  it("keeps held messages across a reconnect and marks chats that stopped being ours", () => {
    const a = session({ status: "assigned" });
    const b = session({ status: "assigned" });
    let state = readyWith([a, b]);
    state = run(state, { type: "history", sessionId: a.session_id, complete: true,
      messages: [msg(a.session_id, 1), msg(a.session_id, 2)] });
    state = run(state, { type: "connection", connection: "reconnecting" });
    expect(state.connection).toBe("reconnecting");
    state = run(state, frame({ type: "ready", role: "agent", agent: ME, sessions: [a], waiting: [] }));
    expect(state.connection).toBe("open");
    expect(state.chats[a.session_id]!.messages).toHaveLength(2);
    expect(state.chats[a.session_id]!.historyLoaded).toBe(true);
    expect(state.chats[b.session_id]!.ended).toBe("gone");
  });

  it("offers transfers to online agents of the session's widget and admins, least busy first", () => {
    const s = session({ site_key: "A", status: "assigned" });
    let state = readyWith([s]);
    const member = (id: number, over: object) => ({ id, username: `u${id}`, role: "agent" as const,
      display_name: `Agent ${id}`, widgets: ["A"], status: "online" as const, active_chats: 0,
      max_chats: 5, ...over });
    state = run(state, { type: "team", agents: [
      member(7, {}), member(8, { active_chats: 3 }), member(9, { status: "away" }),
      member(10, { widgets: ["B"] }), member(11, { role: "admin", widgets: [] }),
      member(12, { active_chats: 1 })] });
    expect(transferTargets(state, s).map((a) => a.id)).toEqual([11, 12, 8]);
    state = run(state, frame({ type: "presence", agent_id: 12, status: "offline" }),
      frame({ type: "presence", agent_id: 9, status: "online" }));
    expect(transferTargets(state, s).map((a) => a.id)).toEqual([11, 9, 8]); // equal load: by name
    state = run(state, frame({ type: "presence", agent_id: ME.id, status: "away" }));
    expect(state.me!.status).toBe("away");
  });
});
