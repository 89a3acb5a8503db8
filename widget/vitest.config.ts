import { defineConfig } from "vitest/config";

export default defineConfig({
  define: { __PARLEY_CHUNK__: JSON.stringify("chat.test.js") },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
});
