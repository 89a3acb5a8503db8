// The language packs as the build ships them (docs/widget.md "Languages"). A translator edits
// src/i18n/<lang>.json (flat keys); the widget downloads widget/i18n-<lang>.<hash>.js:
//   export default[...texts in KEYS order, 0 where the language has no such key];
// KEYS (every key of every language, sorted, the launcher's first) is built into the chat
// chunk, which maps a pack back to keys; the loader has only the launcher's keys (LAUNCHER_KEYS,
// the first of KEYS). Without the keys in every pack, each is ~30 % smaller, which keeps
// Arabic within its 2,000 B budget.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const DIR = fileURLToPath(new URL("../src/i18n/", import.meta.url));

export const packs = Object.fromEntries(readdirSync(DIR).filter((f) => f.endsWith(".json")).sort()
  .map((f) => [f.slice(0, -5), JSON.parse(readFileSync(DIR + f, "utf8"))]));

const all = [...new Set(Object.values(packs).flatMap((p) => Object.keys(p)))].sort();
// The texts the loader shows itself, or hands to the chunks it loads before the chat (host.t):
// the launcher's and the invitation bubble's (the tracking chunk).
const isLauncher = (key) => /^(launcher|invite)\./.test(key);
export const LAUNCHER_KEYS = all.filter(isLauncher);
export const KEYS = [...LAUNCHER_KEYS, ...all.filter((k) => !isLauncher(k))];

/** The launcher's English texts, built into the loader (as in a pack: in LAUNCHER_KEYS order). */
export const launcherEn = LAUNCHER_KEYS.map((k) => packs.en[k] ?? 0);

/** One hash for all packs: the loader knows only that (and the language). */
export const packHash = createHash("sha256").update(JSON.stringify(packs)).digest("hex").slice(0, 8);

/** The module a pack ships as. */
export function packModule(texts) {
  return `export default${JSON.stringify(KEYS.map((k) => texts[k] ?? 0))};`;
}
