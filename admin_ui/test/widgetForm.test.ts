import { describe, expect, it } from "vitest";
import type { Widget } from "../src/types";
import {
  DEFAULTS, changes, errorsUnder, fieldName, newSettings, normalizeOrigin, payload, previewConfig,
  settingsOf, snippet, tabOf, validate,
} from "../src/widgetForm";

const widget: Widget = {
  ...structuredClone(DEFAULTS), id: 1, site_key: "KEY12345", owner_id: 1,
  created_at: "2025-01-01T00:00:00.000Z", updated_at: "2025-01-01T00:00:00.000Z",
  identity_secret_set: false, identity_previous_until: null,
};

describe("origins", () => {
  it("normalises like the server: lower case, default port dropped, trailing slash allowed", () => {
    expect(normalizeOrigin("HTTPS://Shop.Example.com")).toBe("https://shop.example.com");
    expect(normalizeOrigin("http://localhost:3000/")).toBe("http://localhost:3000");
    expect(normalizeOrigin("https://a.com:443")).toBe("https://a.com");
    expect(normalizeOrigin(" http://127.0.0.1:8080 ")).toBe("http://127.0.0.1:8080");
  });

  it("refuses what the server refuses: paths, queries, other schemes, credentials", () => {
    for (const bad of ["https://a.com/path", "https://a.com?x=1", "https://a.com#f", "javascript:alert(1)",
      "ftp://a.com", "a.com", "https://user@a.com", ""]) {
      expect(normalizeOrigin(bad), bad).toBeNull();
    }
  });
});

describe("validation mirrors the server's field errors", () => {
  it("accepts the defaults", () => {
    expect(validate(structuredClone(DEFAULTS))).toEqual({});
  });

  it("takes the widget's eight languages and points a wrong one at the Messages tab", () => {
    for (const language of ["en", "es", "fr", "de", "pt", "it", "nl", "ar"] as const) {
      expect(validate({ ...structuredClone(DEFAULTS), language })).toEqual({});
    }
    const errors = validate({ ...structuredClone(DEFAULTS), language: "he" as "en" });
    expect(errors).toEqual({ language: "must be one of en, es, fr, de, pt, it, nl, ar" });
    expect(tabOf("language")).toBe("messages");
    expect(changes(DEFAULTS, { ...structuredClone(DEFAULTS), language: "de" })).toEqual({ language: "de" });
  });

  it("checks the text overrides and points them at the Texts tab", () => {
    const ok = { ...structuredClone(DEFAULTS), text_overrides: { fr: { "panel.placeholder": "Votre question" } } };
    expect(validate(ok)).toEqual({});
    const long = { ...structuredClone(DEFAULTS), text_overrides: { fr: { "panel.placeholder": "x".repeat(501) } } };
    expect(validate(long)).toEqual({ "text_overrides.fr.panel.placeholder": "at most 500 characters" });
    expect(tabOf("text_overrides.fr.panel.placeholder")).toBe("texts");
    expect(previewConfig(ok, null, "ar")).toMatchObject({ language: "ar", text_overrides: ok.text_overrides });
    expect(previewConfig(ok, null)).toMatchObject({ language: "en" });
  });

  it("names each field with the server's key and wording", () => {
    const s = {
      ...structuredClone(DEFAULTS), business_name: " ", widget_title: "x".repeat(101),
      primary_color: "red", secondary_color: "#12345",
      prechat_fields: [
        { name: "Email", label: "Email", type: "email" as const, required: true },
        { name: "topic", label: "", type: "select" as const, required: false, options: [" "] },
        { name: "topic", label: "Again", type: "text" as const, required: false },
      ],
      allowed_origins: ["https://ok.com", "https://a.com/path"],
      business_hours: { mon: [["17:00", "09:00"] as [string, string]] },
      timezone: "Mars/Base",
      ai_settings: { temperature: 3, max_tokens: 1.5 },
    };
    expect(validate(s, new Set(["UTC", "Europe/Paris"]))).toEqual({
      business_name: "is required",
      widget_title: "must be at most 100 characters",
      primary_color: "must be a colour like #007bff",
      secondary_color: "must be a colour like #007bff",
      "prechat_fields[0].name": "lower-case letters, digits and _, starting with a letter",
      "prechat_fields[1].label": "is required",
      "prechat_fields[1].options": "a select field needs at least one option",
      "prechat_fields[2].name": "is used twice",
      allowed_origins: "'https://a.com/path' is not an origin like https://example.com",
      timezone: "must be an IANA time zone such as Europe/Paris",
      "business_hours.mon": "each span is [start, end] with start < end",
      "ai_settings.temperature": "must be between 0 and 2",
      "ai_settings.max_tokens": "must be a whole number",
    });
  });

  it("groups errors by tab so a hidden mistake can be pointed at", () => {
    expect(tabOf("prechat_fields[1].label")).toBe("prechat");
    expect(tabOf("allowed_origins")).toBe("install");
    expect(tabOf("ai_settings.model")).toBe("ai");
    expect(tabOf("business_hours.mon")).toBe("hours");
    expect(tabOf("primary_color")).toBe("appearance");
    expect(errorsUnder({ "prechat_fields[0].name": "a", prechat_fields: "b", x: "c" }, "prechat_fields"))
      .toEqual(["a", "b"]);
  });
});

describe("what a save sends", () => {
  it("only the settings that changed, cleaned as the server stores them", () => {
    const saved = settingsOf(widget);
    const draft = { ...structuredClone(saved), primary_color: "#E91E63 ", allowed_origins: ["HTTPS://Shop.com/", "https://shop.com"],
      ai_settings: { model: "  ", temperature: 0.3 } };
    expect(changes(saved, draft)).toEqual({
      primary_color: "#e91e63", allowed_origins: ["https://shop.com"], ai_settings: { temperature: 0.3 },
    });
    expect(changes(saved, structuredClone(saved))).toEqual({});
  });

  it("keeps options for choice fields only", () => {
    const p = payload({ ...structuredClone(DEFAULTS), prechat_fields: [
      { name: "a", label: " A ", type: "text", required: false, options: ["x"] },
      { name: "b", label: "B", type: "select", required: true, options: [" x ", "", "y"] },
    ] });
    expect(p.prechat_fields).toEqual([
      { name: "a", label: "A", type: "text", required: false },
      { name: "b", label: "B", type: "select", required: true, options: ["x", "y"] },
    ]);
  });

  it("starts a new widget in the admin's time zone, with a name to fill in", () => {
    const s = newSettings("Europe/Paris");
    expect(s.timezone).toBe("Europe/Paris");
    expect(validate(s)).toEqual({ business_name: "is required" });
  });
});

describe("the preview's config", () => {
  it("shows the unsaved settings, falling back where a value is not usable yet", () => {
    const cfg = previewConfig({ ...structuredClone(DEFAULTS), business_name: "", widget_title: " ",
      primary_color: "#e91", prechat_fields: [{ name: "", label: "Half done", type: "text", required: false }] }, null);
    expect(cfg.site_key).toBe("preview");
    expect(cfg.primary_color).toBe("#007bff");
    expect(cfg.widget_title).toBe("Chat with us");
    expect(cfg.prechat_fields).toEqual([]);
    expect(previewConfig({ ...structuredClone(DEFAULTS), primary_color: "#E91E63" }, "K").primary_color).toBe("#e91e63");
  });
});

describe("small helpers", () => {
  it("makes field names from labels, unique", () => {
    expect(fieldName("Order number", [])).toBe("order_number");
    expect(fieldName("Order number", ["order_number"])).toBe("order_number_2");
    expect(fieldName("123 go", [])).toBe("go");
    expect(fieldName("!!!", [])).toBe("field");
  });

  it("writes the embed tag", () => {
    expect(snippet("https://chat.example.com/", "KEY12345"))
      .toBe('<script src="https://chat.example.com/widget.js" data-site-key="KEY12345" async></script>');
  });
});

describe("retention", () => {
  it("is off by default, else a whole number of days from 1 to 36500, on the Privacy tab", () => {
    expect(DEFAULTS.retention_days).toBeNull();
    expect(validate({ ...DEFAULTS, retention_days: null }).retention_days).toBeUndefined();
    expect(validate({ ...DEFAULTS, retention_days: 90 }).retention_days).toBeUndefined();
    for (const bad of [0, -1, 36501, 2.5, Number.NaN]) {
      expect(validate({ ...DEFAULTS, retention_days: bad }).retention_days, String(bad)).toBeDefined();
    }
    expect(tabOf("retention_days")).toBe("privacy");
    expect(changes(DEFAULTS, { ...DEFAULTS, retention_days: 30 })).toEqual({ retention_days: 30 });
  });
});
