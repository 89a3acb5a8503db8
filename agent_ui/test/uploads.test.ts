import { describe, expect, it } from "vitest";
import { pastedName } from "../src/components/MessageComposer";
import { fileKind, fileSize } from "../src/format";
import { type Action, type State, initialState, reduce } from "../src/state/inbox";
import { isReady, makeEntry, messageFrame, restoreOutbox, toResend } from "../src/state/outbox";
import { outboxFiles, staged } from "../src/state/uploads";
import type { MessageFile, ServerFrame, Session } from "../src/types";
import { filesOf } from "../src/types";
import { ME, msg, session } from "./fixtures";

const run = (state: State, ...actions: Action[]): State => actions.reduce(reduce, state);
const frame = (f: ServerFrame | { type: string; [k: string]: unknown }): Action =>
  ({ type: "frame", frame: f as ServerFrame });

function chatWith(s: Session): State {
  return run(initialState(), frame({ type: "ready", role: "agent", agent: ME, sessions: [s], waiting: [] }));
}

const stored = (id: string, name: string, thumb = false): MessageFile =>
  ({ id, name, type: thumb ? "image/png" : "application/pdf", size: 2048, width: null, height: null, thumb });

function attach(state: State, sid: string, key: string, name: string, size = 2048): State {
  return run(state, { type: "upload_start", upload: { key, sessionId: sid, name, size, type: "application/pdf" } });
}

describe("attachments", () => {
  it("stages uploads in the composer, sends the message once every file is uploaded, and shows its files after the ack", () => {
    const s = session({ status: "assigned" });
    const sid = s.session_id;
    let state = attach(attach(chatWith(s), sid, "k1", "invoice.pdf"), sid, "k2", "photo.png");
    state = run(state, { type: "upload_progress", key: "k1", loaded: 1024 });
    expect(staged(state.uploads, sid).map((u) => [u.key, u.loaded])).toEqual([["k1", 1024], ["k2", 0]]);
    state = run(state, { type: "upload_done", key: "k1", file: stored("a".repeat(32), "invoice.pdf") });

    // The caption and both files go into the outbox; one file is still uploading.
    const entry = makeEntry(sid, "Here you are", "cid-f", new Date(), outboxFiles(state.uploads, ["k1", "k2"]));
    state = run(state, { type: "send", entry });
    expect(staged(state.uploads, sid)).toEqual([]);
    expect(isReady(state.outbox[0]!)).toBe(false);
    expect(toResend(state.outbox, () => true)).toEqual([]);

    state = run(state, { type: "upload_done", key: "k2", file: stored("b".repeat(32), "photo.png", true) });
    const ready = state.outbox[0]!;
    expect(isReady(ready)).toBe(true);
    expect(toResend(state.outbox, () => true)).toHaveLength(1);
    expect(messageFrame(ready)).toEqual({ type: "message", session_id: sid, client_msg_id: "cid-f",
      text: "Here you are", files: ["a".repeat(32), "b".repeat(32)] });

    state = run(state, frame({ type: "ack", session_id: sid, client_msg_id: "cid-f", id: 5, seq: 3 }));
    expect(state.outbox).toEqual([]);
    expect(state.uploads).toEqual({});
    const mine = state.chats[sid]!.messages.find((m) => m.seq === 3)!;
    expect(filesOf(mine).map((f) => [f.name, f.thumb])).toEqual([["invoice.pdf", false], ["photo.png", true]]);
  });

  it("sends a text-only message without a files field", () => {
    expect(messageFrame(makeEntry("s", "hi", "c"))).not.toHaveProperty("files");
  });

  it("fails the message whose upload the server refused, naming the file; retry keeps the uploaded ones", () => {
    const s = session({ status: "assigned" });
    const sid = s.session_id;
    let state = attach(attach(chatWith(s), sid, "k1", "ok.pdf"), sid, "k2", "evil.svg");
    state = run(state, { type: "upload_done", key: "k1", file: stored("c".repeat(32), "ok.pdf") });
    state = run(state, { type: "send", entry: makeEntry(sid, "", "cid-x", new Date(),
      outboxFiles(state.uploads, ["k1", "k2"])) });
    state = run(state, { type: "upload_failed", key: "k2", reason: "This type of file is not allowed." });
    expect(state.outbox[0]!.failed).toBe("evil.svg: This type of file is not allowed.");
    expect(toResend(state.outbox, () => true)).toEqual([]);
    // What a retry sends again: the files whose upload finished.
    expect(outboxFiles(state.uploads, ["k1", "k2"]).map((f) => f.name)).toEqual(["ok.pdf"]);
  });

  it("a failed upload in the composer is not sent with the message", () => {
    const s = session({ status: "assigned" });
    const sid = s.session_id;
    let state = attach(chatWith(s), sid, "k1", "big.zip");
    state = run(state, { type: "upload_failed", key: "k1", reason: "The file is too large." });
    expect(staged(state.uploads, sid)[0]).toMatchObject({ status: "failed", error: "The file is too large." });
    expect(outboxFiles(state.uploads, ["k1"])).toEqual([]);
  });

  it("cancelling removes the file; a message left with neither text nor files leaves the outbox", () => {
    const s = session({ status: "assigned" });
    const sid = s.session_id;
    let state = attach(attach(chatWith(s), sid, "k1", "a.pdf"), sid, "k2", "b.pdf");
    state = run(state, { type: "send", entry: makeEntry(sid, "", "cid-c", new Date(),
      outboxFiles(state.uploads, ["k1"])) });
    state = run(state, { type: "upload_remove", key: "k2" });
    expect(staged(state.uploads, sid)).toEqual([]);
    expect(state.outbox).toHaveLength(1);
    state = run(state, { type: "upload_remove", key: "k1" });
    expect(state.outbox).toEqual([]);
    expect(state.uploads).toEqual({});
  });

  it("keeps a captioned message when its only file is cancelled, and sends the caption", () => {
    const s = session({ status: "assigned" });
    const sid = s.session_id;
    let state = attach(chatWith(s), sid, "k1", "a.pdf");
    state = run(state, { type: "send", entry: makeEntry(sid, "see attached", "cid-k", new Date(),
      outboxFiles(state.uploads, ["k1"])) }, { type: "upload_remove", key: "k1" });
    expect(state.outbox).toHaveLength(1);
    expect(messageFrame(state.outbox[0]!)).not.toHaveProperty("files");
    expect(isReady(state.outbox[0]!)).toBe(true);
  });

  it("after a reload, fails a message whose upload had not finished and resends one whose uploads had", () => {
    const done = makeEntry("s1", "", "cid-done", new Date(), [
      { key: "k1", name: "a.pdf", size: 1, type: "application/pdf", done: stored("d".repeat(32), "a.pdf") }]);
    const half = makeEntry("s1", "two files", "cid-half", new Date(), [
      { key: "k2", name: "b.pdf", size: 1, type: "application/pdf", done: stored("e".repeat(32), "b.pdf") },
      { key: "k3", name: "c.pdf", size: 1, type: "application/pdf", done: null }]);
    const old = makeEntry("s1", "plain text, stored before attachments", "cid-old");
    const restored = restoreOutbox(JSON.parse(JSON.stringify([done, half, old])));
    expect(restored.map((e) => e.failed)).toEqual([null,
      "an upload did not finish: choose the file again", null]);
    expect(toResend(restored, () => true).map((e) => e.clientMsgId)).toEqual(["cid-done", "cid-old"]);
  });

  it("a replay of the message (its ack lost) empties the outbox and forgets its uploads", () => {
    const s = session({ status: "assigned" });
    const sid = s.session_id;
    let state = attach(chatWith(s), sid, "k1", "a.pdf");
    const file = stored("f".repeat(32), "a.pdf");
    state = run(state, { type: "upload_done", key: "k1", file },
      { type: "send", entry: makeEntry(sid, "", "cid-r", new Date(), outboxFiles(state.uploads, ["k1"])) });
    state = run(state, frame({ type: "message", ...msg(sid, 1, { sender_type: "agent", client_msg_id: "cid-r",
      text: "" }), files: [file] }));
    expect(state.outbox).toEqual([]);
    expect(state.uploads).toEqual({});
    expect(filesOf(state.chats[sid]!.messages[0]!)).toEqual([file]);
    // A message of files only is listed by their names.
    expect(state.chats[sid]!.session.last_message).toBe("a.pdf");
  });

  it("names a pasted screenshot by the time it was pasted", () => {
    const at = new Date("2026-12-06T13:26:28.123Z");
    expect(pastedName("image/png", at)).toBe("pasted-2026-12-06-13-26-28.png");
    expect(pastedName("image/jpeg", at, 2)).toBe("pasted-2026-12-06-13-26-28-2.jpeg");
  });

  it("words sizes and types", () => {
    expect(fileSize(512)).toBe("512 B");
    expect(fileSize(2048)).toBe("2 KB");
    expect(fileSize(10 * 1024 * 1024)).toBe("10.0 MB");
    expect(fileKind("application/pdf")).toBe("PDF");
    expect(fileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document")).toBe("Word document");
    expect(fileKind("application/x-7z-compressed")).toBe("COMPRESSED");
    expect(fileKind("application/octet-stream")).toBe("File");
  });
});
