import { describe, expect, it } from "vitest";
import { matchCanned } from "../src/components/CannedPicker";
import { slashQuery } from "../src/components/MessageComposer";
import { localTime, reasonLabel, safeUrl, systemText, waitTime } from "../src/format";
import { parseRoute, routePath } from "../src/router";
import { toResend } from "../src/state/outbox";
import { describeBrowser } from "../src/useragent";

describe("user agents", () => {
  it.each([
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome 131 on Windows"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15", "Safari 17 on macOS"],
    ["Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox 133 on Linux"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86", "Edge 131 on Windows"],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1", "Safari 17 on iOS (mobile)"],
    ["Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome 131 on Android (mobile)"],
    ["curl/8.5.0", "Unknown browser"],
    ["", "Unknown"],
  ])("reads %s", (ua, expected) => {
    expect(describeBrowser(ua)).toBe(expected);
  });
});

describe("canned responses", () => {
  const all = [
    { id: 1, site_key: null, shortcut: "hello", title: "Greeting", text: "Hi there!",
      scope: "global" as const, owner_id: null },
    { id: 2, site_key: "A", shortcut: "hello", title: "Acme greeting", text: "Hi from Acme!",
      scope: "widget" as const, owner_id: null },
    { id: 3, site_key: "A", shortcut: "refund", title: "Refunds", text: "Refunds take 5 days.",
      scope: "widget" as const, owner_id: null },
    { id: 4, site_key: "B", shortcut: "ship", title: "Shipping", text: "We ship worldwide.",
      scope: "widget" as const, owner_id: null },
  ];
  it("offers the widget's and the global ones, the widget's winning a shared shortcut", () => {
    expect(matchCanned(all, "A", "").map((c) => c.id)).toEqual([2, 3]);
    expect(matchCanned(all, "B", "").map((c) => c.id)).toEqual([1, 4]);
    expect(matchCanned(all, "A", "ref").map((c) => c.id)).toEqual([3]);
    expect(matchCanned(all, "A", "days").map((c) => c.id)).toEqual([3]);
  });
  it("prefers the agent's own response to the team's with the same shortcut", () => {
    const mine = { id: 5, site_key: null, shortcut: "hello", title: "My hello", text: "Hey!",
      scope: "personal" as const, owner_id: 7 };
    expect(matchCanned([...all, mine], "A", "hel").map((c) => c.id)).toEqual([5]);
    expect(matchCanned([...all, mine], "B", "").map((c) => c.id)).toEqual([5, 4]);
  });
  it("finds the /shortcut being typed at the caret", () => {
    expect(slashQuery("/ref", 4)).toEqual({ start: 0, query: "ref" });
    expect(slashQuery("Sure! /he", 9)).toEqual({ start: 6, query: "he" });
    expect(slashQuery("and/or", 6)).toBeNull();
    expect(slashQuery("/ref done", 9)).toBeNull();
  });
});

describe("formatting", () => {
  it("ticks a wait", () => {
    const t0 = Date.parse("2026-11-26T10:00:00.000Z");
    expect(waitTime("2026-11-26T10:00:00.000Z", t0 + 42_000)).toBe("42s");
    expect(waitTime("2026-11-26T10:00:00.000Z", t0 + 185_000)).toBe("3m 05s");
    expect(waitTime("2026-11-26T10:00:00.000Z", t0 + 4_320_000)).toBe("1h 12m");
    expect(waitTime(null, t0)).toBe("");
  });
  it("names reasons, shows local times and only http(s) links", () => {
    expect(reasonLabel("no_knowledge_match")).toBe("AI had no answer");
    expect(reasonLabel("something_new")).toBe("something new");
    expect(localTime("Europe/Paris", Date.parse("2026-11-26T10:00:00Z"))).toContain("Europe/Paris");
    expect(localTime("Not/AZone", Date.now())).toBeNull();
    expect(safeUrl("javascript:alert(1)")).toBeNull();
    expect(safeUrl("https://shop.example.com/cart")).toBe("https://shop.example.com/cart");
  });
  it("routes", () => {
    expect(parseRoute("/agent/")).toEqual({ page: "inbox", chatId: null });
    expect(parseRoute("/agent/chats/abc")).toEqual({ page: "inbox", chatId: "abc" });
    expect(parseRoute("/agent/history/x")).toEqual({ page: "history", chatId: "x" });
    expect(parseRoute("/agent/login")).toEqual({ page: "login" });
    expect(routePath({ page: "inbox", chatId: "a b" })).toBe("/agent/chats/a%20b");
    expect(parseRoute("/agent/watch/s1")).toEqual({ page: "watch", sessionId: "s1" });
    expect(parseRoute("/agent/canned")).toEqual({ page: "canned" });
    expect(routePath({ page: "watch", sessionId: "s 1" })).toBe("/agent/watch/s%201");
    expect(routePath({ page: "canned" })).toBe("/agent/canned");
  });
  it("resends only unacknowledged, unfailed messages of open chats, in order", () => {
    const e = (id: string, sid: string, failed: string | null = null) =>
      ({ clientMsgId: id, sessionId: sid, text: id, createdAt: "", failed });
    const out = toResend([e("1", "a"), e("2", "b"), e("3", "a", "refused"), e("4", "a")],
      (sid) => sid === "a");
    expect(out.map((x) => x.clientMsgId)).toEqual(["1", "4"]);
  });
});

describe("system messages", () => {
  it("are said in English from their code and params", () => {
    expect(systemText({ text: "Ana se unió.", code: "joined", params: { agent: "Ana" } }))
      .toBe("Ana joined the conversation.");
    expect(systemText({ text: "x", code: "transfer", params: { from: "Ann", to: "Bob" } }))
      .toBe("Ann transferred the conversation to Bob.");
    expect(systemText({ text: "x", code: "closed", params: {} })).toBe("The conversation was closed.");
  });
  it("fall back to their text without a known code or its params", () => {
    expect(systemText({ text: "Old line." })).toBe("Old line.");
    expect(systemText({ text: "New line.", code: "some_new_code", params: {} })).toBe("New line.");
    expect(systemText({ text: "Bob joined.", code: "joined", params: {} })).toBe("Bob joined.");
    expect(systemText({ text: "Proto.", code: "toString" })).toBe("Proto.");
  });
});
