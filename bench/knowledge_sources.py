"""Importing a web site into a knowledge base: pages crawled per second (fetch + extract),
passages indexed per second (until every entry has its vectors), and the send -> ack latency
of live conversations while the site is imported, beside the same with nothing imported.

    .venv/bin/python -m bench.knowledge_sources [--quick]   # or: python -m bench.run sources

A generated site of 200 pages (50 with --quick), each with navigation, a cookie banner and a
footer around two to four paragraphs of main text, listed in a sitemap, is served by a
Tornado app on 127.0.0.1 (port 0, its own thread). A real `chatctl serve` imports it through
the REST API (sitemap mode) with PARLEY_FETCH_ALLOW=127.0.0.1/32 and
PARLEY_FETCH_ONLY_ALLOWED on (the URL names the address, so nothing is resolved and nothing
leaves loopback) and PARLEY_KB_CRAWL_RATE high, so the crawler's politeness delay is not
what is measured. A few visitor sockets send a message at a steady pace throughout; their
acks are timed with no import running, then while the site is crawled and embedded.
Figures are printed and written to bench/results/knowledge_sources.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import tornado.httpserver
import tornado.netutil
import tornado.web
import websockets
from sqlalchemy import create_engine, text

from bench.common import (
    database_url,
    new_session,
    setup_widget,
    start_server,
    summary_ms,
    sync_url,
    workdir,
    write_result,
)

FULL: dict[str, Any] = {"pages": 200, "visitors": 4, "rate": 5.0, "baseline_s": 15.0}
QUICK: dict[str, Any] = {"pages": 50, "visitors": 4, "rate": 5.0, "baseline_s": 6.0}
SEED = 20261206

# --- the generated site ----------------------------------------------------------------

NAV = ('<header><nav class="menu"><a href="/">Home</a> <a href="/shop">Shop</a> '
       '<a href="/guides">Guides</a> <a href="/contact">Contact</a> <a href="/login">Sign in '
       "to your account</a></nav></header>")
COOKIES = ('<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your '
           "experience. By clicking accept you agree to all cookies.</p><button>Accept all "
           "cookies</button></div>")
FOOTER = ("<footer><p>Copyright 2026 Velo Atelier. All rights reserved.</p><p><a "
          'href="/imprint">Imprint</a> · <a href="/privacy">Privacy policy</a></p></footer>')

SUBJECTS = ["road bikes", "gravel bikes", "city bikes", "e-bikes", "cargo bikes",
            "children's bikes", "tubeless tyres", "disc brakes", "rim brakes", "chains",
            "cassettes", "saddles", "handlebar tape", "pedals", "helmets", "lights",
            "mudguards", "racks and panniers", "bike locks", "frame sizes", "wheel truing",
            "suspension forks", "batteries", "gear cables", "inner tubes"]
ASPECTS = ["choosing", "fitting", "servicing", "cleaning", "storing over winter",
           "warranty for", "returning", "shipping", "repairing", "upgrading"]
SENTENCES = [
    "Our workshop in {city} handles {subject} every working day, and most jobs are ready "
    "within {days} days.",
    "When {aspect} {subject}, bring the receipt or the order number so we can look up the "
    "exact model.",
    "The standard price for {aspect} {subject} is {price} euros, parts extra, quoted before "
    "any work starts.",
    "We stock {count} kinds of {subject} from brands such as Shimano, SRAM, Schwalbe and "
    "Continental.",
    "Customers in {city} can book a slot online; elsewhere we ship within {days} working "
    "days with tracking.",
    "Most riders only need {aspect} {subject} once a season, more often after wet or muddy "
    "rides.",
    "Ask the mechanic on duty to check {subject} when you collect the bike; it takes about "
    "{minutes} minutes and costs nothing.",
    "Members of the Velo club get {percent} percent off {aspect} {subject} and free pick-up "
    "within the city.",
]
CITIES = ["Lyon", "Grenoble", "Annecy", "Dijon", "Geneva"]


def generate_site(pages: int, seed: int = SEED) -> dict[str, tuple[str, list[str]]]:
    """path -> (title, paragraphs): `pages` distinct pages (distinct titles and text)."""
    r = random.Random(seed)
    out: dict[str, tuple[str, list[str]]] = {}
    n = 0
    while len(out) < pages:
        subject = SUBJECTS[n % len(SUBJECTS)]
        aspect = ASPECTS[(n // len(SUBJECTS)) % len(ASPECTS)]
        round_ = n // (len(SUBJECTS) * len(ASPECTS))
        title = f"{aspect.capitalize()} {subject}" + (f" (part {round_ + 1})" if round_ else "")
        paragraphs = []
        for _ in range(r.randint(2, 4)):
            sentences = r.sample(SENTENCES, r.randint(2, 4))
            paragraphs.append(" ".join(s.format(
                subject=subject, aspect=aspect, city=r.choice(CITIES), days=r.randint(1, 9),
                price=r.randint(9, 180), count=r.randint(3, 40), minutes=r.randint(5, 30),
                percent=r.choice([5, 10, 15, 20])) for s in sentences))
        slug = title.lower().replace("'", "").replace("(", "").replace(")", "")
        out["/guides/" + "-".join(slug.split())] = (title, paragraphs)
        n += 1
    return out


def render(title: str, paragraphs: list[str], related: list[str]) -> str:
    main = "".join(f"<p>{p}</p>" for p in paragraphs)
    links = " ".join(f'<a href="{href}">{href}</a>' for href in related)
    return (f"<!doctype html><html><head><title>{title} | Velo Atelier</title></head><body>"
            f"{NAV}{COOKIES}<main><article><h1>{title}</h1>{main}</article></main>"
            f'<aside class="related">{links}</aside>{FOOTER}</body></html>')


class SiteHandler(tornado.web.RequestHandler):
    def initialize(self, site: BenchSite) -> None:
        self.site = site

    def get(self, path: str) -> None:
        self.site.requests += 1
        base = f"http://127.0.0.1:{self.site.port}"
        if path == "/robots.txt":
            self.set_header("Content-Type", "text/plain")
            self.write(f"User-agent: *\nAllow: /\n\nSitemap: {base}/sitemap.xml\n")
        elif path == "/sitemap.xml":
            self.set_header("Content-Type", "application/xml")
            urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in self.site.pages)
            self.write('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
                       f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')
        elif path in self.site.pages:
            title, paragraphs = self.site.pages[path]
            self.write(render(title, paragraphs, self.site.related(path)))
        else:
            self.set_status(404)
            self.write("not found")


class BenchSite:
    """The generated site on 127.0.0.1 (port 0), served from its own thread and loop so the
    bench's visitor sockets do not share a loop with it."""

    def __init__(self, pages: int) -> None:
        self.pages = generate_site(pages)
        self.paths = list(self.pages)
        self.port = 0
        self.requests = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._serve, name="bench-site", daemon=True)

    def related(self, path: str) -> list[str]:
        i = self.paths.index(path)
        return [self.paths[(i + k) % len(self.paths)] for k in (1, 2, 3)]

    def _serve(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        app = tornado.web.Application([(r"(/.*)", SiteHandler, {"site": self})])
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets(sockets)
        self._ready.set()
        await self._stop.wait()
        server.stop()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> BenchSite:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *_: Any) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


# --- visitors ----------------------------------------------------------------------------


async def visitor(ws_url: str, token: str, rate: float, stop: asyncio.Event,
                  acks: list[tuple[float, float]]) -> None:
    """Send a message every 1/rate s until `stop`; (send time, send -> ack seconds) each."""
    async with websockets.connect(ws_url, max_size=None, compression=None) as ws:
        await ws.send(json.dumps({"type": "auth", "token": token, "last_seq": 0}))
        while json.loads(await ws.recv())["type"] != "ready":
            pass
        n = 0
        while not stop.is_set():
            cid = str(uuid.uuid4())
            t0 = time.monotonic()
            await ws.send(json.dumps({"type": "message", "client_msg_id": cid,
                                      "text": f"visitor message {n}"}))
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if frame["type"] == "ack" and frame.get("client_msg_id") == cid:
                    acks.append((t0, time.monotonic() - t0))
                    break
                if frame["type"] == "error":
                    raise RuntimeError(f"visitor message refused: {frame}")
            n += 1
            await asyncio.sleep(max(0.0, 1 / rate - (time.monotonic() - t0)))


def passages(url: str) -> int:
    """Vectors stored (one per passage embedded), read from the bench's database."""
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT COUNT(*) FROM kb_embeddings")).scalar_one())
    finally:
        engine.dispose()


async def measure(base: str, w: dict[str, Any], sessions: list[dict[str, Any]],
                  site: BenchSite, cfg: dict[str, Any]) -> dict[str, Any]:
    ws_base = base.replace("http", "ws")

    async def load(stop: asyncio.Event) -> list[tuple[float, float]]:
        acks: list[tuple[float, float]] = []
        await asyncio.gather(*(visitor(f"{ws_base}/ws/{s['session_id']}", s["visitor_token"],
                                       cfg["rate"], stop, acks) for s in sessions))
        return acks

    # 1. No import: the same visitors, the same pace.
    stop = asyncio.Event()
    task = asyncio.create_task(load(stop))
    await asyncio.sleep(cfg["baseline_s"])
    stop.set()
    idle = await task

    # 2. The site imported meanwhile.
    stop = asyncio.Event()
    task = asyncio.create_task(load(stop))
    await asyncio.sleep(1.0)  # the sockets settled at their pace
    headers = {"Authorization": f"Bearer {w['token']}"}
    sources = f"/api/widgets/{w['site_key']}/knowledge/sources"
    async with httpx.AsyncClient(base_url=base, timeout=60, headers=headers) as http:
        t_start = time.monotonic()
        resp = await http.post(sources, json={"url": site.url("/sitemap.xml"),
                                              "kind": "sitemap", "max_pages": cfg["pages"]})
        resp.raise_for_status()
        sid = resp.json()["source"]["id"]
        t_ready = None
        while True:
            source = (await http.get(f"{sources}/{sid}")).json()["source"]
            now = time.monotonic()
            if source["status"] == "failed":
                raise RuntimeError(f"the import failed: {source}")
            if source["status"] == "ready" and t_ready is None:
                t_ready = now
            if t_ready is not None and source["entries"] and \
                    source["embedded"] == source["entries"]:
                t_done = now
                break
            if now - t_start > 900:
                raise RuntimeError(f"not indexed in 15 min: {source}")
            await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    stop.set()
    busy = await task
    crawl = [a for t, a in busy if t_start <= t < t_ready]
    embed = [a for t, a in busy if t_ready <= t < t_done]
    return {"source": {k: source[k] for k in ("done", "total", "entries", "embedded")},
            "crawl_s": round(t_ready - t_start, 3), "index_s": round(t_done - t_ready, 3),
            "site_requests": site.requests, "ack_idle_ms": summary_ms([a for _, a in idle]),
            "ack_importing_ms": summary_ms(crawl + embed), "ack_crawling_ms": summary_ms(crawl),
            "ack_embedding_ms": summary_ms(embed)}


def run(quick: bool = False) -> dict[str, Any]:
    cfg = QUICK if quick else FULL
    with workdir() as tmp, BenchSite(cfg["pages"]) as site:
        work = Path(tmp)
        url = database_url(work)
        env = {"PARLEY_DATABASE_URL": url, "PARLEY_AI_PROVIDER": "offline",
               "PARLEY_FETCH_ALLOW": "127.0.0.1/32", "PARLEY_FETCH_ONLY_ALLOWED": "true",
               "PARLEY_KB_CRAWL_RATE": "10000", "PARLEY_KB_MAX_PAGES": str(cfg["pages"])}
        with start_server(work, env) as server:
            w = setup_widget(server.url, {"business_name": "Velo Atelier",
                                          "ai_enabled": False})
            sessions = [new_session(server.url, w["site_key"]) for _ in range(cfg["visitors"])]
            out = asyncio.run(measure(server.url, w, sessions, site, cfg))
            out["passages"] = passages(url)
    pages = out["source"]["done"]
    out.update({"pages": cfg["pages"], "visitors": cfg["visitors"],
                "visitor_rate_per_s": cfg["rate"],
                "pages_per_s": round(pages / out["crawl_s"], 1),
                "entries_per_s": round(out["source"]["entries"] / out["index_s"], 1),
                "passages_per_s": round(out["passages"] / out["index_s"], 1)})
    return out


def line(r: dict[str, Any]) -> str:
    idle, busy = r["ack_idle_ms"], r["ack_importing_ms"]
    return (f"sources: {r['source']['done']} pages crawled in {r['crawl_s']:.1f} s "
            f"({r['pages_per_s']:.1f} pages/s); {r['passages']} passages of "
            f"{r['source']['entries']} entries indexed in {r['index_s']:.1f} s "
            f"({r['passages_per_s']:.1f} passages/s); ack p50/p99 {idle['p50']:.1f}/"
            f"{idle['p99']:.1f} ms idle (n={idle['n']}) vs {busy['p50']:.1f}/{busy['p99']:.1f}"
            f" ms importing (n={busy['n']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 pages, a shorter baseline")
    args = parser.parse_args()
    result = run(args.quick)
    print(line(result))
    name = "knowledge_sources-quick" if args.quick else "knowledge_sources"
    print(f"wrote {write_result(name, {**result, 'quick': args.quick})}")


if __name__ == "__main__":
    main()
