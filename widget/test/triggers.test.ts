// @vitest-environment jsdom
// Proactive triggers (docs/widget.md): when a trigger's conditions hold (URL globs and
// "contains", time on the page, scroll depth, a returning visitor, Parley.trigger), and the
// trigger chunk: once per page view after idle, a dismissal remembered, nothing stored before
// an interaction, the answered trigger's id carried by the new conversation.
import type { PublicTrigger } from "@parley/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { due, globRegExp, next, scrollPercent, urlMatches, visit, type Page } from "../src/trigger_match";
import { tracked } from "../src/tracking_id";
import { triggers } from "../src/triggers";
import type { Host, PublicConfig } from "../src/types";

const T = (over: Partial<PublicTrigger> = {}): PublicTrigger => ({
  id: 1, name: "t1", kind: "auto", message: "Need help?", open: false, url_match: null,
  url_pattern: null, delay_s: null, scroll_pct: null, returning: false, ...over,
});
const PAGE: Page = {
  href: "https://shop.example/pricing?plan=pro#faq", seconds: 0, scrolled: 0, returning: false, called: new Set(),
};

describe("URL conditions", () => {
  it("match globs against the path or the whole URL, case-insensitively", () => {
    const glob = (url_pattern: string, href = PAGE.href): boolean => urlMatches({ url_match: "glob", url_pattern }, href);
    expect(glob("/pricing*")).toBe(true);
    expect(glob("/pricing")).toBe(true); // the path, without the query
    expect(glob("/pric")).toBe(false); // the whole path
    expect(glob("/pricing?plan=pro")).toBe(true); // with a "?", the query too ("?" is literal)
    expect(glob("/pricing?plan=free")).toBe(false);
    expect(glob("/PRICING*")).toBe(true);
    expect(glob("/*/checkout")).toBe(false);
    expect(glob("/shop/*/checkout", "https://x.example/shop/a/b/checkout")).toBe(true);
    expect(glob("https://shop.example/*")).toBe(true);
    expect(glob("https://other.example/*")).toBe(false);
    expect(glob("*.example/pricing*")).toBe(true);
    expect(glob("/a.b", "https://x.example/axb")).toBe(false); // "." is literal
    expect(globRegExp("a*b").test("aXYZb")).toBe(true);
  });

  it("match 'contains' anywhere in the URL", () => {
    const contains = (url_pattern: string): boolean => urlMatches({ url_match: "contains", url_pattern }, PAGE.href);
    expect(contains("pricing")).toBe(true);
    expect(contains("Plan=PRO")).toBe(true);
    expect(contains("faq")).toBe(false); // not the fragment
    expect(contains("checkout")).toBe(false);
    expect(urlMatches({ url_match: null, url_pattern: null }, PAGE.href)).toBe(true);
    expect(urlMatches({ url_match: "contains", url_pattern: "x" }, "not a url")).toBe(false);
  });
});

describe("a trigger is due", () => {
  it("when every condition it sets holds", () => {
    expect(due(T(), PAGE)).toBe(true);
    expect(due(T({ delay_s: 10 }), PAGE)).toBe(false);
    expect(due(T({ delay_s: 10 }), { ...PAGE, seconds: 10.2 })).toBe(true);
    expect(due(T({ scroll_pct: 50 }), { ...PAGE, scrolled: 49 })).toBe(false);
    expect(due(T({ scroll_pct: 50 }), { ...PAGE, scrolled: 50 })).toBe(true);
    expect(due(T({ returning: true }), PAGE)).toBe(false);
    expect(due(T({ returning: true }), { ...PAGE, returning: true })).toBe(true);
    const both = T({ delay_s: 5, url_match: "glob", url_pattern: "/checkout*" });
    expect(due(both, { ...PAGE, seconds: 6 })).toBe(false);
  });

  it("a js trigger only once Parley.trigger named it", () => {
    const js = T({ kind: "js", name: "pricing-help" });
    expect(due(js, PAGE)).toBe(false);
    expect(due(js, { ...PAGE, called: new Set(["other"]) })).toBe(false);
    expect(due(js, { ...PAGE, called: new Set(["pricing-help"]) })).toBe(true);
  });

  it("the first due that has not fired yet", () => {
    const list = [T({ id: 1, delay_s: 30 }), T({ id: 2 }), T({ id: 3 })];
    expect(next(list, PAGE, new Set())?.id).toBe(2);
    expect(next(list, PAGE, new Set([2]))?.id).toBe(3);
    expect(next(list, PAGE, new Set([2, 3]))).toBeUndefined();
  });

  it("scroll depth, and returning visits 30 minutes apart", () => {
    expect(scrollPercent(0, 800, 800)).toBe(100);
    expect(scrollPercent(0, 800, 1600)).toBe(50);
    expect(scrollPercent(800, 800, 1600)).toBe(100);
    expect(visit(null, 1000)).toEqual({ l: 1000, r: false });
    expect(visit(JSON.stringify({ l: 1000, r: false }), 1000 + 60_000)).toEqual({ l: 61_000, r: false });
    expect(visit(JSON.stringify({ l: 1000, r: false }), 1000 + 31 * 60_000).r).toBe(true);
    expect(visit(JSON.stringify({ l: 1000, r: true }), 2000).r).toBe(true);
    expect(visit("{broken", 5)).toEqual({ l: 5, r: false });
  });
});

function makeHost(config: Partial<PublicConfig> = {}): Host {
  const el = document.createElement("div");
  const shadow = el.attachShadow({ mode: "open" });
  const root = document.createElement("div");
  const launcher = document.createElement("button");
  root.append(launcher);
  shadow.append(root);
  document.body.append(el);
  return {
    root, base: "https://chat.example/", siteKey: "k1", identity: {}, attrs: [], preview: false,
    launcher, emit: () => {}, setOpen: () => {}, setUnread: () => {},
    words: { lang: "en", pack: [], over: {} }, t: (k: string) => k,
    config: { welcome_message: "Hi!", visitor_tracking: false, triggers: [T()], ...config } as PublicConfig,
  };
}

function api() {
  const listeners: Record<string, (d: unknown) => void> = {};
  return {
    listeners,
    open: vi.fn(),
    on: (e: string, fn: (d: unknown) => void) => ((listeners[e] = fn), () => {}),
    trigger: undefined as undefined | ((name: string) => void),
  };
}

afterEach(() => {
  localStorage.clear();
  document.body.innerHTML = "";
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("the trigger chunk", () => {
  it("shows a bubble once the page is idle, counts it, stores nothing", async () => {
    vi.useFakeTimers();
    const fetchSpy = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal("fetch", fetchSpy);
    const host = makeHost();
    triggers(host, api());
    expect(host.root.querySelector(".pw-trigger")).toBeNull(); // not before idle
    await vi.advanceTimersByTimeAsync(600);
    const bubble = host.root.querySelector(".pw-trigger") as HTMLElement;
    expect(bubble.textContent).toContain("Need help?");
    const [url, init] = fetchSpy.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("https://chat.example/api/widgets/k1/trigger-events");
    expect(JSON.parse(init.body as string)).toEqual({ trigger_id: 1, event: "shown" });
    expect(init.credentials).toBe("omit");
    expect(init.headers).toBeUndefined(); // text/plain: no CORS preflight
    expect(localStorage.length).toBe(0);
  });

  it("remembers a dismissal, and shows nothing in this browser after", async () => {
    vi.useFakeTimers();
    vi.stubGlobal("fetch", vi.fn(async () => new Response(null, { status: 204 })));
    const host = makeHost();
    triggers(host, api());
    await vi.advanceTimersByTimeAsync(600);
    (host.root.querySelector(".pw-trigger-x") as HTMLElement).click();
    expect(host.root.querySelector(".pw-trigger")).toBeNull();
    expect(localStorage.getItem("parley:td:k1")).toBe("1");
    const again = makeHost();
    const a = api();
    triggers(again, a);
    await vi.advanceTimersByTimeAsync(600);
    a.trigger?.("t1");
    expect(again.root.querySelector(".pw-trigger")).toBeNull();
  });

  it("fires a js trigger on Parley.trigger(name) and opens the chat from it", async () => {
    vi.useFakeTimers();
    const fetchSpy = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal("fetch", fetchSpy);
    const host = makeHost({ triggers: [T({ id: 7, kind: "js", name: "help", message: "Stuck?" })] });
    const a = api();
    triggers(host, a);
    a.trigger?.("help"); // before idle: kept until then
    expect(host.root.querySelector(".pw-trigger")).toBeNull();
    await vi.advanceTimersByTimeAsync(600);
    (host.root.querySelector(".pw-trigger-msg") as HTMLElement).click();
    expect(a.open).toHaveBeenCalled();
    expect(host.config.welcome_message).toBe("Stuck?");
    expect(tracked(host)).toEqual({ trigger_id: 7 });
    const events = fetchSpy.mock.calls.map((c) => JSON.parse((c as unknown as [string, RequestInit])[1].body as string).event);
    expect(events).toEqual(["shown", "opened"]);
    a.listeners.session?.({});
    expect(tracked(host)).toEqual({});
    expect(host.config.welcome_message).toBe("Hi!");
  });

  it("opens the chat at once when the trigger says so", async () => {
    vi.useFakeTimers();
    vi.stubGlobal("fetch", vi.fn(async () => new Response(null, { status: 204 })));
    const host = makeHost({ triggers: [T({ open: true, message: "Hello there" })] });
    const a = api();
    triggers(host, a);
    await vi.advanceTimersByTimeAsync(600);
    expect(a.open).toHaveBeenCalledTimes(1);
    expect(host.config.welcome_message).toBe("Hello there");
  });

  it("tells returning visitors only with visitor tracking on", async () => {
    vi.useFakeTimers();
    vi.stubGlobal("fetch", vi.fn(async () => new Response(null, { status: 204 })));
    const back = [T({ returning: true, message: "Welcome back" })];
    // Off: nothing stored, and the trigger never fires.
    let host = makeHost({ triggers: back, visitor_tracking: false });
    triggers(host, api());
    await vi.advanceTimersByTimeAsync(600);
    expect(localStorage.length).toBe(0);
    expect(host.root.querySelector(".pw-trigger")).toBeNull();
    // On: the first visit is remembered, a visit 31 minutes later is a returning one.
    host = makeHost({ triggers: back, visitor_tracking: true });
    triggers(host, api());
    await vi.advanceTimersByTimeAsync(600);
    expect(host.root.querySelector(".pw-trigger")).toBeNull();
    expect(JSON.parse(localStorage.getItem("parley:tv:k1") ?? "{}").r).toBe(false);
    vi.setSystemTime(Date.now() + 31 * 60_000);
    host = makeHost({ triggers: back, visitor_tracking: true });
    triggers(host, api());
    await vi.advanceTimersByTimeAsync(600);
    expect(host.root.querySelector(".pw-trigger")?.textContent).toContain("Welcome back");
  });

  it("does not fire while the visitor has a conversation", async () => {
    vi.useFakeTimers();
    vi.stubGlobal("fetch", vi.fn());
    localStorage.setItem("parley:k1", JSON.stringify({ sid: "s", token: "pv_x" }));
    const host = makeHost();
    triggers(host, api());
    await vi.advanceTimersByTimeAsync(600);
    expect(host.root.querySelector(".pw-trigger")).toBeNull();
  });
});
