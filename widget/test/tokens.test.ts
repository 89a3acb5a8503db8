import { describe, expect, it } from "vitest";
// @ts-expect-error: plain JavaScript (the Tailwind preset's module), no types
import { WIDGET_VARS } from "@parley/tokens/widget";
import { LOADER_CSS } from "../src/ui/launcher";
import { CHAT_CSS } from "../src/ui/styles";

describe("design tokens", () => {
  it("the widget's CSS custom properties are the shared preset's values (packages/tokens)", () => {
    // The launcher's tokens are in the loader's CSS, the chat's in the chat chunk's.
    const root = [LOADER_CSS, CHAT_CSS].map((css) => /\.pw-root\{([^}]*)\}/.exec(css)?.[1] ?? "").join(";");
    const declared = Object.fromEntries([...root.matchAll(/(--pw-[\w-]+):([^;]+);/g)]
      .map((m) => [m[1], m[2]!.trim()]));
    const expected = WIDGET_VARS as Record<string, string>;
    const picked = Object.fromEntries(Object.keys(expected).map((k) => [k, declared[k]]));
    expect(picked).toEqual(expected);
  });
});
