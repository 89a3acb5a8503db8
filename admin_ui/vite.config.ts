import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Built into chatserver/static/admin/, served by chatserver/api/ui.py at /admin/. Two pages:
// the app (index.html) and the widget preview the builder frames (preview.html).
// `npm run dev` serves it with hot reload and proxies the API, sockets and widget to `chatctl serve`.
const server = process.env.PARLEY_DEV_SERVER ?? "http://127.0.0.1:8080";

export default defineConfig({
  base: "/admin/",
  plugins: [react()],
  build: {
    outDir: "../chatserver/static/admin",
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      input: { index: resolve(__dirname, "index.html"), preview: resolve(__dirname, "preview.html") },
    },
  },
  server: {
    port: 5175,
    proxy: {
      "/api": server,
      "/widget.js": server,
      "/widget/": server,
      "/ws": { target: server.replace(/^http/, "ws"), ws: true },
    },
  },
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    environment: "node",
  },
});
