import type { ReactNode } from "react";
import { safeUrl } from "../format";
import type { VisitorContext } from "../types";

/** "French (France)" for "fr-FR"; the tag itself when the browser cannot name it. */
export function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "language" }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** "just now", "5 min ago", "2 hours ago", "yesterday": when a page was viewed. */
export function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (!Number.isFinite(s)) return "";
  if (s < 45) return "just now";
  const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto", style: "short" });
  if (s < 3600) return rtf.format(-Math.round(s / 60), "minute");
  if (s < 86400) return rtf.format(-Math.round(s / 3600), "hour");
  return rtf.format(-Math.round(s / 86400), "day");
}

function attributeText(value: string | number | boolean): string {
  return typeof value === "string" ? value : String(value);
}

function Heading({ children }: { children: ReactNode }) {
  return <h3 className="mb-1 text-xs font-medium uppercase tracking-wide text-secondary-600">{children}</h3>;
}

function Link({ url, children }: { url: string; children: ReactNode }) {
  const safe = safeUrl(url);
  return safe
    ? <a href={safe} target="_blank" rel="noopener noreferrer" className="text-primary-700 underline">{children}</a>
    : <>{children}</>;
}

/** The rows of the visitor panel's list that come from the widget's context. */
export function ContextRows({ context, Row }: {
  context: VisitorContext;
  Row: (p: { label: string; children: ReactNode }) => ReactNode;
}) {
  return (
    <>
      <Row label="Language">
        {context.language
          ? <span data-testid="visitor-language">{languageName(context.language)} <span className="text-secondary-500">({context.language})</span></span>
          : <span className="text-secondary-500">Unknown</span>}
      </Row>
      <Row label="Came from">
        {context.referrer
          ? <span data-testid="visitor-referrer"><Link url={context.referrer}>{context.referrer}</Link></span>
          : <span className="text-secondary-500">No referrer (typed, bookmarked or hidden)</span>}
      </Row>
    </>
  );
}

/** Pages viewed since the chat started (newest first) and the site's custom attributes. */
export function ContextSections({ context, now }: { context: VisitorContext; now: number }) {
  const pages = [...context.pages].reverse();
  const attributes = Object.entries(context.attributes).sort(([a], [b]) => a.localeCompare(b));
  return (
    <>
      {pages.length > 0 && (
        <section className="mt-4" aria-label="Pages viewed">
          <Heading>Pages viewed</Heading>
          <ol className="flex flex-col gap-1" data-testid="visitor-pages">
            {pages.map((p, i) => (
              <li key={`${p.url}-${p.at}-${i}`} className="text-sm">
                <span className="block truncate" title={p.url}>
                  <Link url={p.url}>{p.title || p.url}</Link>
                </span>
                <span className="block text-xs text-secondary-600">
                  <time dateTime={p.at} title={new Date(p.at).toLocaleString()}>{ago(p.at, now)}</time>
                  {p.title && <span className="ml-1 break-all">· {p.url}</span>}
                </span>
              </li>
            ))}
          </ol>
        </section>
      )}
      {attributes.length > 0 && (
        <section className="mt-4" aria-label="Attributes">
          <Heading>Attributes</Heading>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm" data-testid="visitor-attributes">
            {attributes.map(([key, value]) => (
              <div key={key} className="contents">
                <dt className="font-medium text-secondary-700">{key}</dt>
                <dd className="break-words text-secondary-900">{attributeText(value)}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
    </>
  );
}
