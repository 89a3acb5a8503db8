import { describe, expect, it } from "vitest";
import { parseRoute, routePath } from "../src/router";
import { NOTIFICATIONS, initialSettings, settingsReducer } from "../src/state/settings";

const all = { notifications: { waiting: true, offline_email: true, digest: true, mention: true } };

describe("the settings screen", () => {
  it("has its own route", () => {
    expect(parseRoute("/agent/settings")).toEqual({ page: "settings" });
    expect(routePath({ page: "settings" })).toBe("/agent/settings");
  });

  it("is part of the profile, which has its own route too", () => {
    expect(parseRoute("/agent/profile")).toEqual({ page: "profile" });
    expect(routePath({ page: "profile" })).toBe("/agent/profile");
  });

  it("offers every notification the server knows, each with a description", () => {
    expect(NOTIFICATIONS.map((n) => n.key).sort()).toEqual(Object.keys(all.notifications).sort());
    for (const n of NOTIFICATIONS) expect(n.description.length).toBeGreaterThan(20);
  });

  it("shows a change at once, then says it is saved", () => {
    let s = settingsReducer(initialSettings, { type: "toggle", key: "digest", value: false });
    expect(s).toBe(initialSettings); // nothing to change before the settings are loaded
    s = settingsReducer(s, { type: "loaded", settings: all });
    s = settingsReducer(s, { type: "toggle", key: "digest", value: false });
    expect(s.settings?.notifications.digest).toBe(false);
    expect(s.status).toEqual({ kind: "saving" });
    const answer = { notifications: { ...all.notifications, digest: false } };
    s = settingsReducer(s, { type: "saved", settings: answer });
    expect(s.status).toEqual({ kind: "saved" });
    expect(s.settings).toEqual(answer);
  });

  it("keeps the newest switches while saves overlap, and takes the last answer", () => {
    let s = settingsReducer(initialSettings, { type: "loaded", settings: all });
    s = settingsReducer(s, { type: "toggle", key: "digest", value: false });
    s = settingsReducer(s, { type: "toggle", key: "waiting", value: false });
    const first = { notifications: { ...all.notifications, digest: false } };
    s = settingsReducer(s, { type: "saved", settings: first });
    expect(s.settings?.notifications).toEqual({ waiting: false, offline_email: true, digest: false, mention: true });
    expect(s.status).toEqual({ kind: "saving" });
    const second = { notifications: { waiting: false, offline_email: true, digest: false, mention: true } };
    s = settingsReducer(s, { type: "saved", settings: second });
    expect(s.status).toEqual({ kind: "saved" });
  });

  it("puts a refused change back and says why", () => {
    let s = settingsReducer(initialSettings, { type: "loaded", settings: all });
    s = settingsReducer(s, { type: "toggle", key: "waiting", value: false });
    s = settingsReducer(s, { type: "save_failed", key: "waiting", value: false,
      message: "Not saved: Can't reach the server." });
    expect(s.settings?.notifications.waiting).toBe(true);
    expect(s.status).toEqual({ kind: "error", message: "Not saved: Can't reach the server." });
    expect(s.saving).toBe(0);
  });
});
