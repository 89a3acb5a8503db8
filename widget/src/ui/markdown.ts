// AI text on screen: the Markdown subset of @parley/protocol's parser, built node by node with
// text nodes (never HTML). Plain URLs in its text are linked as in every other message.

import { type Block, type Inline, type Source, pageUrl, parseMarkdown } from "@parley/protocol";
import { h } from "./dom";
import { linkify } from "./linkify";
import { t } from "./strings";

const NEW_TAB = { target: "_blank", rel: "noopener noreferrer nofollow ugc" };

export function markdown(text: string): Node[] {
  return parseMarkdown(text).map(block);
}

function block(b: Block): Node {
  if (b.type === "p") return h("p", null, ...inline(b.children, false));
  const list = b.type === "ul" ? h("ul") : h("ol", { start: b.start === 1 ? null : b.start });
  for (const item of b.items) list.append(h("li", null, ...inline(item, false)));
  return list;
}

function inline(tokens: Inline[], inLink: boolean): Node[] {
  return tokens.flatMap((t): Node[] => {
    if (t.type === "text") return inLink ? [document.createTextNode(t.text)] : linkify(t.text);
    if (t.type === "br") return [h("br")];
    if (t.type === "code") return [h("code", null, t.text)];
    if (t.type === "link") return [h("a", { href: t.href, ...NEW_TAB }, ...inline(t.children, true))];
    return [h(t.type, null, ...inline(t.children, inLink))];
  });
}

/** The entries an AI answer draws on: titles, linked when they are web pages. */
export function sourceList(sources: readonly Source[]): HTMLElement {
  return h("div", { class: "pw-sources" },
    h("span", { "aria-hidden": "true" }, `${t("sources")}:`),
    // role=list: a list styled without bullets is still a list to VoiceOver.
    h("ul", { role: "list", "aria-label": t("sources") }, ...sources.map((s) => {
      const href = pageUrl(s.url);
      // A page is named by its title and its site's host: where the link goes.
      return h("li", null, href ? h("a", { href, ...NEW_TAB }, `${s.title} (${new URL(href).host})`) : s.title);
    })));
}
