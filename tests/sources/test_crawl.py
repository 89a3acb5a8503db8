"""Crawling the loopback shop: what is fetched (robots.txt obeyed, nothing twice, nothing
off the site, the page limit and the rate kept), what is extracted from each page, and
what a failing page gives (an error, and the crawl goes on)."""

from __future__ import annotations

import functools
import gzip
import ipaddress
import time
from collections.abc import Iterator

import httpx
import pytest
import tornado.ioloop

from chatserver.net.guard import FetchPolicy, fetch, new_client
from chatserver.sources.document import Document, SourceError
from chatserver.sources.html import extract_html
from chatserver.sources.web import Fetcher, Mode, Page, PageError, crawl, parse_sitemap, url_key
from tests.helpers.site import NAV_WORDS, OFF_SITE, Site, site_fixture  # noqa: F401 - `site`

pytestmark = pytest.mark.once

FAST = 1000.0  # requests per second: no pause worth the name


@pytest.fixture
def client(io_loop: tornado.ioloop.IOLoop) -> Iterator[httpx.AsyncClient]:
    http = new_client()
    yield http
    io_loop.run_sync(http.aclose)


def fetcher_for(site: Site, client: httpx.AsyncClient,
                policy: FetchPolicy | None = None) -> Fetcher:
    policy = policy or FetchPolicy(allow_networks=(ipaddress.ip_network("127.0.0.1/32"),),
                                   resolver=site.resolver)
    return functools.partial(fetch, client=client, policy=policy, max_bytes=1_000_000,
                             timeout_s=0.5)


async def extract(body: bytes, url: str) -> Document:
    """What the caller's process pool does, in this process."""
    return extract_html(body, url)


async def run(site: Site, client: httpx.AsyncClient, start: str, mode: Mode,
              max_pages: int = 50, rate_per_s: float = FAST,
              fetcher: Fetcher | None = None) -> list[Page]:
    return [page async for page in crawl(start, mode=mode, max_pages=max_pages,
                                         rate_per_s=rate_per_s,
                                         fetcher=fetcher or fetcher_for(site, client),
                                         extract=extract)]


def documents(pages: list[Page]) -> dict[str, Document]:
    return {p.url or "": p for p in pages if isinstance(p, Document)}


def errors(pages: list[Page]) -> dict[str, str]:
    return {p.url: p.error.code for p in pages if isinstance(p, PageError)}


async def test_a_site_is_crawled_by_its_links(site: Site, client: httpx.AsyncClient) -> None:
    pages = await run(site, client, site.url("/"), "site")
    docs = documents(pages)
    assert set(docs) == {site.url(p) for p in ("/", "/about", "/team/", "/shipping",
                                               "/returns")}
    # The right passage under the right URL, without the page around it.
    assert docs[site.url("/shipping")].title == "Shipping rates"
    assert "Orders over 50 euros ship free" in docs[site.url("/shipping")].text
    assert "return any piece within 30 days" in docs[site.url("/returns")].text
    assert "four potters" in docs[site.url("/about")].text
    for doc in docs.values():
        assert not any(word in doc.text for word in NAV_WORDS), doc.url
    # A page that fails is an error, and the crawl goes on past it.
    assert errors(pages) == {
        site.url("/slow"): "url_timeout", site.url("/missing"): "http_error",
        site.url("/guide.pdf"): "file_type_unsupported", site.url("/empty"): "page_empty",
        site.url("/login"): "http_error", site.url("/imprint"): "http_error",
        site.url("/privacy"): "http_error"}
    slow = next(i for i, p in enumerate(pages) if getattr(p, "url", "") == site.url("/slow"))
    assert any(isinstance(p, Document) for p in pages[slow + 1:])
    paths = site.paths()
    assert len(paths) == len(set(paths)), "a URL was fetched twice"
    assert paths[0] == "/robots.txt"
    assert "/private/secret" not in paths  # disallowed by robots.txt
    assert "/logo.png" not in paths and "/about/" not in paths
    assert "/away" in paths and site.paths(OFF_SITE) == []  # its redirect was not followed
    assert "SECRET" not in "".join(d.text.upper() for d in docs.values())


async def test_the_page_limit_is_kept(site: Site, client: httpx.AsyncClient) -> None:
    pages = await run(site, client, site.url("/"), "site", max_pages=3)
    assert len(pages) == 3
    assert [p for p in site.paths() if p != "/robots.txt"] == ["/", "/about", "/shipping"]


async def test_requests_are_paced(site: Site, client: httpx.AsyncClient) -> None:
    began = time.monotonic()
    await run(site, client, site.url("/"), "site", max_pages=3, rate_per_s=20)
    assert len(site.times) == 4  # robots.txt and three pages
    # The fourth request cannot have been sent before three intervals had passed.
    assert site.times[-1] - began >= 3 / 20


async def test_a_start_directory_keeps_the_crawl_under_it(site: Site,
                                                          client: httpx.AsyncClient) -> None:
    pages = await run(site, client, site.url("/team/"), "site")
    assert list(documents(pages)) == [site.url("/team/")]  # its link to /about is outside
    assert site.paths() == ["/robots.txt", "/team/"]


async def test_a_sitemap_lists_the_pages(site: Site, client: httpx.AsyncClient) -> None:
    pages = await run(site, client, site.url("/"), "sitemap")
    assert list(documents(pages)) == [site.url(p) for p in ("/shipping", "/returns", "/about")]
    assert errors(pages) == {}
    assert site.paths() == ["/robots.txt", "/sitemap.xml", "/sitemap-pages.xml", "/shipping",
                            "/returns", "/about"]
    assert site.paths(OFF_SITE) == []


async def test_a_sitemap_url_is_read_directly_and_the_limit_kept(
        site: Site, client: httpx.AsyncClient) -> None:
    pages = await run(site, client, site.url("/sitemap-pages.xml"), "sitemap", max_pages=1)
    assert list(documents(pages)) == [site.url("/shipping")]


async def test_a_site_without_a_sitemap_says_so(site: Site, client: httpx.AsyncClient) -> None:
    pages = await run(site, client, site.url("/missing.xml"), "sitemap")
    assert errors(pages) == {site.url("/missing.xml"): "sitemap_not_found"}


@pytest.mark.parametrize(("path", "outcome"), [
    ("/shipping", "Shipping rates"), ("/old", "Returns"),
    ("/private/secret", "robots_disallowed"), ("/guide.pdf", "file_type_unsupported"),
    ("/missing", "http_error"), ("/to-private", "url_refused"),
    ("/loop", "redirect_not_followed")])
async def test_one_page(path: str, outcome: str, site: Site, client: httpx.AsyncClient) -> None:
    pages = await run(site, client, site.url(path), "page")
    assert len(pages) == 1
    page = pages[0]
    assert (page.title if isinstance(page, Document) else page.error.code) == outcome
    assert "/private/secret" not in site.paths()


async def test_a_private_start_url_is_refused_before_anything_is_sent(
        site: Site, client: httpx.AsyncClient) -> None:
    fetcher = fetcher_for(site, client, FetchPolicy(resolver=site.resolver))
    for mode in ("page", "site", "sitemap"):
        pages = await run(site, client, site.url("/"), mode, fetcher=fetcher)
        assert len(pages) == 1 and isinstance(pages[0], PageError)
        assert pages[0].error.code == "url_refused"
        assert "loopback" in pages[0].error.message
    pages = await run(site, client, "http://169.254.169.254/latest/meta-data/", "page")
    assert errors(pages) == {"http://169.254.169.254/latest/meta-data/": "url_refused"}
    assert site.requests == []


async def test_a_bad_start_url_is_an_error(site: Site, client: httpx.AsyncClient) -> None:
    assert errors(await run(site, client, "ftp://shop.test/", "site")) == {
        "ftp://shop.test/": "url_invalid"}


def test_urls_are_compared_without_fragment_trailing_slash_or_default_port() -> None:
    assert url_key("HTTP://Shop.Test:80/about/#team") == "http://shop.test/about"
    assert url_key("https://shop.test:443") == "https://shop.test/"
    assert url_key("https://shop.test:8443/a?b=1") == "https://shop.test:8443/a?b=1"
    assert url_key("http://[::1]:8080/x/") == "http://[::1]:8080/x"
    assert url_key("http://shop.test/About") != url_key("http://shop.test/about")


def test_sitemaps_are_read_safely() -> None:
    urlset = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/'
              b'0.9"><url><loc> https://shop.test/a </loc></url><url><loc>javascript:x</loc>'
              b"</url></urlset>")
    assert parse_sitemap(urlset, "u") == ([], ["https://shop.test/a"])
    assert parse_sitemap(gzip.compress(urlset), "u") == ([], ["https://shop.test/a"])
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
            b'"&lol;&lol;&lol;&lol;">]><urlset><url><loc>&lol2;</loc></url></urlset>')
    for body in (bomb, b"<html><body>not a sitemap</body></html>", b"\x1f\x8bnot gzip"):
        with pytest.raises(SourceError) as caught:
            parse_sitemap(body, "https://shop.test/sitemap.xml")
        assert caught.value.code == "sitemap_unreadable"
    huge = gzip.compress(b"<urlset>" + b" " * (60 * 1024 * 1024) + b"</urlset>")
    with pytest.raises(SourceError) as too_big:
        parse_sitemap(huge, "https://shop.test/sitemap.xml.gz")
    assert too_big.value.code == "page_too_large"
