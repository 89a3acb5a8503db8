// npm run size: the gzip sizes of what a visitor downloads, against the budgets. Fails (exit 1)
// over budget or when the widget is not built.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";

const STATIC = new URL("../../chatserver/static/", import.meta.url);
// Bytes, gzip level 9 (what nginx's gzip_static or a CDN serves, give or take a few bytes).
// The upload chunk is loaded only when a visitor attaches a file.
// The tracking chunk is loaded only by widgets with visitor_tracking on, the trigger chunk only
// by widgets with proactive-message triggers.
// A language pack (src/i18n/<lang>.json): the visitor's one, with the chat chunk (and at once
// for a language other than English, for the launcher's labels).
const BUDGETS = { loader: 5000, chunk: 25000, upload: 4000, track: 2500, triggers: 3000, lang: 2000 };

const loaderUrl = new URL("widget.js", STATIC);
if (!existsSync(loaderUrl)) {
  console.error("size: chatserver/static/widget.js is missing: run `npm run build` first");
  process.exit(1);
}
const loader = readFileSync(loaderUrl);
const chunkName = /"widget\/(chat\.[\w-]+\.js)"/.exec(loader.toString())?.[1];
if (!chunkName) {
  console.error("size: widget.js names no chat chunk");
  process.exit(1);
}
const chunk = readFileSync(new URL(`widget/${chunkName}`, STATIC));
const uploadName = /import\("\.\/(upload\.[\w-]+\.js)"\)/.exec(chunk.toString())?.[1];
if (!uploadName) {
  console.error("size: the chat chunk imports no upload chunk");
  process.exit(1);
}
const trackName = /"widget\/(track\.[\w-]+\.js)"/.exec(loader.toString())?.[1];
if (!trackName) {
  console.error("size: widget.js names no tracking chunk");
  process.exit(1);
}
const triggersName = /"widget\/(triggers\.[\w-]+\.js)"/.exec(loader.toString())?.[1];
if (!triggersName) {
  console.error("size: widget.js names no trigger chunk");
  process.exit(1);
}
const packHash = /widget\/i18n-\$\{[^}]+\}\.(\w+)\.js/.exec(loader.toString())?.[1];
const langs = packHash ? readdirSync(new URL("widget/", STATIC)).filter((f) => /^i18n-/.test(f) && f.endsWith(`.${packHash}.js`)).sort() : [];
if (!langs.length) {
  console.error("size: widget.js names no language packs, or none is built");
  process.exit(1);
}
const rows = [
  ["loader", "widget.js", loader],
  ["track", `widget/${trackName}`, readFileSync(new URL(`widget/${trackName}`, STATIC))],
  ["triggers", `widget/${triggersName}`, readFileSync(new URL(`widget/${triggersName}`, STATIC))],
  ["chunk", `widget/${chunkName}`, chunk],
  ["upload", `widget/${uploadName}`, readFileSync(new URL(`widget/${uploadName}`, STATIC))],
  ...langs.map((f) => ["lang", `widget/${f}`, readFileSync(new URL(`widget/${f}`, STATIC))]),
];
let over = false;
console.log("file                        raw      gzip    budget");
for (const [kind, name, bytes] of rows) {
  const gz = gzipSync(bytes, { level: 9 }).length;
  const ok = gz <= BUDGETS[kind];
  over ||= !ok;
  console.log(`${name.padEnd(26)} ${String(bytes.length).padStart(6)} ${String(gz).padStart(8)}` +
    ` ${String(BUDGETS[kind]).padStart(8)}  ${ok ? "ok" : "OVER BUDGET"}`);
}
process.exit(over ? 1 : 0);
