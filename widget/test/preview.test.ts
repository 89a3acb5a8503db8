// @vitest-environment jsdom
// Preview mode (`data-preview`): the admin UI hands the loader a config, and changes it, with
// no request to the server; the chat never creates a session.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Conversation, PREVIEW_NOTICE } from "../src/conversation";
import type { ParleyApi } from "../src/loader";
import type { Host, PublicConfig } from "../src/types";

const CONFIG: PublicConfig = {
  site_key: "preview", business_name: "Acme", widget_title: "Chat with Acme",
  welcome_message: "Hi!", primary_color: "#007bff", secondary_color: "#6c757d",
  position: "bottom-right", enable_prechat_form: false, prechat_fields: [], business_hours: null,
  timezone: "UTC", ai_enabled: true, mail: false, visitor_uploads: true, require_identity: false, visitor_tracking: false,
  language: "en", text_overrides: {},
  uploads: { max_bytes: 10485760, max_files: 10, types: ["image/png"] },
};

const fetchSpy = vi.fn(async () => new Response("{}", { status: 500 }));

beforeAll(async () => {
  vi.stubGlobal("fetch", fetchSpy);
  const tag = document.createElement("script");
  tag.src = "https://chat.test/widget.js";
  tag.dataset.preview = "";
  document.head.append(tag);
  await import("../src/loader");
});

afterEach(() => fetchSpy.mockClear());

const parley = (): ParleyApi => window.Parley as ParleyApi;
const root = (): HTMLElement =>
  document.querySelector("parley-widget")?.shadowRoot?.querySelector(".pw-root") as HTMLElement;
const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe("the loader in preview mode", () => {
  it("waits for a config instead of fetching one", async () => {
    expect(typeof parley().preview).toBe("function");
    await settle();
    expect(root().hidden).toBe(true);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("shows the config it is given, and every change to it", async () => {
    const ready = vi.fn();
    parley().on("ready", ready);
    parley().preview?.(CONFIG);
    await settle();
    expect(root().hidden).toBe(false);
    expect(ready).toHaveBeenCalledWith({ site_key: "preview", away: false });
    expect(root().style.getPropertyValue("--pw-primary")).toBe("#007bff");
    expect(root().classList.contains("pw-left")).toBe(false);

    parley().preview?.({ ...CONFIG, primary_color: "#e91e63", position: "bottom-left",
      business_hours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } });
    await settle();
    expect(root().style.getPropertyValue("--pw-primary")).toBe("#e91e63");
    expect(root().classList.contains("pw-left")).toBe(true);
    // Closed every day: the launcher says so.
    const launcher = root().querySelector(".pw-launcher") as HTMLElement;
    expect(launcher.getAttribute("aria-label")).toContain("away");
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

describe("a conversation in preview mode", () => {
  it("never creates a session: a message is marked not sent, with a notice", async () => {
    const items: { kind: string; item?: { state?: string; error?: string } }[] = [];
    const host: Host = {
      root: document.createElement("div"), config: CONFIG, base: "https://chat.test/",
      siteKey: "preview", identity: {}, attrs: [], launcher: document.createElement("button"), preview: true,
      setOpen: () => {}, setUnread: () => {}, words: { lang: "en", pack: [], over: {} }, t: (k: string) => k, emit: () => {},
    };
    const conv = new Conversation(host, {
      changed: () => {}, item: (c) => items.push(c as never), cleared: () => {},
      incoming: () => {}, announce: () => {},
    });
    conv.send("Hello?");
    await settle();
    expect(await conv.start({ name: "Ada" })).toBe(false);
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(conv.state.notice).toBe(PREVIEW_NOTICE());
    expect(conv.hasSession).toBe(false);
    const [only] = conv.transcript.list();
    expect(only?.state).toBe("failed");
    expect(localStorage.length).toBe(0);
  });
});
