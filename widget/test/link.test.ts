// @vitest-environment jsdom
// A conversation link's page (/c/<token>) hands the loader a conversation to continue: the tag's
// data-session-id and data-visitor-token replace the one this browser had stored for the
// widget, and data-open opens the panel.
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { ParleyApi } from "../src/loader";
import { load, save } from "../src/storage";

const fetchSpy = vi.fn(async () => new Response("{}", { status: 500 }));

beforeAll(async () => {
  vi.stubGlobal("fetch", fetchSpy);
  save("k_link_1234", { sid: "old-session", token: "pv_old", seen: 4 });
  const tag = document.createElement("script");
  tag.src = "https://chat.test/widget.js";
  tag.dataset.siteKey = "k_link_1234";
  tag.dataset.sessionId = "linked-session";
  tag.dataset.visitorToken = "pv_from_the_link";
  tag.dataset.open = "true";
  document.head.append(tag);
  await import("../src/loader");
});

describe("the loader on a conversation link's page", () => {
  it("stores the link's conversation in place of the one this browser had", () => {
    expect(load("k_link_1234")).toEqual({ sid: "linked-session", token: "pv_from_the_link" });
    expect((window.Parley as ParleyApi).version).toBe("1");
  });
});
