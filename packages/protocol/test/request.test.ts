import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, request } from "../src/request";

const endpoint = { offline: "offline!", failed: (s: number) => `failed ${s}` };
afterEach(() => vi.unstubAllGlobals());

describe("request", () => {
  it("sends JSON with the token and reads JSON back; 204 is undefined", async () => {
    const fetch = vi.fn(async () => new Response('{"a":1}', { status: 200 }));
    vi.stubGlobal("fetch", fetch);
    expect(await request(endpoint, "/x", { method: "POST", body: { b: 2 }, token: "t" })).toEqual({ a: 1 });
    expect(fetch).toHaveBeenCalledWith("/x", expect.objectContaining({ method: "POST", body: '{"b":2}',
      credentials: "omit", headers: { Accept: "application/json", Authorization: "Bearer t",
        "Content-Type": "application/json" } }));
    fetch.mockResolvedValueOnce(new Response(null, { status: 204 }));
    expect(await request(endpoint, "/x")).toBeUndefined();
  });

  it("turns failures into ApiError and reports a refused token", async () => {
    const lost = vi.fn();
    vi.stubGlobal("fetch", vi.fn(async () => new Response(
      '{"error":{"code":"unauthorized","message":"sign in","fields":{"a":"b"}}}', { status: 401 })));
    const err = (await request({ ...endpoint, token: () => "t", unauthorized: lost }, "/x").catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect([err.status, err.code, err.message, err.fields]).toEqual([401, "unauthorized", "sign in", { a: "b" }]);
    expect(lost).toHaveBeenCalledOnce();
    vi.stubGlobal("fetch", vi.fn(async () => new Response("<html>", { status: 502 })));
    expect(await request(endpoint, "/x").catch((e) => [e.code, e.message])).toEqual(["http_502", "failed 502"]);
    vi.stubGlobal("fetch", vi.fn(async () => { throw new TypeError("down"); }));
    expect(await request(endpoint, "/x").catch((e) => [e.status, e.code, e.message])).toEqual([0, "network", "offline!"]);
  });
});
