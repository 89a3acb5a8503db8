// Links in message text become anchors — http and https only (@parley/protocol's linkParts,
// which the agent inbox uses too), opened in a new tab without giving it a handle on this
// page. Everything else stays text.

import { linkParts } from "@parley/protocol";
import { h } from "./dom";

export function linkify(text: string): Node[] {
  return linkParts(text).map((part) => {
    if (!part.href) return document.createTextNode(part.text);
    const a = h("a", { href: part.href, target: "_blank", rel: "noopener noreferrer nofollow ugc" });
    a.textContent = part.text;
    return a;
  });
}
