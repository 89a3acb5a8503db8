// The visitor's context for the agents (docs/widget.md, docs/privacy.md): sent only while a
// conversation exists, never before the first interaction. When it starts: the time zone, the
// language, the referrer and the page; then each page the visitor views (a page load of the
// site, or an SPA navigation: history.pushState, popstate); and each Parley.setAttributes call
// (held by the loader until a conversation exists). URLs go without query or fragment (they
// may hold tokens). A refusal is said in the console, never thrown into the host page.

import { postContext } from "./api";
import type { Host } from "./types";

const URL_MAX = 500;
const TITLE_MAX = 200;
// After an SPA navigation, wait for the app to set the new page's title.
const TITLE_WAIT_MS = 400;

/** The page as reported: origin and path only. */
export function pageUrl(href: string): string | undefined {
  try {
    const u = new URL(href);
    return /^https?:$/.test(u.protocol) ? (u.origin + u.pathname).slice(0, URL_MAX) : undefined;
  } catch {
    return undefined;
  }
}

type Session = () => { sid: string; token: string } | null;

export class VisitorContext {
  /** The page last reported: an SPA navigation that changes only the query is not a view. */
  private last = "";
  /** Reports go one after another, in order (the first one carries the referrer). */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: Host, private readonly session: Session) {
    const later = (): unknown => setTimeout(() => this.viewed(), TITLE_WAIT_MS);
    addEventListener("popstate", later);
    const push = history.pushState;
    history.pushState = function (this: History, ...args: Parameters<History["pushState"]>) {
      push.apply(this, args);
      later();
    };
  }

  /** The conversation started: everything, once, then the attributes held until now. */
  started(): void {
    this.report({ referrer: pageUrl(document.referrer) });
    this.attributes();
  }

  /** A page viewed with a conversation going on. */
  viewed(): void {
    if (pageUrl(location.href) !== this.last) this.report({});
  }

  /** Send what Parley.setAttributes was given (each call as it was made). */
  attributes(): void {
    if (!this.session()) return;
    for (const attributes of this.host.attrs.splice(0)) this.send({ attributes }, "setAttributes");
  }

  private report(extra: object): void {
    const url = pageUrl(location.href);
    let timezone: string | undefined;
    try {
      timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch {
      // no Intl time zone: the inbox says "Unknown"
    }
    if (!this.session() || !url) return;
    this.last = url;
    this.send({ ...extra, timezone, language: navigator.language || undefined,
      page: { url, title: document.title.trim().slice(0, TITLE_MAX) || null } }, "the visitor context");
  }

  private send(body: Record<string, unknown>, what: string): void {
    const s = this.session();
    if (!s || this.host.preview) return;
    const post = (b: object): Promise<unknown> => postContext(this.host.base, this.host.siteKey, s.sid, s.token, b);
    this.chain = this.chain.then(() => post(body).catch((err: { code?: string; message?: string }) => {
      // A zone the server's database does not know: the rest is still worth having.
      if (err?.code === "invalid_timezone") return post({ ...body, timezone: undefined });
      throw err;
    })).catch((err: { code?: string; message?: string }) => {
      const how = err?.code === "network" ? "could not be sent" : "was refused";
      console.warn(`Parley: ${what} ${how} (${err?.code ?? "error"}): ${err?.message ?? err}`);
    });
  }
}
