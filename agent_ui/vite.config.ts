import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Built into chatserver/static/agent/, served by chatserver/api/ui.py at /agent/.
// `npm run dev` serves it with hot reload and proxies the API and sockets to `chatctl serve`.
const server = process.env.PARLEY_DEV_SERVER ?? "http://127.0.0.1:8080";

export default defineConfig({
  base: "/agent/",
  plugins: [react()],
  build: {
    outDir: "../chatserver/static/agent",
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: {
    port: 5174,
    proxy: {
      "/api": server,
      "/ws": { target: server.replace(/^http/, "ws"), ws: true },
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
});
