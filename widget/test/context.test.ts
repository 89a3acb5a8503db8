// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { VisitorContext, pageUrl } from "../src/context";
import type { Host, PublicConfig } from "../src/types";

interface Call { url: string; body: Record<string, unknown>; auth: string }

let calls: Call[];
let refuse: ((body: Record<string, unknown>) => { code: string; message: string } | null);
let warnings: string[];
const pushState = history.pushState;

function host(attrs: unknown[] = []): Host {
  return {
    root: document.createElement("div"), config: {} as PublicConfig, base: "https://chat.test/",
    siteKey: "KEY12345", identity: {}, attrs, launcher: document.createElement("button"),
    setOpen: () => {}, setUnread: () => {}, words: { lang: "en", pack: [], over: {} }, t: (k: string) => k, emit: () => {},
  };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
};

beforeEach(() => {
  calls = [];
  warnings = [];
  refuse = () => null;
  history.replaceState(null, "", "/pricing?token=secret#top");
  document.title = "Pricing";
  vi.spyOn(console, "warn").mockImplementation((m: string) => void warnings.push(m));
  vi.stubGlobal("fetch", vi.fn(async (url: string, init: RequestInit = {}) => {
    const body = JSON.parse(String(init.body)) as Record<string, unknown>;
    calls.push({ url, body, auth: (init.headers as Record<string, string>).Authorization ?? "" });
    const no = refuse(body);
    return no
      ? new Response(JSON.stringify({ error: no }), { status: 422, headers: { "Content-Type": "application/json" } })
      : new Response(JSON.stringify({ context: {} }), { status: 200, headers: { "Content-Type": "application/json" } });
  }));
});

afterEach(() => {
  history.pushState = pushState; // each VisitorContext wraps it
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("the visitor context", () => {
  it("keeps only a page's origin and path", () => {
    expect(pageUrl("https://shop.example/a/b?token=x#frag")).toBe("https://shop.example/a/b");
    expect(pageUrl("file:///etc/passwd")).toBeUndefined();
    expect(pageUrl("not a url")).toBeUndefined();
    expect(pageUrl("https://shop.example/" + "p".repeat(600))?.length).toBe(500);
  });

  it("sends nothing without a conversation, then everything once it starts", async () => {
    const attrs: unknown[] = [{ plan: "pro" }];
    let session: { sid: string; token: string } | null = null;
    const ctx = new VisitorContext(host(attrs), () => session);
    ctx.viewed();
    ctx.attributes();
    await flush();
    expect(calls).toEqual([]);
    expect(attrs).toEqual([{ plan: "pro" }]); // held until a conversation exists

    session = { sid: "s1", token: "pv_secret" };
    ctx.started();
    await flush();
    expect(calls.map((c) => c.url)).toEqual([
      "https://chat.test/api/widgets/KEY12345/sessions/s1/context",
      "https://chat.test/api/widgets/KEY12345/sessions/s1/context",
    ]);
    const [first, second] = calls;
    expect(first?.auth).toBe("Bearer pv_secret");
    expect(first?.body.page).toEqual({ url: `${location.origin}/pricing`, title: "Pricing" });
    expect(first?.body.timezone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(first?.body.language).toBe(navigator.language);
    expect(JSON.stringify(first?.body)).not.toContain("secret");
    expect(second?.body).toEqual({ attributes: { plan: "pro" } });
    expect(attrs).toEqual([]);

    // The same page again is not a new view; a new path is.
    ctx.viewed();
    await flush();
    expect(calls).toHaveLength(2);
    history.replaceState(null, "", "/checkout");
    ctx.viewed();
    await flush();
    expect(calls).toHaveLength(3);
    expect(calls[2]?.body.page).toEqual({ url: `${location.origin}/checkout`, title: "Pricing" });
  });

  it("says a refusal in the console, never throws, and drops a zone the server does not know", async () => {
    const attrs: unknown[] = [];
    const ctx = new VisitorContext(host(attrs), () => ({ sid: "s1", token: "pv_secret" }));
    refuse = (b) => b.attributes ? { code: "invalid_attribute_key", message: "attribute names are …" }
      : b.timezone ? { code: "invalid_timezone", message: "timezone must be an IANA time zone" } : null;
    attrs.push({ "Bad Key": 1 });
    expect(() => ctx.attributes()).not.toThrow();
    ctx.started();
    await flush();
    expect(warnings).toEqual(["Parley: setAttributes was refused (invalid_attribute_key): attribute names are …"]);
    // The report went again without its time zone, and was taken.
    const reports = calls.filter((c) => c.body.page);
    expect(reports).toHaveLength(2);
    expect(reports[1]?.body.timezone).toBeUndefined();
    expect(reports[1]?.body.page).toBeTruthy();
  });

  it("reports an SPA navigation (pushState) once the app has set its title", async () => {
    vi.useFakeTimers();
    try {
      const ctx = new VisitorContext(host(), () => ({ sid: "s1", token: "pv_secret" }));
      ctx.viewed();
      await vi.advanceTimersByTimeAsync(0);
      expect(calls).toHaveLength(1);
      history.pushState(null, "", "/docs/start");
      document.title = "Getting started";
      await vi.advanceTimersByTimeAsync(500);
      expect(calls).toHaveLength(2);
      expect(calls[1]?.body.page).toEqual({ url: `${location.origin}/docs/start`, title: "Getting started" });
      expect(location.pathname).toBe("/docs/start"); // the page's own navigation still happened
    } finally {
      vi.useRealTimers();
    }
  });
});
