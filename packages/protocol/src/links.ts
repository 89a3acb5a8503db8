// Links in a message's plain text (what visitors and agents type): the text cut into pieces,
// each URL a piece with its href. Only http and https URLs become links (never javascript:,
// data: or anything else); sentence punctuation after a URL stays text.

const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?'"]+$/;

export interface TextPart {
  text: string;
  /** The URL to open, normalised; absent for plain text. */
  href?: string;
}

/** A URL candidate without the punctuation that ends the sentence around it. */
function trim(candidate: string): string {
  let url = candidate.replace(TRAILING, "");
  // A closing bracket belongs to the URL only if the URL opened one.
  for (const [open, close] of [["(", ")"], ["[", "]"]] as const) {
    while (url.endsWith(close) && url.split(open).length < url.split(close).length) {
      url = url.slice(0, -1).replace(TRAILING, "");
    }
  }
  return url;
}

function httpHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

export function linkParts(text: string): TextPart[] {
  const out: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    const start = match.index ?? 0;
    const raw = trim(match[0]);
    const href = httpHref(raw);
    if (!href) continue;
    if (start > last) out.push({ text: text.slice(last, start) });
    out.push({ text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}
