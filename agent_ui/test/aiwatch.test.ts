import { describe, expect, it } from "vitest";
import { fillCanned } from "../src/cannedText";
import { type WatchAction, type WatchState, aiOrder, initialWatch, reduceWatch } from "../src/state/aiwatch";
import { canEdit, removeCanned, searchCanned, upsertCanned } from "../src/state/canned";
import type { CannedResponse, ServerFrame } from "../src/types";
import { ME, msg, session } from "./fixtures";

const run = (state: WatchState, ...actions: WatchAction[]): WatchState => actions.reduce(reduceWatch, state);
const frame = (f: { type: string; [k: string]: unknown }): WatchAction =>
  ({ type: "frame", frame: f as unknown as ServerFrame, myId: ME.id });

describe("the AI's conversations", () => {
  it("starts from ready, adds and updates on ai_session, drops on ai_session_ended", () => {
    const a = session({ status: "active", ai_mode: true, last_activity_at: "2026-11-26T10:00:00.000Z" });
    const b = session({ status: "active", ai_mode: true, last_activity_at: "2026-11-26T10:05:00.000Z" });
    let state = run(initialWatch, frame({ type: "ready", role: "agent", agent: ME, sessions: [],
      waiting: [], ai_sessions: [a] }));
    expect(Object.keys(state.ai)).toEqual([a.session_id]);
    state = run(state, frame({ type: "ai_session", widget: "KEY_A", session: b }));
    expect(aiOrder(state.ai).map((s) => s.session_id)).toEqual([b.session_id, a.session_id]);
    const asked = { ...a, last_visitor_message: "Where is my parcel?",
      last_activity_at: "2026-11-26T10:09:00.000Z" };
    state = run(state, frame({ type: "ai_session", widget: "KEY_A", session: asked }));
    expect(aiOrder(state.ai)[0]?.last_visitor_message).toBe("Where is my parcel?");
    state = run(state, frame({ type: "ai_session_ended", session_id: a.session_id, reason: "escalated" }));
    expect(Object.keys(state.ai)).toEqual([b.session_id]);
    state = run(state, frame({ type: "accepted", session: b }));
    expect(state.ai).toEqual({});
  });

  it("follows the watched conversation: history, live messages, the AI's streamed text", () => {
    const s = session({ status: "active", ai_mode: true, last_seq: 2 });
    const sid = s.session_id;
    let state = run(initialWatch, { type: "watch", sessionId: sid }, frame({ type: "watching", session: s }),
      { type: "history", sessionId: sid, messages: [msg(sid, 1), msg(sid, 2, { sender_type: "ai" })] });
    expect(state.watched?.historyLoaded).toBe(true);
    state = run(state,
      frame({ type: "ai_delta", session_id: sid, reply_id: "ai-1", index: 0, text: "Orders " }),
      frame({ type: "ai_delta", session_id: sid, reply_id: "ai-1", index: 1, text: "ship." }),
      frame({ type: "ai_delta", session_id: "elsewhere", reply_id: "ai-2", index: 0, text: "x" }));
    expect(state.watched?.aiDraft?.pieces.join("")).toBe("Orders ship.");
    state = run(state, frame({ type: "message", ...msg(sid, 3, { sender_type: "ai", client_msg_id: "ai-1",
      text: "Orders ship." }) }), frame({ type: "message", ...msg(sid, 2, { sender_type: "ai" }) }));
    expect(state.watched?.aiDraft).toBeNull();
    expect(state.watched?.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(state.watched?.session?.last_seq).toBe(3);
  });

  it("says when someone else took the watched conversation, not when I did", () => {
    const s = session({ status: "active", ai_mode: true });
    const sid = s.session_id;
    const base = run(initialWatch, { type: "watch", sessionId: sid }, frame({ type: "watching", session: s }));
    const mine = run(base, frame({ type: "agent_joined", session_id: sid, agent: { id: ME.id, display_name: "Alice" } }));
    expect(mine.watched?.gone).toBeNull();
    const theirs = run(base, frame({ type: "agent_joined", session_id: sid, agent: { id: 99, display_name: "Bob" } }));
    expect(theirs.watched?.gone).toBe("Bob took this conversation.");
    const closed = run(base, frame({ type: "session_closed", session_id: sid, by: "visitor" }));
    expect(closed.watched?.gone).toBe("The conversation was closed.");
    expect(run(base, { type: "watch", sessionId: null }).watched).toBeNull();
    const refused = run(initialWatch, { type: "watch", sessionId: "x" },
      { type: "refused", sessionId: "x", reason: "no such session" });
    expect(refused.watched?.gone).toBe("no such session");
    expect(run(base, { type: "refused", sessionId: "other", reason: "?" })).toBe(base);
  });
});

describe("canned responses", () => {
  const c = (id: number, shortcut: string, over: Partial<CannedResponse> = {}): CannedResponse => ({
    id, site_key: null, shortcut, title: shortcut, text: `text of ${shortcut}`, scope: "global",
    owner_id: null, ...over });

  it("are added, replaced and removed by id, in shortcut order", () => {
    let list = upsertCanned([], c(2, "ship"));
    list = upsertCanned(list, c(1, "hello"));
    list = upsertCanned(list, c(2, "delivery"));
    expect(list.map((x) => `${x.id}:${x.shortcut}`)).toEqual(["2:delivery", "1:hello"]);
    expect(removeCanned(list, 2).map((x) => x.id)).toEqual([1]);
    expect(removeCanned(list, 9)).toBe(list);
  });

  it("are searched by every word in shortcut, title and text", () => {
    const list = [c(1, "hello", { text: "Hi there" }), c(2, "refund", { title: "Money back" })];
    expect(searchCanned(list, "money").map((x) => x.id)).toEqual([2]);
    expect(searchCanned(list, "HI there").map((x) => x.id)).toEqual([1]);
    expect(searchCanned(list, "  ")).toBe(list);
  });

  it("may be changed as the server's rules say", () => {
    const agent = { id: 7, role: "agent" as const };
    const admin = { id: 1, role: "admin" as const };
    const mine = c(1, "a", { scope: "personal", owner_id: 7 });
    const theirs = c(2, "b", { scope: "personal", owner_id: 8 });
    const widget = c(3, "c", { scope: "widget", site_key: "W" });
    const global = c(4, "d");
    expect([mine, theirs, widget, global].map((x) => canEdit(x, agent, new Set()))).toEqual(
      [true, false, false, false]);
    expect(canEdit(widget, agent, new Set(["W"]))).toBe(true);
    expect([theirs, widget, global].map((x) => canEdit(x, admin, new Set()))).toEqual([false, true, true]);
  });

  it("fill in their variables, with fallbacks for what is unknown", () => {
    const ctx = { visitorName: "Vera Lang", visitorEmail: "vera@example.com", agentName: "Alice Smith" };
    expect(fillCanned("Hi {{visitor.name}}, {{agent.first_name}} here. Mail: {{ visitor.email }}", ctx))
      .toBe("Hi Vera Lang, Alice here. Mail: vera@example.com");
    expect(fillCanned("Hi {{visitor.first_name}}!", ctx)).toBe("Hi Vera!");
    const unknown = { visitorName: null, visitorEmail: "", agentName: "Alice" };
    expect(fillCanned("Hi {{visitor.name}}! ({{visitor.email}})", unknown)).toBe("Hi there! ()");
    expect(fillCanned("Hi {{visitor.name|friend}}, {{visitor.email|no email}}", unknown))
      .toBe("Hi friend, no email");
    expect(fillCanned("Keep {{visitor.age}} and {{nope}}", ctx)).toBe("Keep {{visitor.age}} and {{nope}}");
  });
});
