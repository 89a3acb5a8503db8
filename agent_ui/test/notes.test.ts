import { describe, expect, it } from "vitest";
import {
  type Note, initialNotes, matchTeammates, mentionQuery, mentionable, reduceNotes, timeline,
} from "../src/state/notes";

function note(id: number, at: string, extra: Partial<Note> = {}): Note {
  return { id, session_id: "s1", author_id: 2, author_name: "Bob", text: `note ${id}`, mentions: [],
    client_msg_id: `n-${id}`, created_at: at, ...extra };
}

describe("private notes", () => {
  it("keeps each note once, in id order, and the highest id for the resume", () => {
    let s = reduceNotes(initialNotes, { type: "note", note: note(5, "2026-01-01T10:00:05.000Z") });
    s = reduceNotes(s, { type: "loaded", sessionId: "s1", notes: [note(3, "2026-01-01T10:00:03.000Z"),
      note(5, "2026-01-01T10:00:05.000Z")] });
    s = reduceNotes(s, { type: "note", note: note(5, "2026-01-01T10:00:05.000Z") });
    expect(s.bySession.s1!.map((n) => n.id)).toEqual([3, 5]);
    expect(s.lastId).toBe(5);
  });

  it("turns an acknowledged note into a note, and a refused one into a failure", () => {
    let s = reduceNotes(initialNotes, { type: "queued", entry: { clientMsgId: "c1", sessionId: "s1",
      text: "check it", createdAt: "2026-01-01T10:00:00.000Z", failed: null } });
    s = reduceNotes(s, { type: "queued", entry: { clientMsgId: "c2", sessionId: "s1",
      text: "again", createdAt: "2026-01-01T10:00:01.000Z", failed: null } });
    s = reduceNotes(s, { type: "acked", clientMsgId: "c1", id: 9, me: { id: 1, name: "Alice" } });
    s = reduceNotes(s, { type: "failed", clientMsgId: "c2", reason: "the note is empty" });
    expect(s.bySession.s1).toEqual([{ id: 9, session_id: "s1", author_id: 1, author_name: "Alice",
      text: "check it", mentions: [], client_msg_id: "c1", created_at: "2026-01-01T10:00:00.000Z" }]);
    expect(s.pending.map((p) => [p.clientMsgId, p.failed])).toEqual([["c2", "the note is empty"]]);
  });

  it("shows a mention until it is dismissed", () => {
    let s = reduceNotes(initialNotes, { type: "mention", sessionId: "s1", note: note(4, "x") });
    expect(s.mentions.map((m) => m.note.id)).toEqual([4]);
    expect(s.bySession.s1!.map((n) => n.id)).toEqual([4]);
    s = reduceNotes(s, { type: "dismiss_mention", sessionId: "s1" });
    expect(s.mentions).toEqual([]);
  });

  it("puts notes between the messages by time", () => {
    const messages = [{ seq: 1, created_at: "2026-01-01T10:00:00.000Z" },
      { seq: 2, created_at: "2026-01-01T10:00:10.000Z" }];
    const items = timeline(messages, [note(1, "2026-01-01T10:00:05.000Z"), note(2, "2026-01-01T10:00:20.000Z")]);
    expect(items.map((i) => (i.kind === "note" ? `n${i.note.id}` : `m${i.message.seq}`)))
      .toEqual(["m1", "n1", "m2", "n2"]);
  });

  it("finds the @name being typed and the teammates it matches", () => {
    expect(mentionQuery("ask @bo", 7)).toEqual({ start: 4, query: "bo" });
    expect(mentionQuery("mail me at a@b", 14)).toBeNull();
    const team = [{ id: 1, username: "alice", display_name: "Alice Smith", role: "agent", widgets: ["k1"] },
      { id: 2, username: "bob", display_name: "Robert Brown", role: "agent", widgets: ["k2"] },
      { id: 3, username: "root", display_name: "Admin", role: "admin", widgets: [] }];
    expect(matchTeammates(team, "sm").map((t) => t.id)).toEqual([1]);
    expect(matchTeammates(team, "ro").map((t) => t.id)).toEqual([2, 3]);
    expect(mentionable(team, "k1", 1).map((t) => t.id)).toEqual([3]);
  });
});
