import { describe, expect, it } from "vitest";
import { type Change, EMPTY_LOG, Transcript, gapBefore } from "../src/transcript";
import type { ChatMessage, SenderType } from "../src/types";

let nextId = 1;
function m(seq: number, sender: SenderType, text: string, cid = `c${seq}`): ChatMessage {
  return {
    session_id: "s1", id: nextId++, seq, sender_type: sender, sender_name: sender === "agent" ? "Alex" : null,
    text, created_at: "2026-11-26T10:00:00Z", client_msg_id: cid,
  };
}

function setup() {
  const changes: Change[] = [];
  const t = new Transcript((c) => changes.push(c));
  const view = () => t.list().map((i) => `${i.seq ?? "-"}:${i.sender}:${i.text}:${i.state}`);
  return { t, changes, view };
}

describe("Transcript", () => {
  it("shows an own message at once, pending, and marks it sent when acked", () => {
    const { t, view } = setup();
    t.addPending("k1", "hello", "2026-11-26T10:00:00Z");
    expect(view()).toEqual(["-:visitor:hello:pending"]);
    t.ack("k1", 1);
    expect(view()).toEqual(["1:visitor:hello:sent"]);
    expect(t.lastSeq).toBe(1);
  });

  it("keeps one entry per client_msg_id: an ack, a replay and another tab's echo are one message", () => {
    const { t, view } = setup();
    t.addPending("k1", "hello", "x");
    t.ack("k1", 1);
    expect(t.message(m(1, "visitor", "hello", "k1"))).toBe(false); // another tab's echo
    t.ack("k1", 1); // the same ack again (a resend after reconnect)
    expect(t.message(m(2, "agent", "hi"))).toBe(true);
    expect(t.message(m(2, "agent", "hi"))).toBe(false); // replayed after a reconnect
    expect(view()).toEqual(["1:visitor:hello:sent", "2:agent:hi:sent"]);
  });

  it("orders by seq, pending messages last, and moves a message to its place when acked", () => {
    const { t, changes, view } = setup();
    t.message(m(1, "agent", "one"));
    t.addPending("mine", "two?", "x");
    t.message(m(3, "agent", "three")); // arrived before the ack of ours
    expect(view()).toEqual(["1:agent:one:sent", "3:agent:three:sent", "-:visitor:two?:pending"]);
    t.ack("mine", 2);
    expect(view()).toEqual(["1:agent:one:sent", "2:visitor:two?:sent", "3:agent:three:sent"]);
    expect(changes[changes.length - 1]).toMatchObject({ before: "c3", added: false });
  });

  it("resumes after the last seq with nothing missing before it", () => {
    const { t } = setup();
    t.message(m(1, "agent", "a"));
    t.message(m(2, "agent", "b"));
    t.message(m(4, "agent", "d")); // 3 never came
    expect(t.lastSeq).toBe(2);
    t.message(m(3, "agent", "c"));
    expect(t.lastSeq).toBe(4);
  });

  it("loads history (after `reset`) without duplicating what it already shows", () => {
    const { t, view } = setup();
    t.message(m(1, "agent", "a"));
    t.addPending("p", "unsent", "x");
    const fresh = t.load([m(1, "agent", "a"), m(2, "visitor", "b"), m(3, "agent", "c")], 3);
    expect(fresh.map((x) => x.seq)).toEqual([2, 3]);
    expect(view()).toEqual(["1:agent:a:sent", "2:visitor:b:sent", "3:agent:c:sent", "-:visitor:unsent:pending"]);
    expect(t.lastSeq).toBe(3);
  });

  it("trusts the server's last_seq after a full history load (gaps it will never send)", () => {
    const { t } = setup();
    t.load([m(1, "agent", "a"), m(3, "agent", "c")], 3);
    expect(t.lastSeq).toBe(3);
  });

  it("marks own messages seen up to the seq the agent has read", () => {
    const { t, view } = setup();
    t.addPending("a", "one", "x");
    t.ack("a", 1);
    t.addPending("b", "two", "x");
    t.ack("b", 2);
    expect(t.seen(1).map((i) => i.key)).toEqual(["a"]);
    expect(view()).toEqual(["1:visitor:one:seen", "2:visitor:two:sent"]);
    t.addPending("c", "three", "x");
    t.seen(5);
    t.ack("c", 3); // acked after the agent had already seen up to 5
    expect(view()).toEqual(["1:visitor:one:seen", "2:visitor:two:seen", "3:visitor:three:seen"]);
  });

  it("marks a refused message failed and lets it be retried", () => {
    const { t, view } = setup();
    t.addPending("a", "too long", "x");
    t.fail("a", "messages are at most 4000 characters");
    expect(view()).toEqual(["-:visitor:too long:failed"]);
    expect(t.get("a")?.error).toContain("4000");
    t.retry("a");
    expect(view()).toEqual(["-:visitor:too long:pending"]);
  });
});

describe("Transcript: streamed AI replies", () => {
  it("assembles ai_delta pieces word by word", () => {
    const { t, view } = setup();
    const words = ["Parley ", "is ", "a ", "self-hosted ", "chat."];
    const seen: string[] = [];
    words.forEach((w, i) => {
      t.delta("ai-1", i, w, "x");
      seen.push(t.get("ai-1")?.text ?? "");
    });
    expect(seen).toEqual(["Parley ", "Parley is ", "Parley is a ", "Parley is a self-hosted ",
      "Parley is a self-hosted chat."]);
    expect(view()).toEqual(["-:ai:Parley is a self-hosted chat.:streaming"]);
  });

  it("ignores a repeated piece and joins pieces that arrive out of order", () => {
    const { t } = setup();
    t.delta("ai-1", 0, "Hello ", "x");
    t.delta("ai-1", 0, "Hello ", "x");
    t.delta("ai-1", 2, "you", "x");
    expect(t.get("ai-1")?.text).toBe("Hello ");
    t.delta("ai-1", 1, "to ", "x");
    expect(t.get("ai-1")?.text).toBe("Hello to you");
  });

  it("shows a reply joined midway from the first piece it got", () => {
    const { t } = setup();
    t.delta("ai-1", 5, "the ", "x");
    t.delta("ai-1", 6, "end", "x");
    expect(t.get("ai-1")?.text).toBe("the end");
  });

  it("replaces the streamed reply with the final message (same id) and ignores late pieces", () => {
    const { t, changes, view } = setup();
    t.message(m(1, "visitor", "what is parley?", "q"));
    t.delta("ai-1", 0, "Parley ", "x");
    t.delta("ai-1", 1, "is", "x");
    const keyed = changes.filter((c) => c.item.key === "ai-1");
    expect(t.message({ ...m(2, "ai", "Parley is a chat."), client_msg_id: "ai-1" })).toBe(true);
    expect(t.message({ ...m(2, "ai", "Parley is a chat."), client_msg_id: "ai-1" })).toBe(false);
    expect(view()).toEqual(["1:visitor:what is parley?:sent", "2:ai:Parley is a chat.:sent"]);
    t.delta("ai-1", 2, " late", "x");
    expect(t.get("ai-1")?.text).toBe("Parley is a chat.");
    expect(t.list().length).toBe(2);
    expect(keyed.every((c) => !c.removed)).toBe(true);
  });

  it("replaces the streamed reply when the final one is stored under another id", () => {
    const { t, changes, view } = setup();
    t.delta("ai-abc", 0, "I don't know", "x");
    t.message({ ...m(2, "ai", "I don't know."), client_msg_id: "ai-nm-abc" });
    expect(view()).toEqual(["2:ai:I don't know.:sent"]);
    expect(changes.some((c) => c.item.key === "ai-abc" && c.removed)).toBe(true);
  });

  it("drops replies that will never finish", () => {
    const { t, view } = setup();
    t.delta("ai-1", 0, "half", "x");
    expect(t.dropStreaming().map((i) => i.key)).toEqual(["ai-1"]);
    expect(view()).toEqual([]);
  });

  it("edits a copy: the log it started from and the items it returned stay as they were", () => {
    const first = new Transcript();
    first.addPending("k1", "hello", "x");
    first.delta("ai-1", 0, "Hi ", "x");
    const before = first.log;
    const snapshot = JSON.stringify(before.items);
    const changes: Change[] = [];
    const t = new Transcript((c) => changes.push(c), before);
    const pending = t.get("k1");
    t.ack("k1", 1);
    t.delta("ai-1", 1, "there", "x");
    t.seen(1);
    t.message(m(3, "agent", "three"));
    expect(JSON.stringify(before.items)).toBe(snapshot);
    expect(before.streams.get("ai-1")?.size).toBe(1);
    expect(pending?.state).toBe("pending");
    const after = t.log;
    expect(after.items.map((i) => [i.key, i.state, i.text])).toEqual([
      ["k1", "seen", "hello"], ["c3", "sent", "three"], ["ai-1", "streaming", "Hi there"]]);
    expect([after.watermark, gapBefore(after), gapBefore(before), gapBefore(EMPTY_LOG)]).toEqual([1, 3, null, null]);
    expect(changes.length).toBeGreaterThan(0);
  });
});
