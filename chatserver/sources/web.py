"""Crawling a site for its pages' main text: one page, the pages a sitemap lists, or the
pages found by following links from a start page.

What a crawl promises (docs/knowledge.md, "Web pages"):

- Every request goes through the caller's fetcher (the SSRF guard, chatserver.net.guard).
- robots.txt is read first for each origin and obeyed for the user agent "ParleyBot"
  (RFC 9309: a 4xx robots.txt allows everything; one that cannot be read stops the crawl).
- At most `max_pages` pages are fetched (robots.txt and sitemaps not counted), at most
  `rate_per_s` requests a second (robots.txt and sitemaps counted; slower if robots.txt
  asks for a Crawl-delay), one at a time.
- No URL is fetched twice, nor a page yielded twice: URLs are compared without their
  fragment and without a trailing slash ("/about/" is "/about").
- Off-site pages are never fetched: links and sitemap entries to another origin are
  ignored, and a redirect off the site is not followed (the start URL's own redirects
  excepted: they decide what the site is, e.g. example.com -> https://www.example.com).
- A page that fails (timeout, 404, not HTML, no main text) is yielded as a PageError and
  the crawl goes on; an error with the start URL, its robots.txt or its sitemap ends it.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]

from chatserver.net.guard import DEFAULT_PORTS, Fetched, parse_url
from chatserver.sources.document import Document, SourceError
from chatserver.sources.html import links

log = logging.getLogger(__name__)

Mode = Literal["page", "sitemap", "site"]
MODES = ("page", "sitemap", "site")
ROBOTS_AGENT = "ParleyBot"
HTML_TYPES = {"text/html", "application/xhtml+xml"}
# Links to these are not pages: never fetched while crawling a site.
ASSET_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".css", ".js",
                  ".woff", ".woff2", ".ttf", ".mp3", ".mp4", ".webm", ".avi", ".mov", ".zip",
                  ".gz", ".tar", ".exe", ".dmg", ".iso", ".rss", ".atom", ".json")
# Sitemap files read per crawl (an index may list thousands; the page limit ends it anyway).
MAX_SITEMAPS = 50
# The protocol's limit for one sitemap, uncompressed: a gzip bomb stops here.
MAX_SITEMAP_BYTES = 50 * 1024 * 1024


class Fetcher(Protocol):
    """chatserver.net.guard.fetch with its client, policy and limits bound (functools.partial)."""

    def __call__(self, url: str, *,
                 redirect_ok: Callable[[str], bool] | None = None) -> Awaitable[Fetched]: ...


Extract = Callable[[bytes, str], Awaitable[Document]]
# A document's body (a PDF, a Word file…), its final URL and media type -> its Documents.
ExtractFile = Callable[[bytes, str, str], Awaitable[list[Document]]]
# Media types read as documents when the caller gives `extract_file`.
DOCUMENT_TYPES = {"application/pdf",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  "text/markdown", "text/plain"}
FindLinks = Callable[[bytes, str], Awaitable[list[str]]]


@dataclass(frozen=True)
class PageError:
    """A page (or the start URL, its robots.txt, a sitemap) that gave no Document, and why."""

    url: str
    error: SourceError


Page = Document | PageError


def url_key(url: str) -> str:
    """`url` as compared for "already fetched": no fragment, lower-case scheme and host, no
    default port, no trailing slash (but for the root)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    host = f"[{host}]" if ":" in host else host
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS.get(parts.scheme.lower())) else f"{host}:{port}"
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, ""))


def origin(url: str) -> str:
    """scheme://host[:port] of `url`, as url_key writes it."""
    parts = urlsplit(url_key(url))
    return f"{parts.scheme}://{parts.netloc}"


async def _links_in_thread(body: bytes, url: str) -> list[str]:
    return await asyncio.to_thread(links, body, url)


class Pacer:
    """At most one request per `interval` seconds: each waits for its turn."""

    def __init__(self, rate_per_s: float) -> None:
        self.interval = 1.0 / rate_per_s if rate_per_s > 0 else 0.0
        self._next = 0.0

    async def wait(self) -> None:
        now = asyncio.get_running_loop().time()
        if self._next > now:
            await asyncio.sleep(self._next - now)
            now = self._next
        self._next = now + self.interval


@dataclass
class _Crawl:
    fetcher: Fetcher
    extract: Extract
    find_links: FindLinks
    max_pages: int
    pacer: Pacer
    extract_file: ExtractFile | None = None
    fetched: int = 0
    done: set[str] = field(default_factory=set)  # keys of URLs requested or landed on
    robots: dict[str, RobotFileParser] = field(default_factory=dict)

    @property
    def full(self) -> bool:
        return self.fetched >= self.max_pages

    async def rules(self, url: str) -> RobotFileParser:
        """The robots.txt of `url`'s origin (read once); SourceError when it cannot be read."""
        site = origin(url)
        if site in self.robots:
            return self.robots[site]
        parser = RobotFileParser(f"{site}/robots.txt")
        await self.pacer.wait()
        try:
            got = await self.fetcher(f"{site}/robots.txt")
            lines = got.body.decode("utf-8", "replace").splitlines()
        except SourceError as exc:
            if exc.code != "http_error" or not exc.fields.get("status", "").startswith("4"):
                raise SourceError(f"{site}/robots.txt could not be read, so nothing is "
                                  f"fetched: {exc.message}", code=exc.code,
                                  retryable=exc.retryable) from None
            lines = []  # RFC 9309: no robots.txt (any 4xx) means everything is allowed
        parser.parse(lines)
        delay = parser.crawl_delay(ROBOTS_AGENT)
        rate = parser.request_rate(ROBOTS_AGENT)
        wanted = max(float(delay or 0), rate.seconds / rate.requests if rate else 0.0)
        self.pacer.interval = max(self.pacer.interval, min(wanted, 60.0))
        self.robots[site] = parser
        return parser

    async def allowed(self, url: str) -> bool:
        return (await self.rules(url)).can_fetch(ROBOTS_AGENT, url)

    async def fetch(self, url: str, redirect_ok: Callable[[str], bool] | None,
                    start: bool = False) -> Fetched | PageError | None:
        """One page fetched, counted and remembered; None when it was skipped (it redirects
        off the site or to a page already fetched; disallowed where it landed), which the
        `start` URL is not: that is an error. Redirects are followed when `redirect_ok`
        (None: any) says so."""
        got = await self._fetch(url, redirect_ok)
        if got is None and start:
            return PageError(url, SourceError(
                f"{url} redirects to a page that is not fetched (a redirect loop, or a page "
                "robots.txt disallows)", code="redirect_not_followed"))
        return got

    async def _fetch(self, url: str, redirect_ok: Callable[[str], bool] | None,
                     ) -> Fetched | PageError | None:
        await self.pacer.wait()
        self.fetched += 1
        self.done.add(url_key(url))

        def follow(target: str) -> bool:
            return url_key(target) not in self.done and (redirect_ok is None or
                                                         redirect_ok(target))

        try:
            got = await self.fetcher(url, redirect_ok=follow)
        except SourceError as exc:
            if exc.code == "redirect_not_followed":
                log.debug("crawl: %s redirects off the site or to a page fetched; skipped", url)
                return None
            return PageError(url, exc)
        landed = url_key(got.url)
        if landed != url_key(url):
            if landed in self.done:
                return None
            self.done.add(landed)
            if not await self.allowed(got.url):
                return None
        return got

    async def read(self, got: Fetched) -> list[Page]:
        """The page's Document (a document's: several, or none), or why there is none."""
        try:
            if got.content_type in HTML_TYPES:
                return [await self.extract(got.body, got.url)]
            if self.extract_file is not None and got.content_type in DOCUMENT_TYPES:
                return list(await self.extract_file(got.body, got.url, got.content_type))
        except SourceError as exc:
            return [PageError(got.url, exc)]
        return [PageError(got.url, SourceError(
            f"{got.url} is {got.content_type or 'of no declared type'}, not a web page",
            code="file_type_unsupported"))]


async def crawl(start_url: str, *, mode: Mode, max_pages: int, rate_per_s: float,
                fetcher: Fetcher, extract: Extract,
                find_links: FindLinks | None = None,
                extract_file: ExtractFile | None = None) -> AsyncIterator[Page]:
    """The pages of a site, as they are fetched (module docstring). `extract` turns an HTML
    body and its final URL into a Document (the caller runs extract_html in a process
    pool); `find_links` lists a page's links (by default `links` in a thread);
    `extract_file`, when given, reads the PDFs, Word files and text files found (else they
    are `file_type_unsupported`)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    try:
        start = str(parse_url(start_url))
    except SourceError as exc:
        yield PageError(start_url, exc)
        return
    run = _Crawl(fetcher, extract, find_links or _links_in_thread, max(0, max_pages),
                 Pacer(rate_per_s), extract_file)
    try:
        steps = {"page": _page, "site": _site, "sitemap": _sitemap}[mode](run, start)
        async for page in steps:
            yield page
    except SourceError as exc:  # the start URL's robots.txt
        yield PageError(start, exc)


async def _page(run: _Crawl, start: str) -> AsyncIterator[Page]:
    if run.full:
        return
    if not await run.allowed(start):
        yield PageError(start, SourceError(f"{start} is disallowed to {ROBOTS_AGENT} by the "
                                           "site's robots.txt", code="robots_disallowed"))
        return
    got = await run.fetch(start, None, start=True)
    if isinstance(got, PageError):
        yield got
    elif got is not None:
        for page in await run.read(got):
            yield page


async def _site(run: _Crawl, start: str) -> AsyncIterator[Page]:
    """Breadth first from `start`, within its origin and its directory (a start URL of
    https://x.com/help/ stays under /help/; https://x.com/help or / covers the whole site)."""
    queue = deque([start])
    queued = {url_key(start)}
    scope = ""  # origin and directory of the start page, once fetched

    def in_site(url: str) -> bool:
        key = url_key(url)
        return key.startswith(scope) or f"{key}/" == scope

    while queue and not run.full:
        url = queue.popleft()
        if url_key(url) in run.done:
            continue
        if not await run.allowed(url):
            if not scope:
                yield PageError(url, SourceError(f"{url} is disallowed to {ROBOTS_AGENT} by "
                                                 "the site's robots.txt",
                                                 code="robots_disallowed"))
                return
            log.debug("crawl: %s is disallowed by robots.txt; skipped", url)
            continue
        got = await run.fetch(url, in_site if scope else None, start=not scope)
        if got is None or isinstance(got, PageError):
            if got is not None:
                yield got
            if not scope:
                return
            continue
        if not scope:  # the start page, after its redirects, decides what the site is
            path = urlsplit(got.url).path or "/"
            scope = origin(got.url) + path[:path.rfind("/") + 1]
        if got.content_type in HTML_TYPES:
            for link in await run.find_links(got.body, got.url):
                key = url_key(link)
                if key not in queued and in_site(link) and \
                        not urlsplit(key).path.lower().endswith(ASSET_SUFFIXES):
                    queued.add(key)
                    queue.append(link)
        for page in await run.read(got):
            yield page


async def _sitemap(run: _Crawl, start: str) -> AsyncIterator[Page]:
    """The pages listed by the sitemap at `start` (a URL ending in .xml or .xml.gz) or by
    the site's (robots.txt's Sitemap: lines, else /sitemap.xml); sitemap indexes followed."""
    site = origin(start)
    path = urlsplit(start).path.lower()
    if path.endswith((".xml", ".xml.gz")):
        maps = [start]
    else:
        maps = [m for m in (await run.rules(start)).site_maps() or [] if origin(m) == site] \
            or [f"{site}/sitemap.xml"]
    queue = deque(maps)
    seen_maps = {url_key(m) for m in maps}
    found_any = False
    read = 0
    while queue and read < MAX_SITEMAPS and not run.full:
        where = queue.popleft()
        read += 1
        try:
            children, pages = await _read_sitemap(run, where)
        except SourceError as exc:
            if not found_any and not queue:
                code = "sitemap_not_found" if exc.fields.get("status") == "404" else exc.code
                yield PageError(where, SourceError(f"no sitemap could be read at {where}: "
                                                   f"{exc.message}", code=code))
                return
            yield PageError(where, exc)
            continue
        found_any = True
        for child in children:
            if origin(child) == origin(where) and url_key(child) not in seen_maps:
                seen_maps.add(url_key(child))
                queue.append(child)
        for url in pages:
            if run.full:
                return
            if origin(url) != origin(where) or url_key(url) in run.done:
                continue
            if not await run.allowed(url):
                log.debug("crawl: %s is disallowed by robots.txt; skipped", url)
                continue
            got = await run.fetch(url, _same_origin(where))
            if isinstance(got, PageError):
                yield got
            elif got is not None:
                for page in await run.read(got):
                    yield page


def _same_origin(url: str) -> Callable[[str], bool]:
    site = origin(url)
    return lambda other: origin(other) == site


async def _read_sitemap(run: _Crawl, url: str) -> tuple[list[str], list[str]]:
    """(child sitemaps, pages) listed at `url`."""
    if not await run.allowed(url):
        raise SourceError(f"{url} is disallowed to {ROBOTS_AGENT} by the site's robots.txt",
                          code="robots_disallowed")
    await run.pacer.wait()
    got = await run.fetcher(url)
    return await asyncio.to_thread(parse_sitemap, got.body, got.url)


def parse_sitemap(body: bytes, url: str) -> tuple[list[str], list[str]]:
    """(child sitemaps, pages) of a sitemap or sitemap index, gzipped or not; parsed without
    DTDs or entities (defusedxml)."""
    if body[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            body = inflater.decompress(body, MAX_SITEMAP_BYTES)
        except zlib.error as exc:
            raise SourceError(f"{url} is a broken gzip file ({exc})",
                              code="sitemap_unreadable") from None
        if inflater.unconsumed_tail:
            raise SourceError(f"{url} is larger than {MAX_SITEMAP_BYTES} bytes unpacked",
                              code="page_too_large")
    try:
        root = SafeET.fromstring(body)
    except Exception as exc:  # ParseError, DTDForbidden, EntitiesForbidden, …
        raise SourceError(f"{url} is not a readable sitemap ({exc})",
                          code="sitemap_unreadable") from None
    kind = str(root.tag).rsplit("}", 1)[-1]
    if kind not in ("urlset", "sitemapindex"):
        raise SourceError(f"{url} is not a sitemap (its root is <{kind}>)",
                          code="sitemap_unreadable")
    locs = [str(el.text).strip() for el in root.iter()
            if str(el.tag).rsplit("}", 1)[-1] == "loc" and el.text and el.text.strip()]
    locs = [loc for loc in locs if loc.startswith(("http://", "https://"))]
    return (locs, []) if kind == "sitemapindex" else ([], locs)
