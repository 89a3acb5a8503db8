import { expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script, no types
import { stale } from "../scripts/generate.mjs";

it("src/*.generated.ts are what docs/ generates (else: npm run generate -w @parley/protocol)", async () => {
  expect(await (stale as () => Promise<string[]>)()).toEqual([]);
});
