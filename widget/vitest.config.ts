import { defineConfig } from "vitest/config";

export default defineConfig({
  define: { __PARLEY_CHUNK__: JSON.stringify("chat.test.js"), __PARLEY_TRACK__: JSON.stringify("track.test.js"),
    __PARLEY_TRIGGERS__: JSON.stringify("triggers.test.js") },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
});
