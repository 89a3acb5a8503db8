import { describe, expect, it } from "vitest";
import { ago, languageName } from "../src/components/VisitorContextRows";
import { contextFrame, newer } from "../src/visitorContext";
import type { VisitorContext } from "../src/types";

const base: VisitorContext = {
  timezone: "Asia/Tokyo", language: "fr-FR", referrer: null, pages: [], attributes: {},
  updated_at: "2026-01-01T10:00:00.000Z",
};

describe("the visitor context in the inbox", () => {
  it("takes the newer of the live and the loaded context", () => {
    const later = { ...base, attributes: { plan: "pro" }, updated_at: "2026-01-01T10:00:05.000Z" };
    expect(newer(base, later)).toBe(later);
    expect(newer(later, base)).toBe(later);
    expect(newer(null, base)).toBe(base);
    expect(newer(undefined, null)).toBeNull();
  });

  it("ignores frames that are not a context", () => {
    expect(() => contextFrame({ type: "presence", agent_id: 1, status: "online" })).not.toThrow();
  });

  it("names languages and says when a page was viewed", () => {
    expect(languageName("fr-FR")).toBe("French (France)");
    expect(languageName("not a tag!")).toBe("not a tag!");
    const now = Date.parse("2026-01-01T12:00:00Z");
    expect(ago("2026-01-01T11:59:50Z", now)).toBe("just now");
    expect(ago("2026-01-01T11:55:00Z", now)).toBe("5 min. ago");
    expect(ago("2026-01-01T10:00:00Z", now)).toBe("2 hr. ago");
    expect(ago("2025-12-31T12:00:00Z", now)).toBe("yesterday");
  });
});
