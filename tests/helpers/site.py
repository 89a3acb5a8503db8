"""A small shop's web site on 127.0.0.1 (port 0), for the fetcher and the crawler: pages
whose main text sits among navigation, a cookie banner and a footer, robots.txt (which
disallows /private/), a sitemap index, redirects (within the site, off the site, to private
addresses, in a loop), a page linking off the site, a slow page, a 404, a PDF, a big page.

    async with Site() as site:
        site.url("/shipping")       # http://shop.test:PORT/shipping
        site.resolver               # points shop.test and elsewhere.test at 127.0.0.1
        site.requests               # (Host header, path) of every request, in order
        site.times                  # time.monotonic() of each, when it arrived

Tests reach it as http://shop.test:PORT/ through `site.resolver`, so a request that gets
here was sent to the address the guard checked, never resolved by anyone else.
"""

from __future__ import annotations

import asyncio
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import pytest
import tornado.httpserver
import tornado.ioloop
import tornado.netutil
import tornado.web

from chatserver.sources.document import SourceError
from tests.sources import make_files

HOST = "shop.test"
OFF_SITE = "elsewhere.test"
LOOPBACK = "127.0.0.1"
NAMES = {HOST: LOOPBACK, OFF_SITE: LOOPBACK}

NAV = """<header><nav class="menu"><a href="/">Home</a> <a href="/about">About us</a>
<a href="/shipping">Shipping</a> <a href="/returns">Returns</a> <a href="/login">Sign in to
your account</a></nav></header>"""
COOKIES = """<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your
experience on our website. By clicking accept you agree to all cookies.</p>
<button>Accept all cookies</button></div>"""
FOOTER = """<footer><p>Copyright 2024 Acme Trading Ltd. All rights reserved.</p>
<p><a href="/imprint">Imprint</a> · <a href="/privacy">Privacy policy</a></p></footer>"""
NAV_WORDS = ("Sign in to your account", "cookies", "All rights reserved", "Privacy policy")

# path -> (title, main text paragraphs, links)
PAGES: dict[str, tuple[str, list[str], list[str]]] = {
    "/": ("Welcome to Acme", [
        "Acme sells hand-made ceramic mugs, bowls and plates, fired in our workshop in Lyon "
        "since 1998.",
        "Browse the collection, read how we ship, or ask us anything in the chat window."],
        ["/about", "/about/", "/about#team", "/shipping", "/old", "/away", "/private/secret",
         "/slow", "/missing", "/guide.pdf", "/logo.png", "/empty",
         f"http://{OFF_SITE}:{{port}}/offsite", "https://example.org/", "mailto:hi@acme.test"]),
    "/about": ("About Acme", [
        "Acme is a family business of four potters who throw every piece by hand on the "
        "wheel.",
        "Our clay comes from a quarry in Burgundy and our glazes are free of lead and "
        "cadmium."], ["/", "/team/"]),
    "/team/": ("The team", [
        "Marie founded the workshop; Paul runs the kiln; Ana answers your questions in the "
        "chat and on the phone."], ["/about"]),
    "/shipping": ("Shipping rates", [
        "Orders over 50 euros ship free within the European Union; smaller orders pay a flat "
        "fee of 4.90 euros.",
        "Parcels leave the workshop within two working days and arrive three to five days "
        "later, packed in recycled cardboard."], ["/returns"]),
    "/returns": ("Returns", [
        "You may return any piece within 30 days of delivery for a full refund, shipping "
        "included.",
        "Broken on arrival? Send us a photo within a week and we send a new piece at once."],
        ["/"]),
    "/private/secret": ("Staff only", [
        "The staff discount code is POTTER-STAFF and must never be shared with customers."],
        []),
    "/empty": ("Nothing here", [], []),
}
ROBOTS = "User-agent: *\nDisallow: /private/\n\nSitemap: http://{host}/sitemap.xml\n"
SITEMAP_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>http://{host}/sitemap-pages.xml</loc></sitemap>
</sitemapindex>"""
SITEMAP_PAGES = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>http://{host}/shipping</loc></url>
  <url><loc>http://{host}/returns</loc></url>
  <url><loc>http://{host}/private/secret</loc></url>
  <url><loc>http://{off}/offsite</loc></url>
  <url><loc>http://{host}/about</loc></url>
</urlset>"""
REDIRECTS = {"/old": "/returns", "/away": f"http://{OFF_SITE}:{{port}}/offsite",
             "/to-private": "http://10.1.2.3/admin",
             "/to-metadata": "http://169.254.169.254/latest/meta-data/",
             "/loop": "/loop", "/to-ftp": "ftp://files.example.org/"}


def _price_list() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return make_files.pdf(Path(tmp) / "p.pdf", [
            "Mugs cost 18 euros each, or 60 euros for a set of four.",
            "Bowls cost 24 euros; serving plates 45 euros."],
            title="Price list").read_bytes()


def _handbook() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return make_files.word(Path(tmp) / "h.docx", title="Shop handbook").read_bytes()


# Documents linked from the site (a crawl reads them as uploaded ones): path -> type, bytes.
DOCUMENTS = {
    "/price-list.pdf": ("application/pdf", _price_list),
    "/handbook.docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml."
                       "document", _handbook),
}


def render(path: str, port: int) -> str:
    title, paragraphs, links = PAGES[path]
    main = "".join(f"<p>{p}</p>" for p in paragraphs)
    anchors = " ".join(f'<a href="{href.format(port=port)}">{href}</a>' for href in links)
    return (f"<!doctype html><html><head><title>{title} | Acme</title></head><body>{NAV}"
            f"{COOKIES}<main><article><h1>{title}</h1>{main}</article></main>"
            f'<aside class="related">{anchors}</aside>{FOOTER}</body></html>')


class SiteHandler(tornado.web.RequestHandler):
    def initialize(self, site: Site) -> None:
        self.site = site

    async def get(self, path: str) -> None:
        self.site.requests.append((self.request.host, path))
        self.site.times.append(time.monotonic())
        host = self.request.host
        if path in PAGES:
            self.write(render(path, self.site.port))
        elif path in REDIRECTS:
            self.redirect(REDIRECTS[path].format(port=self.site.port),
                          status=301 if path == "/old" else 302)
        elif path == "/robots.txt":
            self.set_header("Content-Type", "text/plain")
            self.write(ROBOTS.format(host=host))
        elif path in ("/sitemap.xml", "/sitemap-pages.xml"):
            self.set_header("Content-Type", "application/xml")
            text = SITEMAP_INDEX if path == "/sitemap.xml" else SITEMAP_PAGES
            self.write(text.format(host=host, off=f"{OFF_SITE}:{self.site.port}"))
        elif path in DOCUMENTS:  # real files, as people's tools write them
            content_type, make = DOCUMENTS[path]
            self.set_header("Content-Type", content_type)
            self.write(make())
        elif path == "/guide.pdf":
            self.set_header("Content-Type", "application/pdf")
            self.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        elif path == "/big":  # streamed without a Content-Length
            for _ in range(64):
                self.write("<p>" + "lorem ipsum " * 100 + "</p>")
                await self.flush()
        elif path == "/slow":  # answers when the client has gone, or the site stops
            gone = asyncio.Event()
            self.site.waiting.append(gone)
            self.request.connection.set_close_callback(gone.set)  # type: ignore[union-attr]
            await gone.wait()
            if not self.site.stopping:
                raise tornado.web.Finish()
        else:
            raise tornado.web.HTTPError(404)


class Site:
    """The site on the running loop; `async with Site() as site:`."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self.times: list[float] = []
        self.waiting: list[asyncio.Event] = []
        self.stopping = False
        self.port = 0
        self._server: tornado.httpserver.HTTPServer | None = None

    def url(self, path: str = "/", host: str = HOST) -> str:
        return f"http://{host}:{self.port}{path}"

    def paths(self, host: str = HOST) -> list[str]:
        """The paths requested with `host` in the Host header, in order."""
        return [p for h, p in self.requests if h == f"{host}:{self.port}"]

    async def resolver(self, host: str, port: int) -> list[str]:
        """The test's DNS: the site's names are 127.0.0.1, every other name is unknown (so
        nothing a test does can leave the machine)."""
        if host in NAMES:
            return [NAMES[host]]
        raise SourceError(f"{host} could not be resolved (test resolver)",
                          code="url_unreachable")

    async def start(self) -> Site:
        sockets = tornado.netutil.bind_sockets(0, LOOPBACK, family=socket.AF_INET)
        self.port = sockets[0].getsockname()[1]
        app = tornado.web.Application([(r"(/.*)", SiteHandler, {"site": self})],
                                      log_function=lambda handler: None)
        self._server = tornado.httpserver.HTTPServer(app)
        self._server.add_sockets(sockets)
        return self

    async def stop(self) -> None:
        self.stopping = True
        for gone in self.waiting:
            gone.set()
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None

    async def __aenter__(self) -> Site:
        return await self.start()

    async def __aexit__(self, et: type[BaseException] | None, ev: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()


@pytest.fixture(name="site")
def site_fixture(io_loop: tornado.ioloop.IOLoop) -> Iterator[Site]:
    """`site`: a started Site on the test's IOLoop (import `site_fixture` to use it)."""
    running = Site()
    io_loop.run_sync(running.start)
    yield running
    io_loop.run_sync(running.stop)

