// The small Markdown subset AI text may use (docs/protocol.md, the `message` frame): **bold**,
// *italics* and _italics_, `code`, [links](https://…), bullet and numbered lists, paragraphs
// and line breaks. `parseMarkdown` turns text into a token tree and does nothing else: the widget
// builds DOM nodes from it and the inbox React elements, text always as text, never as HTML.
//
// Anything that is not well formed stays text, as written: an unclosed marker, a marker inside
// a word (`snake_case`, `7*7`), a link whose URL is not http(s) or mailto (the whole `[t](url)`
// is shown). Linear in the text's length, give or take a bounded look-ahead: no input, however
// hostile, makes it backtrack.

export type Inline =
  | { type: "text"; text: string }
  | { type: "strong" | "em"; children: Inline[] }
  | { type: "code"; text: string }
  | { type: "link"; href: string; children: Inline[] }
  | { type: "br" };

export type Block =
  | { type: "p"; children: Inline[] }
  | { type: "ul"; items: Inline[][] }
  | { type: "ol"; start: number; items: Inline[][] };

// Nesting beyond this (bold in italics in a link…) stays text: no message needs more.
const MAX_DEPTH = 4;
// A link's URL is looked for this far at most (longer ones stay text).
const MAX_URL = 2048;

const BULLET = /^[ \t]*[-*+][ \t]+(.*)$/;
const NUMBERED = /^[ \t]*(\d{1,9})[.)][ \t]+(.*)$/;
const SPACE = /\s/;
const WORD = /[\p{L}\p{N}]/u;
// An opening * or _ stands at the start, or after a space or an opening quote or bracket: never
// inside a word or after other punctuation (`7*7`, `/*`, `__init__` stay text).
const OPENS_AFTER = /[\s("'“‘«]/;
const ESCAPABLE = "\\`*_[]()#+-.!";

/** The URL of a link, normalised, when it is http, https or mailto; otherwise null. */
export function safeUrl(raw: string): string | null {
  if (!/^(https?:\/\/|mailto:)[^\s\p{Cc}]+$/iu.test(raw)) return null;
  try {
    const url = new URL(raw);
    return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** The URL of a web page (a source's), normalised, when it is http or https; otherwise null. */
export function pageUrl(raw: string | null): string | null {
  const url = raw ? safeUrl(raw) : null;
  return url && !url.startsWith("mailto:") ? url : null;
}

/** The blocks of a text: paragraphs (lines kept as line breaks) and lists. */
export function parseMarkdown(text: string): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  // (Typed with `as`: closeList sets it to null behind the narrowing's back.)
  let list = null as { type: "ul" | "ol"; start: number; items: string[][] } | null;
  let blank = false;

  const closePara = (): void => {
    if (para.length) blocks.push({ type: "p", children: inline(para.join("\n"), 0) });
    para = [];
  };
  const closeList = (): void => {
    if (!list) return;
    const items = list.items.map((lines) => inline(lines.join("\n"), 0));
    blocks.push(list.type === "ul" ? { type: "ul", items } : { type: "ol", start: list.start, items });
    list = null;
  };

  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    if (!line.trim()) {
      closePara();
      blank = true;
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      const type = bullet ? "ul" : "ol";
      if (list?.type !== type || para.length) {
        closePara();
        closeList();
        list = { type, start: numbered ? Number(numbered[1]) : 1, items: [] };
      }
      list.items.push([(bullet ? bullet[1] : numbered?.[2]) ?? ""]);
    } else if (list && !blank && /^\s/.test(line)) {
      list.items[list.items.length - 1]?.push(line.trim()); // an item's next line, indented
    } else {
      closeList();
      para.push(line);
    }
    blank = false;
  }
  closePara();
  closeList();
  return blocks;
}

/** The inline tokens of one paragraph or list item. */
function inline(s: string, depth: number, inLink = false): Inline[] {
  const out: Inline[] = [];
  let buf = "";
  // Markers known to have no closer after some point have none after any later point either.
  const unclosed = new Set<string>();
  const push = (token: Inline): void => {
    if (buf) out.push({ type: "text", text: buf });
    buf = "";
    out.push(token);
  };
  const nested = depth < MAX_DEPTH;

  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === "\\" && ESCAPABLE.includes(s[i + 1] ?? "\n")) {
      buf += s[i + 1];
      i += 2;
    } else if (c === "\n") {
      push({ type: "br" });
      i += 1;
    } else if (c === "`") {
      const n = runLength(s, i);
      const end = unclosed.has(c + n) ? -1 : findRun(s, c, n, i + n, () => true);
      if (end < 0) {
        unclosed.add(c + n);
        buf += s.slice(i, i + n);
        i += n;
      } else {
        push({ type: "code", text: s.slice(i + n, end) });
        i = end + n;
      }
    } else if (c === "[" && nested && !inLink) {
      const link = parseLink(s, i);
      if (link) {
        push({ type: "link", href: link.href, children: inline(link.text, depth + 1, true) });
        i = link.end;
      } else {
        buf += c;
        i += 1;
      }
    } else if (c === "*" || c === "_") {
      const n = runLength(s, i);
      const key = c + n;
      const marker = nested && (n === 1 || (n === 2 && c === "*")) && !unclosed.has(key)
        && canOpen(s, i, n);
      const end = marker ? findRun(s, c, n, i + n, (j) => canClose(s, j, n)) : -1;
      if (end < 0) {
        if (marker) unclosed.add(key);
        buf += s.slice(i, i + n);
        i += n;
      } else {
        push({ type: n === 2 ? "strong" : "em", children: inline(s.slice(i + n, end), depth + 1, inLink) });
        i = end + n;
      }
    } else {
      buf += c;
      i += 1;
    }
  }
  if (buf) out.push({ type: "text", text: buf });
  return out;
}

function runLength(s: string, i: number): number {
  let j = i;
  while (s[j] === s[i]) j += 1;
  return j - i;
}

/** The start of the next run of exactly `n` `c`s from `from` that `ok` accepts, or -1. */
function findRun(s: string, c: string, n: number, from: number, ok: (j: number) => boolean): number {
  for (let j = s.indexOf(c, from); j >= 0; j = s.indexOf(c, j)) {
    const m = runLength(s, j);
    if (m === n && ok(j)) return j;
    j += m;
  }
  return -1;
}

function canOpen(s: string, i: number, n: number): boolean {
  const next = s[i + n];
  return next !== undefined && !SPACE.test(next) && (i === 0 || OPENS_AFTER.test(s[i - 1] as string));
}

function canClose(s: string, j: number, n: number): boolean {
  const prev = s[j - 1] as string;
  const next = s[j + n];
  return !SPACE.test(prev) && (next === undefined || !WORD.test(next));
}

/** `[text](url)` at `i`, with a safe URL: its parts and where it ends. */
function parseLink(s: string, i: number): { text: string; href: string; end: number } | null {
  // The text holds no brackets: the first one after `[` must close it.
  let close = i + 1;
  while (close < s.length && s[close] !== "[" && s[close] !== "]") close += 1;
  if (close === i + 1 || s[close] !== "]" || s[close + 1] !== "(") return null;
  let depth = 0;
  const limit = Math.min(s.length, close + 2 + MAX_URL);
  for (let j = close + 2; j < limit; j++) {
    const c = s[j] as string;
    // No spaces; brackets one deep at most (a wiki's `Foo_(bar)`).
    if (SPACE.test(c) || (c === "(" && ++depth > 1)) return null;
    if (c === ")" && depth-- === 0) {
      const href = safeUrl(s.slice(close + 2, j));
      return href ? { text: s.slice(i + 1, close), href, end: j + 1 } : null;
    }
  }
  return null;
}
