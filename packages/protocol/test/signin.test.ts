import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SIGN_IN_KEY, loadSignIn, saveSignIn } from "../src/signin";

// A localStorage of this test's own (the package's tests run without a DOM).
function fakeStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  };
}

describe("one sign-in for the inbox and the admin", () => {
  let store: ReturnType<typeof fakeStorage>;
  beforeEach(() => {
    store = fakeStorage();
    (globalThis as { localStorage?: unknown }).localStorage = store;
  });
  afterEach(() => {
    delete (globalThis as { localStorage?: unknown }).localStorage;
  });

  it("keeps one token under one key, and forgets it for both", () => {
    saveSignIn("t1");
    expect(store.items.get(SIGN_IN_KEY)).toBe("t1");
    expect(loadSignIn()).toBe("t1");
    saveSignIn(null);
    expect(loadSignIn()).toBeNull();
    expect(store.items.size).toBe(0);
  });

  it("takes over a token either app kept under its old key, once", () => {
    store.items.set("parley:admin:token", "old-admin");
    expect(loadSignIn()).toBe("old-admin");
    expect([...store.items.entries()]).toEqual([[SIGN_IN_KEY, "old-admin"]]);
    store.items.clear();
    store.items.set("parley:agent:token", "old-agent");
    expect(loadSignIn()).toBe("old-agent");
    expect(store.items.has("parley:agent:token")).toBe(false);
  });
});
