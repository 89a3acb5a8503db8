import { defineConfig } from "vitest/config";

export default defineConfig({
  define: {
    __PARLEY_CHUNK__: JSON.stringify("chat.test.js"), __PARLEY_TRACK__: JSON.stringify("track.test.js"),
    __PARLEY_I18N__: JSON.stringify("test"), __PARLEY_EN__: JSON.stringify({}),
  },
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    environment: "node",
  },
});
