// npm run generate -w @parley/protocol: the frame types from docs/protocol.schema.json and the
// REST types from docs/openapi.yaml, written to src/*.generated.ts (committed). `--check` writes
// nothing and fails when the committed files are not what a fresh generation gives (the tests
// run the same check).
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compile } from "json-schema-to-typescript";
import openapiTS, { astToString } from "openapi-typescript";

const DOCS = new URL("../../../docs/", import.meta.url);
const SRC = new URL("../src/", import.meta.url);

export async function frames() {
  const schema = JSON.parse(readFileSync(new URL("protocol.schema.json", DOCS), "utf8"));
  return compile(schema, "Frame", {
    bannerComment: "// Generated from docs/protocol.schema.json by `npm run generate -w @parley/protocol`.\n"
      + "// Do not edit: change the schema (and docs/protocol.md), then generate again.",
    unreachableDefinitions: true,
    additionalProperties: false,
    format: true,
    style: { printWidth: 100 },
  });
}

export async function rest() {
  const ast = await openapiTS(new URL("openapi.yaml", DOCS), { alphabetize: false, defaultNonNullable: false });
  return "// Generated from docs/openapi.yaml by `npm run generate -w @parley/protocol`.\n"
    + "// Do not edit: change docs/openapi.yaml, then generate again.\n\n" + astToString(ast);
}

export const OUTPUTS = { "frames.generated.ts": frames, "rest.generated.ts": rest };

/** The committed outputs that differ from a fresh generation. */
export async function stale() {
  const out = [];
  for (const [name, make] of Object.entries(OUTPUTS)) {
    if (readFileSync(new URL(name, SRC), "utf8") !== await make()) out.push(name);
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--check")) {
    const names = await stale();
    for (const name of names) console.error(`src/${name} is stale: run npm run generate -w @parley/protocol`);
    process.exit(names.length ? 1 : 0);
  }
  for (const [name, make] of Object.entries(OUTPUTS)) writeFileSync(new URL(name, SRC), await make());
}
