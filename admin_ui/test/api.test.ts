import { afterEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api";

function reply(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(typeof body === "string" ? body : JSON.stringify(body),
    { status, headers: { "Content-Type": "application/json", ...headers } });
}

afterEach(() => {
  vi.unstubAllGlobals();
  api.setToken(null);
  api.setUnauthorizedHandler(null);
});

describe("api", () => {
  it("sends the token and JSON, and turns a 422 into an error with the server's fields", async () => {
    const fetch = vi.fn(async () => reply(422, { error: { code: "validation_failed", message: "invalid",
      fields: { allowed_origins: "'x' is not an origin like https://example.com" } } }));
    vi.stubGlobal("fetch", fetch);
    api.setToken("jwt");
    const err = await api.updateWidget("K", { allowed_origins: ["x"] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(api.ApiError);
    expect((err as api.ApiError).fields).toEqual({ allowed_origins: "'x' is not an origin like https://example.com" });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/widgets/K");
    expect(init.method).toBe("PUT");
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer jwt");
    expect(JSON.parse(String(init.body))).toEqual({ allowed_origins: ["x"] });
  });

  it("signs out on a 401 with a token, and says when the server cannot be reached", async () => {
    const out = vi.fn();
    api.setUnauthorizedHandler(out);
    api.setToken("old");
    vi.stubGlobal("fetch", vi.fn(async () => reply(401, { error: { code: "unauthorized", message: "sign in" } })));
    await expect(api.listWidgets()).rejects.toMatchObject({ status: 401 });
    expect(out).toHaveBeenCalledOnce();
    vi.stubGlobal("fetch", vi.fn(async () => { throw new TypeError("failed"); }));
    await expect(api.me()).rejects.toMatchObject({ status: 0, code: "network" });
  });

  it("asks analytics for the period and widget, and downloads the CSV under the server's name", async () => {
    const fetch = vi.fn(async (url: string) => url.includes("format=csv")
      ? reply(200, "date,conversations\r\n", { "Content-Type": "text/csv",
        "Content-Disposition": 'attachment; filename="parley-analytics-2025-03-03-to-2025-03-04.csv"' })
      : reply(200, { period: {} }));
    vi.stubGlobal("fetch", fetch);
    const period = { from: "2025-03-03", to: "2025-03-04", tz: "Europe/Paris", siteKey: "K" };
    await api.analytics(period);
    expect(fetch.mock.calls[0]?.[0]).toBe("/api/analytics?from=2025-03-03&to=2025-03-04&tz=Europe%2FParis&site_key=K");
    const { name, blob } = await api.analyticsCsv(period);
    expect(name).toBe("parley-analytics-2025-03-03-to-2025-03-04.csv");
    expect(await blob.text()).toBe("date,conversations\r\n");
  });
});
