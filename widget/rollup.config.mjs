// Two builds, in order: the chat UI chunk (an ES module with a content-hashed name, imported
// on demand, and the upload chunk it imports in turn), then the loader widget.js (a classic script, IIFE), which is told the chunk's
// name. Both land in ../chatserver/static, which the chat server serves.
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import terser from "@rollup/plugin-terser";
import typescript from "@rollup/plugin-typescript";
import { KEYS, LAUNCHER_KEYS, launcherEn, packHash, packModule, packs } from "./scripts/i18n.mjs";

const STATIC = fileURLToPath(new URL("../chatserver/static/", import.meta.url));
const minify = () => terser({ ecma: 2020, compress: { passes: 2 }, format: { comments: false } });
let chunkName = "";
let trackName = "";
let triggersName = "";

// The language packs (scripts/i18n.mjs): each its own tiny ES module, fetched in parallel with
// the chat chunk; English's launcher texts are also in the loader, the keys in the chat chunk.
const emitPacks = () => ({
  name: "language-packs",
  generateBundle() {
    for (const [lang, texts] of Object.entries(packs)) {
      this.emitFile({ type: "asset", fileName: `i18n-${lang}.${packHash}.js`, source: packModule(texts) });
    }
  },
});

export default [
  {
    input: "src/chat.ts",
    // The upload UI (src/upload.ts) is a chunk of its own, imported by the chat chunk when
    // the visitor first attaches a file; what it shares with the chat chunk it imports from
    // it (allow-extension: the chat chunk exports those too, rather than a third chunk).
    preserveEntrySignatures: "allow-extension",
    output: { dir: `${STATIC}widget`, format: "es", entryFileNames: "chat.[hash].js", chunkFileNames: "[name].[hash].js" },
    plugins: [
      { name: "clean", buildStart: () => rmSync(`${STATIC}widget`, { recursive: true, force: true }) },
      typescript({ noEmitOnError: true, include: ["src/**/*.ts", "../packages/protocol/src/**/*.ts"] }),
      {
        name: "i18n-keys",
        transform: (code) => (code.includes("__PARLEY_KEYS__")
          ? { code: code.replaceAll("__PARLEY_KEYS__", JSON.stringify(KEYS)), map: null } : null),
      },
      minify(),
      emitPacks(),
      {
        name: "record-chunk-name",
        generateBundle(_options, bundle) {
          chunkName = Object.values(bundle).find((c) => c.type === "chunk" && c.isEntry).fileName;
        },
      },
    ],
  },
  {
    // Visitor tracking's chunk (src/track.ts), imported by the loader only when the widget's
    // visitor_tracking is on; an ES module of its own, content-hashed.
    input: "src/track.ts",
    output: { dir: `${STATIC}widget`, format: "es", entryFileNames: "track.[hash].js" },
    plugins: [
      typescript({ noEmitOnError: true, include: ["src/**/*.ts", "../packages/protocol/src/**/*.ts"] }),
      minify(),
      {
        name: "record-track-name",
        generateBundle(_options, bundle) {
          trackName = Object.values(bundle).find((c) => c.type === "chunk" && c.isEntry).fileName;
        },
      },
    ],
  },
  {
    // The trigger chunk (src/triggers.ts: proactive messages), imported by the loader only when
    // the widget's public config has triggers; an ES module of its own, content-hashed.
    input: "src/triggers.ts",
    output: { dir: `${STATIC}widget`, format: "es", entryFileNames: "triggers.[hash].js" },
    plugins: [
      typescript({ noEmitOnError: true, include: ["src/**/*.ts", "../packages/protocol/src/**/*.ts"] }),
      minify(),
      {
        name: "record-triggers-name",
        generateBundle(_options, bundle) {
          triggersName = Object.values(bundle).find((c) => c.type === "chunk" && c.isEntry).fileName;
        },
      },
    ],
  },
  {
    input: "src/loader.ts",
    output: { file: `${STATIC}widget.js`, format: "iife" },
    plugins: [
      typescript({ noEmitOnError: true, include: ["src/**/*.ts", "../packages/protocol/src/**/*.ts"] }),
      {
        name: "chunk-name",
        transform(code) {
          if (!chunkName || !trackName || !triggersName) throw new Error("the chunks must be built before the loader");
          return code.includes("__PARLEY_CHUNK__")
            ? {
                code: code.replaceAll("__PARLEY_CHUNK__", JSON.stringify(chunkName))
                  .replaceAll("__PARLEY_TRACK__", JSON.stringify(trackName))
                  .replaceAll("__PARLEY_TRIGGERS__", JSON.stringify(triggersName))
                  .replaceAll("__PARLEY_I18N__", JSON.stringify(packHash))
                  .replaceAll("__PARLEY_EN__", JSON.stringify(launcherEn))
                  .replaceAll("__PARLEY_LAUNCHER__", JSON.stringify(LAUNCHER_KEYS)),
                map: null,
              }
            : null;
        },
      },
      minify(),
    ],
  },
];
