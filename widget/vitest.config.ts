import { defineConfig } from "vitest/config";
// @ts-expect-error: plain JavaScript, no types
import { KEYS } from "./scripts/i18n.mjs";

export default defineConfig({
  define: {
    __PARLEY_CHUNK__: JSON.stringify("chat.test.js"), __PARLEY_TRACK__: JSON.stringify("track.test.js"),
    __PARLEY_TRIGGERS__: JSON.stringify("triggers.test.js"),
    __PARLEY_I18N__: JSON.stringify("test"), __PARLEY_EN__: JSON.stringify([]), __PARLEY_KEYS__: JSON.stringify(KEYS), __PARLEY_LAUNCHER__: JSON.stringify([]),
  },
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    environment: "node",
  },
});
