// Prints the built admin UI's files and their gzip sizes.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const root = new URL("../../chatserver/static/admin/", import.meta.url).pathname;
let total = 0;
let totalGz = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) { walk(path); continue; }
    const data = readFileSync(path);
    const gz = gzipSync(data, { level: 9 }).length;
    total += data.length;
    totalGz += gz;
    console.log(`${path.slice(root.length).padEnd(40)} ${String(data.length).padStart(8)} B  ${String(gz).padStart(7)} B gzip`);
  }
}
walk(root);
console.log(`${"total".padEnd(40)} ${String(total).padStart(8)} B  ${String(totalGz).padStart(7)} B gzip`);
