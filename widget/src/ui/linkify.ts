// Links in message text become anchors — http and https only, opened in a new tab without
// giving it a handle on this page. Everything else stays text.

import { h } from "./dom";

const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?'"]+$/;

/** Split a URL candidate from punctuation that ends the sentence around it. */
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

export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

export function linkify(text: string): Node[] {
  const out: Node[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    const start = match.index ?? 0;
    const raw = trim(match[0]);
    const href = safeHref(raw);
    if (!href) continue;
    if (start > last) out.push(document.createTextNode(text.slice(last, start)));
    const a = h("a", { href, target: "_blank", rel: "noopener noreferrer nofollow ugc" });
    a.textContent = raw;
    out.push(a);
    last = start + raw.length;
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}
