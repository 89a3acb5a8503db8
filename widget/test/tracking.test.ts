// @vitest-environment jsdom
// Visitor tracking's chunk (docs/privacy.md): the tracking id it keeps, what a heartbeat says,
// an agent's invitation shown as a bubble that opens the chat; and the chat's session request
// carrying the id only when the widget tracks.
import { afterEach, describe, expect, it, vi } from "vitest";
import { track } from "../src/track";
import { tracked, trackingId } from "../src/tracking_id";
import type { Host, PublicConfig } from "../src/types";

function makeHost(config: Partial<PublicConfig> = {}): Host {
  const el = document.createElement("div");
  const shadow = el.attachShadow({ mode: "open" });
  const root = document.createElement("div");
  shadow.append(root);
  document.body.append(el);
  return {
    root, base: "https://chat.example/", siteKey: "k1", identity: {}, attrs: [], preview: false,
    launcher: document.createElement("button"), emit: () => {}, setOpen: () => {}, setUnread: () => {}, words: { lang: "en", pack: [], over: {} }, t: (k: string) => k,
    config: { welcome_message: "Hi!", visitor_tracking: true, ...config } as PublicConfig,
  };
}

afterEach(() => {
  localStorage.clear();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("the tracking id", () => {
  it("goes with a new conversation only when the widget tracks", () => {
    expect(tracked(makeHost())).toEqual({});
    localStorage.setItem("parley:t:k1", "abcdefghijklmnop1234");
    expect(trackingId("k1")).toBe("abcdefghijklmnop1234");
    expect(tracked(makeHost())).toEqual({ tracking_id: "abcdefghijklmnop1234" });
    expect(tracked(makeHost({ visitor_tracking: false }))).toEqual({});
  });
});

describe("the tracking chunk", () => {
  it("reports the page and shows an invitation that opens the chat", async () => {
    vi.useFakeTimers();
    const invite = { id: "i1", text: "Need help?", agent: { id: 7, display_name: "Alice" } };
    const fetchSpy = vi.fn(async () => new Response(JSON.stringify({ interval_s: 20, invite }), { status: 200 }));
    vi.stubGlobal("fetch", fetchSpy);
    const host = makeHost();
    const open = vi.fn();
    const listeners: Record<string, (d: unknown) => void> = {};
    track(host, { open, on: (e, fn) => ((listeners[e] = fn), () => {}) });
    await vi.waitFor(() => expect(host.root.querySelector(".pw-invite")).not.toBeNull());

    const id = localStorage.getItem("parley:t:k1");
    expect(id).toMatch(/^[0-9a-f-]{32,36}$/);
    const [url, init] = fetchSpy.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("https://chat.example/api/widgets/k1/track");
    const body = JSON.parse(init.body as string);
    expect(body.tracking_id).toBe(id);
    expect(body.chatting).toBe(false);
    expect(body.page.url).toBe(location.origin + location.pathname);
    expect(init.headers).toBeUndefined(); // text/plain: no CORS preflight

    const bubble = host.root.querySelector(".pw-invite") as HTMLElement;
    expect(bubble.textContent).toContain("Alice");
    expect(bubble.textContent).toContain("Need help?");
    (bubble.querySelector(".pw-invite-msg") as HTMLElement).click();
    expect(open).toHaveBeenCalled();
    expect(host.config.welcome_message).toBe("Alice: Need help?");
    expect(host.root.querySelector(".pw-invite")).toBeNull();
  });

  it("stops when the widget does not track", async () => {
    const fetchSpy = vi.fn(async () => new Response("{}", { status: 403 }));
    vi.stubGlobal("fetch", fetchSpy);
    vi.useFakeTimers();
    track(makeHost(), { open: () => {}, on: () => () => {} });
    await vi.waitFor(() => expect(fetchSpy).toHaveBeenCalledTimes(1));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });
});
