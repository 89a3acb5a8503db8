// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { contrast, readableOn, readablePair } from "../src/color";
import { isOpen } from "../src/hours";
import { Transcript } from "../src/transcript";
import { checkField, prechatForm } from "../src/ui/forms";
import { waitText } from "../src/ui/format";
import { linkify } from "../src/ui/linkify";
import { MessageList } from "../src/ui/messages";

function render(nodes: Node[]): HTMLElement {
  const div = document.createElement("div");
  div.append(...nodes);
  return div;
}

describe("linkify", () => {
  it("links http and https URLs, opening them in a new tab without an opener", () => {
    const div = render(linkify("see https://example.com/a?b=1 and http://x.test."));
    const links = [...div.querySelectorAll("a")];
    expect(links.map((a) => a.getAttribute("href"))).toEqual(["https://example.com/a?b=1", "http://x.test/"]);
    for (const a of links) {
      expect(a.target).toBe("_blank");
      expect(a.rel.split(" ")).toEqual(expect.arrayContaining(["noopener", "noreferrer"]));
    }
    expect(div.textContent).toBe("see https://example.com/a?b=1 and http://x.test.");
  });

  it("leaves other schemes as text", () => {
    const div = render(linkify("javascript:alert(1) data:text/html,<b>x</b> ftp://x.test mailto:a@b.c"));
    expect(div.querySelector("a")).toBeNull();
  });

  it("keeps sentence punctuation and unbalanced brackets out of the link", () => {
    const div = render(linkify("(docs: https://en.wikipedia.org/wiki/Foo_(bar)), then https://a.test/x!"));
    expect([...div.querySelectorAll("a")].map((a) => a.textContent))
      .toEqual(["https://en.wikipedia.org/wiki/Foo_(bar)", "https://a.test/x"]);
  });

  it("never turns text into markup", () => {
    const div = render(linkify('<img src=x onerror=alert(1)> https://x.test/"><script>alert(1)</script>'));
    expect(div.querySelector("img, script")).toBeNull();
    expect(div.textContent).toContain("<img src=x onerror=alert(1)>");
    expect(div.querySelector("a")?.getAttribute("href")).toBe("https://x.test/");
  });
});

describe("texts with links", () => {
  it("makes URLs in the pre-chat welcome text clickable, as in messages", () => {
    const form = prechatForm([{ name: "name", label: "Name", type: "text", required: false }], {},
      "Hi! Our hours: https://acme.test/hours. <b>Ask</b> away.", () => {});
    const intro = form.el.querySelector(".pw-intro");
    expect(intro?.querySelector("a")?.getAttribute("href")).toBe("https://acme.test/hours");
    expect(intro?.querySelector("a")?.getAttribute("target")).toBe("_blank");
    expect(intro?.querySelector("b")).toBeNull();
    expect(intro?.textContent).toBe("Hi! Our hours: https://acme.test/hours. <b>Ask</b> away.");
  });

  it("makes URLs in system messages and the welcome message clickable", () => {
    const list = new MessageList({ ai: "Assistant", business: "Acme" }, () => {});
    list.welcome("Read https://acme.test/faq first");
    const t = new Transcript((c) => list.apply(c));
    t.message({ session_id: "s", id: 1, seq: 1, sender_type: "system", sender_name: null,
      text: "See https://acme.test/status", created_at: "2026-11-26T10:00:00Z", client_msg_id: "sys-x-1" });
    const hrefs = [...list.el.querySelectorAll("a")].map((a) => a.getAttribute("href"));
    expect(hrefs).toEqual(["https://acme.test/faq", "https://acme.test/status"]);
  });
});

describe("MessageList", () => {
  it("renders every message as text, with sender, time and state, and updates in place", () => {
    const list = new MessageList({ ai: "Assistant", business: "Acme" }, () => {});
    const t = new Transcript((c) => list.apply(c));
    t.addPending("k", "<img src=x onerror=alert(1)>", "2026-11-26T10:00:00Z");
    t.message({ session_id: "s", id: 1, seq: 1, sender_type: "agent", sender_name: "Alex <b>",
      text: "<script>alert(1)</script>", created_at: "2026-11-26T10:01:00Z", client_msg_id: "a" });
    const el = list.el;
    expect(el.querySelector("img, script, b")).toBeNull();
    const [agent, own] = [...el.querySelectorAll(".pw-msg")] as HTMLElement[];
    expect(agent?.querySelector(".pw-who")?.textContent).toBe("Alex <b>");
    expect(agent?.querySelector(".pw-bubble")?.textContent).toBe("<script>alert(1)</script>");
    expect(own?.querySelector(".pw-bubble")?.textContent).toBe("<img src=x onerror=alert(1)>");
    expect(own?.dataset.state).toBe("pending");
    expect(own?.querySelector("time")?.getAttribute("datetime")).toBe("2026-11-26T10:00:00Z");
    const bubble = own?.querySelector(".pw-bubble");
    t.ack("k", 2);
    expect(own?.dataset.state).toBe("sent");
    expect(own?.querySelector(".pw-bubble")).toBe(bubble); // updated, not re-rendered
    expect(own?.querySelector(".pw-state")?.textContent).toContain("Sent");
  });

  it("shows a streaming AI reply growing, busy for screen readers until final", () => {
    const list = new MessageList({ ai: "Assistant", business: "Acme" }, () => {});
    const t = new Transcript((c) => list.apply(c));
    t.delta("ai-1", 0, "Hello ", "2026-11-26T10:00:00Z");
    const node = list.el.querySelector<HTMLElement>("[data-key='ai-1']");
    expect(node?.getAttribute("aria-busy")).toBe("true");
    t.delta("ai-1", 1, "there", "2026-11-26T10:00:00Z");
    expect(node?.querySelector(".pw-bubble")?.textContent).toBe("Hello there");
    t.message({ session_id: "s", id: 1, seq: 1, sender_type: "ai", sender_name: "Assistant",
      text: "Hello there!", created_at: "2026-11-26T10:00:01Z", client_msg_id: "ai-1" });
    expect(list.el.querySelectorAll(".pw-msg").length).toBe(1);
    expect(node?.hasAttribute("aria-busy")).toBe(false);
    expect(node?.querySelector(".pw-bubble")?.textContent).toBe("Hello there!");
  });

  it("renders AI text as Markdown, with its sources; everyone else's stays plain text", () => {
    const list = new MessageList({ ai: "Assistant", business: "Acme" }, () => {});
    const t = new Transcript((c) => list.apply(c));
    const at = "2026-11-26T10:00:00Z";
    t.message({ session_id: "s", id: 1, seq: 1, sender_type: "ai", sender_name: "Assistant", created_at: at,
      client_msg_id: "ai-1", text: "**Refunds** take *5 days*:\n- see [the policy](https://a.test/refunds)\n"
        + "- or `/help` at https://a.test/help\n\n[bad](javascript:alert(1)) <img src=x onerror=alert(1)>",
      sources: [{ id: 1, title: "Refund <b>policy</b>", url: "https://a.test/refunds" },
        { id: 2, title: "Typed in", url: null }, { id: 3, title: "Odd", url: "javascript:alert(1)" }] });
    t.message({ session_id: "s", id: 2, seq: 2, sender_type: "agent", sender_name: "Alex", created_at: at,
      client_msg_id: "a-1", text: "**not bold** _nor this_ [x](mailto:a@b.test)" });
    const [ai, agent] = [...list.el.querySelectorAll<HTMLElement>(".pw-msg")];
    const bubble = ai?.querySelector(".pw-bubble") as HTMLElement;
    expect(bubble.querySelector("strong")?.textContent).toBe("Refunds");
    expect(bubble.querySelector("em")?.textContent).toBe("5 days");
    expect([...bubble.querySelectorAll("li")].map((li) => li.textContent))
      .toEqual(["see the policy", "or /help at https://a.test/help"]);
    expect(bubble.querySelector("code")?.textContent).toBe("/help");
    const links = [...bubble.querySelectorAll("a")];
    expect(links.map((a) => [a.textContent, a.getAttribute("href"), a.target]))
      .toEqual([["the policy", "https://a.test/refunds", "_blank"], ["https://a.test/help", "https://a.test/help", "_blank"]]);
    expect(bubble.querySelector("img, script, b")).toBeNull();
    expect(bubble.lastElementChild?.textContent).toBe("[bad](javascript:alert(1)) <img src=x onerror=alert(1)>");
    const sources = ai?.querySelector<HTMLElement>(".pw-sources ul[aria-label='Sources']");
    expect([...(sources?.querySelectorAll("li") ?? [])].map((li) => li.textContent))
      .toEqual(["Refund <b>policy</b> (a.test)", "Typed in", "Odd"]);
    expect([...(sources?.querySelectorAll("a") ?? [])].map((a) => [a.textContent, a.getAttribute("href"), a.rel]))
      .toEqual([["Refund <b>policy</b> (a.test)", "https://a.test/refunds", "noopener noreferrer nofollow ugc"]]);
    expect(agent?.querySelector(".pw-bubble")?.textContent).toBe("**not bold** _nor this_ [x](mailto:a@b.test)");
    expect(agent?.querySelector(".pw-bubble strong, .pw-bubble em, .pw-bubble a, .pw-sources")).toBeNull();
  });

  it("shows the quick replies to an offer of a person under it, and sends what is picked", () => {
    const picked: string[] = [];
    const list = new MessageList({ ai: "Assistant", business: "Acme" }, () => {}, (text) => picked.push(text));
    const t = new Transcript((c) => list.apply(c));
    t.message({ session_id: "s", id: 1, seq: 1, sender_type: "ai", sender_name: "Assistant",
      created_at: "2026-11-26T10:00:00Z", client_msg_id: "ai-1", text: "Shall I find a person?", offer: "person" });
    list.offer("ai-1");
    const group = list.el.querySelector("[data-key='ai-1'] [role=group][aria-label='Quick replies']");
    const buttons = [...(group?.querySelectorAll("button") ?? [])];
    expect(buttons.map((b) => [b.type, b.textContent])).toEqual([["button", "Yes, a person please"], ["button", "No thanks"]]);
    buttons[0]?.click();
    expect(picked).toEqual(["Yes, a person please"]);
    list.offer(null);
    expect(list.el.querySelector("[role=group]")).toBeNull();
  });

  it("offers a retry on a message that was not sent", () => {
    const retried: string[] = [];
    const list = new MessageList({ ai: "Assistant", business: "Acme" }, (k) => retried.push(k));
    const t = new Transcript((c) => list.apply(c));
    t.addPending("k", "hi", "2026-11-26T10:00:00Z");
    t.fail("k", "the conversation has ended");
    list.el.querySelector<HTMLButtonElement>(".pw-link")?.click();
    expect(retried).toEqual(["k"]);
  });
});

describe("pre-chat validation", () => {
  it("checks required fields, emails, phone numbers, options and lengths like the server", () => {
    const f = (type: "text" | "email" | "tel" | "select", required = true) =>
      ({ name: "x", label: "X", type, required, options: ["Sales", "Support"] });
    expect(checkField(f("text"), "  ")).toMatch(/fill this in/);
    expect(checkField(f("text", false), "")).toBe("");
    expect(checkField(f("email"), "nope")).toMatch(/email address/);
    expect(checkField(f("email"), "ada@example.com")).toBe("");
    expect(checkField(f("tel"), "call me")).toMatch(/phone/);
    expect(checkField(f("tel"), "+1 (555) 010-2030")).toBe("");
    expect(checkField(f("select"), "Other")).toMatch(/options/);
    expect(checkField(f("select"), "")).toMatch(/choose/);
    expect(checkField(f("text"), "x".repeat(201))).toMatch(/200/);
  });
});

describe("business hours", () => {
  const hours = { mon: [["09:00", "17:00"]] as [string, string][], sat: [["10:00", "24:00"]] as [string, string][] };
  it("is open inside a span in the widget's time zone", () => {
    // Monday 2026-11-23 08:30 UTC is 09:30 in Paris (UTC+1).
    expect(isOpen(hours, "Europe/Paris", new Date("2026-11-23T08:30:00Z"))).toBe(true);
    expect(isOpen(hours, "UTC", new Date("2026-11-23T08:30:00Z"))).toBe(false);
    expect(isOpen(hours, "UTC", new Date("2026-11-23T17:00:00Z"))).toBe(false); // end excluded
    expect(isOpen(hours, "UTC", new Date("2026-11-28T23:59:00Z"))).toBe(true); // until 24:00
    expect(isOpen(hours, "UTC", new Date("2026-11-24T10:00:00Z"))).toBe(false); // no Tuesday hours
  });
  it("is always open without hours, and falls back to UTC for an unknown zone", () => {
    expect(isOpen(null, "UTC")).toBe(true);
    expect(isOpen({}, "UTC")).toBe(true);
    expect(isOpen(hours, "Mars/Olympus", new Date("2026-11-23T10:00:00Z"))).toBe(true);
  });
});

describe("colours", () => {
  it("finds a readable surface for any configured colour", () => {
    for (const c of ["#007bff", "#ffd800", "#00ff00", "#6c757d", "#000000", "#ffffff", "#ff5a5f"]) {
      const { bg, fg } = readablePair(c);
      expect(contrast(bg, fg)).toBeGreaterThanOrEqual(4.5);
    }
    expect(readablePair("#343a40")).toEqual({ bg: "#343a40", fg: "#ffffff" });
    expect(readablePair("#ffd800").fg).toBe("#111111");
  });
  it("makes muted text readable on light and dark backgrounds", () => {
    for (const c of ["#6c757d", "#adb5bd", "#777777"]) {
      expect(contrast(readableOn(c, "#ffffff"), "#ffffff")).toBeGreaterThanOrEqual(4.5);
      expect(contrast(readableOn(c, "#17191c"), "#17191c")).toBeGreaterThanOrEqual(4.5);
    }
  });
});

describe("wait estimates", () => {
  it("speaks in minutes and hours", () => {
    expect(waitText(20)).toBe("less than a minute");
    expect(waitText(61)).toBe("about 1 minute");
    expect(waitText(240)).toBe("about 4 minutes");
    expect(waitText(7200)).toBe("about 2 hours");
  });
});
