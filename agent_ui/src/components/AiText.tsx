// An AI message's text and sources. The text is the Markdown subset of @parley/protocol's
// parser, built as React elements with the text as text children (never as HTML); links go
// only to http(s) and mailto URLs, and a source's title is a link only to an http(s) page.

import { type Block, type Inline, type Source, pageUrl, parseMarkdown } from "@parley/protocol";
import { Fragment, type ReactNode } from "react";

export function AiText({ text }: { text: string }) {
  return <>{parseMarkdown(text).map(block)}</>;
}

function block(b: Block, key: number): ReactNode {
  if (b.type === "p") return <p key={key}>{inline(b.children)}</p>;
  const items = b.items.map((item, i) => <li key={i}>{inline(item)}</li>);
  return b.type === "ul"
    ? <ul key={key} className="list-disc pl-5">{items}</ul>
    : <ol key={key} start={b.start} className="list-decimal pl-5">{items}</ol>;
}

function inline(tokens: Inline[]): ReactNode[] {
  return tokens.map((t, i) => {
    switch (t.type) {
      case "text": return <Fragment key={i}>{t.text}</Fragment>;
      case "br": return <br key={i} />;
      case "code": return <code key={i} className="rounded bg-secondary-100 px-1 font-mono text-[0.9em]">{t.text}</code>;
      case "link": return <a key={i} href={t.href} target="_blank" rel="noopener noreferrer" className="underline">{inline(t.children)}</a>;
      case "strong": return <strong key={i}>{inline(t.children)}</strong>;
      case "em": return <em key={i}>{inline(t.children)}</em>;
    }
  });
}

/** The knowledge-base entries an AI answer draws on, under it. */
export function AiSources({ sources }: { sources: Source[] }) {
  return (
    <div className="flex max-w-[75%] flex-wrap gap-x-1 px-1 text-xs text-secondary-600" data-testid="sources">
      <span aria-hidden>Sources:</span>
      <ul role="list" aria-label="Sources" className="flex flex-wrap gap-x-2">
        {sources.map((s, i) => {
          const href = pageUrl(s.url);
          return (
            <li key={`${s.id}-${i}`}>
              {href ? <a href={href} target="_blank" rel="noopener noreferrer" className="underline">{s.title} ({new URL(href).host})</a> : s.title}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
