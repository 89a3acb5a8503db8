import { describe, expect, it } from "vitest";
import { actorName, detailsText, targetText } from "../src/auditFormat";
import { parseRoute, routePath } from "../src/router";
import type { AuditEntry } from "../src/types";

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  id: 1, at: "2026-12-06T16:00:00.000Z", actor: { type: "user", id: 3, name: "ada" },
  action: "widget.update", target_type: "widget", target_id: "abc", ip: "127.0.0.1",
  details: { name: "Shop", fields: ["primary_color", "widget_title"] }, ...over,
});

describe("the audit page's wording", () => {
  it("names the actor: a user, the operator at chatctl, Parley itself", () => {
    expect(actorName(entry())).toBe("ada");
    expect(actorName(entry({ actor: { type: "chatctl", id: null, name: "root" } }))).toBe("chatctl (root)");
    expect(actorName(entry({ actor: { type: "system", id: null, name: "parley" } }))).toBe("Parley");
  });

  it("puts the changed fields first", () => {
    expect(detailsText(entry().details)).toBe("fields: primary_color, widget_title · name: Shop");
    expect(detailsText({ from: "agent", to: "admin" })).toBe("from: agent · to: admin");
  });

  it("names the target with its id when it has one", () => {
    expect(targetText(entry())).toBe("widget abc");
    expect(targetText(entry({ target_type: "outbox", target_id: null }))).toBe("outbox");
  });

  it("has a route", () => {
    expect(parseRoute("/admin/audit")).toEqual({ page: "audit" });
    expect(routePath({ page: "audit" })).toBe("/admin/audit");
    expect(parseRoute("/admin/privacy")).toEqual({ page: "privacy" });
    expect(routePath({ page: "privacy" })).toBe("/admin/privacy");
  });
});
