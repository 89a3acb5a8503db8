// Messages with files in the conversation's reducer: sent at once when every file is
// uploaded, held while one is still uploading, kept in the outbox (with their files) across a
// reload and resent with the same client_msg_id; a held message cut off by a reload is shown
// failed, its files to be chosen again.
import { describe, expect, it } from "vitest";
import { type Action, type Effect, type Model, UPLOAD_LOST, initialModel, reduce } from "../src/state/conversation";
import type { Saved } from "../src/storage";
import type { Attached, NewSession, ServerFrame } from "../src/types";

const AT = "2026-12-06T10:00:00Z";
const SESSION: NewSession = {
  session_id: "s1", visitor_token: "pv_secret", status: "active", ai_mode: true, last_seq: 0, visitor_name: null,
};
const PNG: Attached = { id: "a".repeat(32), name: "shot.png", type: "image/png", size: 2048, width: 80, height: 60, thumb: true };
const PDF: Attached = { id: "b".repeat(32), name: "invoice.pdf", type: "application/pdf", size: 9000, thumb: false };
const DRAFT: Attached = { key: "u1", name: "invoice.pdf", type: "application/pdf", size: 9000 };

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
const posts = (effects: Effect[]) => effects.flatMap((e) => (e.type === "post" ? [e.frame] : []));
const saves = (effects: Effect[]) => effects.flatMap((e) => (e.type === "save" ? [e.saved] : []));
const last = <T>(list: T[]): T | undefined => list[list.length - 1];
const live = (): Model => run(initialModel(), { type: "created", session: SESSION }, { type: "socket", state: "open" },
  frame({ type: "ready", session_id: "s1", status: "active", ai_mode: true, last_seq: 0 })).model;
const send = (id: string, text: string, files?: Attached[]): Action =>
  ({ type: "send", id, text, at: AT, aiEnabled: true, ...(files ? { files } : {}) });

describe("messages with files", () => {
  it("sends the upload ids at once when every file is uploaded, with or without a caption", () => {
    const { model, effects } = run(live(), send("k1", "", [PNG]), send("k2", " see ", [PNG, PDF]));
    expect(posts(effects)).toEqual([
      { type: "message", client_msg_id: "k1", text: "", files: [PNG.id] },
      { type: "message", client_msg_id: "k2", text: "see", files: [PNG.id, PDF.id] },
    ]);
    expect(model.log.items.map((i) => [i.key, i.state, i.files?.map((f) => f.name)])).toEqual([
      ["k1", "pending", ["shot.png"]], ["k2", "pending", ["shot.png", "invoice.pdf"]],
    ]);
    // Neither text nor files: nothing.
    expect(run(live(), send("k3", "  ", [])).effects).toEqual([]);
  });

  it("holds a message until its uploads finish, then posts it once", () => {
    let { model, effects } = run(live(), send("k1", "my invoice", [PNG, DRAFT]));
    expect(posts(effects)).toEqual([]);
    expect(last(saves(effects))?.held).toEqual([{ client_msg_id: "k1", text: "my invoice", at: AT, files: [PNG, DRAFT] }]);
    expect(model.log.items[0]?.state).toBe("pending");
    ({ model, effects } = run(model, { type: "uploaded", id: "k1", files: [PNG, PDF] }));
    expect(posts(effects)).toEqual([{ type: "message", client_msg_id: "k1", text: "my invoice", files: [PNG.id, PDF.id] }]);
    expect(saves(effects)[0]?.held).toEqual([]);
    expect(model.log.items[0]?.files).toEqual([PNG, PDF]);
    // A second "uploaded" (a late callback) posts nothing again.
    expect(posts(run(model, { type: "uploaded", id: "k1", files: [PNG, PDF] }).effects)).toEqual([]);
  });

  it("fails a held message whose upload failed, to choose its files again, and can discard it", () => {
    let { model } = run(live(), send("k1", "x", [DRAFT]), { type: "upload_failed", id: "k1", error: "This file is too large." });
    const item = model.log.items[0];
    expect([item?.state, item?.error, item?.again]).toEqual(["failed", "This file is too large.", true]);
    // Not retried as it is: its files never made it.
    expect(posts(run(model, { type: "retry", key: "k1" }).effects)).toEqual([]);
    ({ model } = run(model, { type: "discard", key: "k1" }));
    expect(model.log.items).toEqual([]);
  });

  it("keeps the files with the outbox, and resends the same message after a reload", () => {
    let { model, effects } = run(live(), send("k1", "look", [PNG]));
    const frames = posts(effects);
    ({ effects } = run(model, { type: "outbox", pending: frames }));
    const saved = last(saves(effects)) as Saved;
    expect(saved.outbox).toEqual([{ type: "message", client_msg_id: "k1", text: "look", files: [PNG.id], at: AT, attached: [PNG] }]);

    // The reload: the message is shown with its file at once and posted again, same id and files.
    ({ model, effects } = run(initialModel(), { type: "restore", saved }));
    expect(model.log.items.map((i) => [i.key, i.state, i.files])).toEqual([["k1", "pending", [PNG]]]);
    ({ model, effects } = run(model, { type: "restored", expired: false }));
    expect(posts(effects)).toEqual([{ type: "message", client_msg_id: "k1", text: "look", files: [PNG.id] }]);
    // The server stored it once: the echo replaces the pending entry, with the server's summary.
    ({ model } = run(model, frame({ type: "ack", client_msg_id: "k1", id: 7, seq: 1 }),
      frame({ type: "message", session_id: "s1", id: 7, seq: 1, sender_type: "visitor", sender_name: null,
              text: "look", created_at: AT, client_msg_id: "k1", files: [PNG] })));
    expect(model.log.items.map((i) => [i.key, i.state, i.files])).toEqual([["k1", "sent", [PNG]]]);
  });

  it("shows a message whose uploads a reload cut off as failed, files to be chosen again", () => {
    const saved: Saved = { sid: "s1", token: "t", held: [{ client_msg_id: "k9", text: "here", at: AT, files: [DRAFT] }] };
    const { model, effects } = run(initialModel(), { type: "restore", saved }, { type: "restored", expired: false });
    const item = model.log.items[0];
    expect([item?.key, item?.state, item?.error, item?.again, item?.files]).toEqual(["k9", "failed", UPLOAD_LOST(), true, [DRAFT]]);
    expect(posts(effects)).toEqual([]);
    expect(saves(effects)[0]?.held).toEqual([]); // told once
  });

  it("shows the files of messages from the other side and from history", () => {
    const { model } = run(live(), frame({
      type: "message", session_id: "s1", id: 1, seq: 1, sender_type: "agent", sender_name: "Alex", text: "",
      created_at: AT, client_msg_id: "a1", files: [PDF],
    }), { type: "history", page: { messages: [{
      session_id: "s1", id: 2, seq: 2, sender_type: "visitor", sender_name: null, text: "", created_at: AT,
      client_msg_id: "v2", files: [PNG],
    } as never], has_more: false, last_seq: 2, status: "active" } });
    expect(model.log.items.map((i) => [i.key, i.files])).toEqual([["a1", [PDF]], ["v2", [PNG]]]);
  });
});
