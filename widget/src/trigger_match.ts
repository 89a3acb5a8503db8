// When a proactive-message trigger may fire (docs/widget.md "Proactive triggers"): the pure
// part of the trigger chunk (triggers.ts), tested by Vitest. Every condition a trigger sets
// must hold: the page's URL, the seconds on the page, the percentage scrolled, a returning
// visitor; a js trigger also waits for Parley.trigger(name).

import type { PublicTrigger } from "@parley/protocol";

export interface Page {
  /** location.href */
  href: string;
  /** Seconds since the page started loading. */
  seconds: number;
  /** How far down the visitor scrolled, 0-100. */
  scrolled: number;
  /** visitor tracking on and the browser was here on an earlier visit. */
  returning: boolean;
  /** The names Parley.trigger was called with on this page. */
  called: ReadonlySet<string>;
}

const escape = (s: string): string => s.replace(/[.+^${}()|[\]\\?]/g, "\\$&");

/** A glob as a regular expression: `*` is any run of characters, the rest is literal; it
 * matches the whole text, case-insensitively. */
export function globRegExp(glob: string): RegExp {
  return new RegExp("^" + glob.split("*").map(escape).join(".*") + "$", "i");
}

/** Does the page's URL (its #fragment left out) match? A pattern starting with "/" is
 * matched against the path (and the query when the pattern has a "?"), any other against the
 * whole URL. */
export function urlMatches(t: Pick<PublicTrigger, "url_match" | "url_pattern">, href: string): boolean {
  if (!t.url_match || !t.url_pattern) return true;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return false;
  }
  url.hash = "";
  const pattern = t.url_pattern.trim();
  const text = !pattern.startsWith("/") ? url.href
    : url.pathname + (pattern.includes("?") ? url.search : "");
  return t.url_match === "glob"
    ? globRegExp(pattern).test(text)
    : text.toLowerCase().includes(pattern.toLowerCase());
}

/** How far down the page is scrolled, 0-100 (a page that fits the window: 100). */
export function scrollPercent(scrollY: number, viewport: number, height: number): number {
  if (height <= viewport) return 100;
  return Math.min(100, Math.round(((scrollY + viewport) / height) * 100));
}

/** Does every condition of the trigger hold now? */
export function due(t: PublicTrigger, page: Page): boolean {
  return (t.kind !== "js" || page.called.has(t.name))
    && urlMatches(t, page.href)
    && page.seconds >= (t.delay_s ?? 0)
    && page.scrolled >= (t.scroll_pct ?? 0)
    && (!t.returning || page.returning);
}

/** The first of these triggers due now and not fired yet on this page. */
export function next(triggers: readonly PublicTrigger[], page: Page,
  fired: ReadonlySet<number>): PublicTrigger | undefined {
  return triggers.find((t) => !fired.has(t.id) && due(t, page));
}

/** Returning visitor (visitor tracking on only): what this page view makes of the stored
 * record `{l: last page view (ms), r: returning}`. A page view more than 30 minutes after the
 * last starts a new visit, and from the second visit on the visitor is returning. */
export function visit(stored: string | null, now: number): { l: number; r: boolean } {
  let rec: { l?: unknown; r?: unknown } = {};
  try {
    rec = stored ? JSON.parse(stored) as typeof rec : {};
  } catch {
    // a damaged record: a first visit
  }
  const last = typeof rec.l === "number" ? rec.l : undefined;
  return { l: now, r: rec.r === true || (last !== undefined && now - last > 30 * 60_000) };
}
