// Reading a knowledge-base file to import: which format it is, and a first look at what it holds.

export type ImportFormat = "markdown" | "csv";

// Below the server's 60,000-character limit for one import.
export const MAX_IMPORT_CHARS = 60_000;

/** The format, from the file's name, else from its first line. */
export function detectFormat(name: string, text: string): ImportFormat | null {
  const lower = name.toLowerCase();
  if (/\.(md|markdown|mdown|txt)$/.test(lower)) return "markdown";
  if (/\.(csv|tsv)$/.test(lower)) return "csv";
  const first = text.split(/\r?\n/, 1)[0]?.toLowerCase() ?? "";
  if (/^\s*#/.test(first)) return "markdown";
  if (/^\s*"?(question|title|kind)"?\s*,/.test(first)) return "csv";
  return null;
}

/** How many entries the file should give, as the server splits it (a quick count, for the
 * confirmation: the server is the judge). */
export function countEntries(format: ImportFormat, text: string): number {
  if (format === "markdown") return text.split(/\r?\n/).filter((l) => /^#{1,3}\s+\S/.test(l)).length;
  let rows = 0;
  let quoted = false;
  let content = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === "\n" && !quoted) {
      if (content) rows++;
      content = false;
    } else if (!/\s/.test(ch)) content = true;
  }
  if (content) rows++;
  return Math.max(0, rows - 1); // the header
}
