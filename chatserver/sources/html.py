"""A web page's main text (trafilatura: navigation, footers, cookie banners and the like
left out) and its links. Pure functions of bytes and strings: CPU-bound, so callers run
them off the event loop (in a process pool)."""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin

import lxml.html  # type: ignore[import-untyped]
import trafilatura
from lxml import etree

from chatserver.sources.document import Document, SourceError

# Cookie and consent banners, dropped before extraction: on a page with little text the
# extractor's fallbacks would otherwise take a banner for the main text. (Inside <body>:
# sites mark <body class="cookie-consent-given"> too.)
BANNERS = ("//body//*[contains(translate(@id, 'COKIENST', 'cokienst'), 'cookie') or "
           "contains(translate(@class, 'COKIENST', 'cokienst'), 'cookie') or "
           "contains(translate(@id, 'COKIENST', 'cokienst'), 'consent') or "
           "contains(translate(@class, 'COKIENST', 'cokienst'), 'consent')]")
# Where a title is looked for when trafilatura finds none, best first.
TITLE_TAGS = ("//meta[@property='og:title']/@content", "//title/text()", "//h1//text()")


def extract_html(body: bytes, url: str | None) -> Document:
    """The page's title and main text, its paragraphs separated by blank lines;
    SourceError page_empty when there is no main text, page_unreadable when it is not HTML
    that can be parsed."""
    where = url or "the page"
    try:
        tree = trafilatura.load_html(body)
        if tree is None:
            raise ValueError("not HTML")
        title = _title(tree)
        for banner in tree.xpath(BANNERS):
            banner.drop_tree()
        found = trafilatura.bare_extraction(
            tree, url=url, with_metadata=True, include_comments=False, include_tables=True,
            include_images=False, include_links=False, deduplicate=False,
            favor_precision=True)
    except Exception as exc:
        raise SourceError(f"{where} could not be read as HTML ({exc})",
                          code="page_unreadable") from None
    text = (getattr(found, "text", None) or "").strip() if found is not None else ""
    title = (getattr(found, "title", None) or "").strip() or title
    lines = [" ".join(line.split()) for line in text.splitlines()]
    if lines and lines[0] == title:  # the heading repeats the title
        lines = lines[1:]
    paragraphs = [line for line in lines if line]
    if not paragraphs:
        raise SourceError(f"{where} has no main text", code="page_empty")
    return Document(title=title or (url or "Untitled"), text="\n\n".join(paragraphs), url=url)


def _title(tree: etree._Element) -> str:
    """og:title, <title> or the first h1, for pages whose metadata trafilatura missed."""
    for path in TITLE_TAGS:
        found = tree.xpath(path)
        text = " ".join(" ".join(str(part) for part in found).split()) if found else ""
        if text:
            return text
    return ""


def links(body: bytes, base_url: str) -> list[str]:
    """The page's absolute http(s) links (<a href>, resolved against <base href> or
    `base_url`), fragments dropped, each once, in page order."""
    try:
        tree = lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return []
    base = base_url
    for href in tree.xpath("//base/@href")[:1]:
        base = urljoin(base_url, str(href).strip())
    found: dict[str, None] = {}
    for href in tree.xpath("//a/@href | //area/@href"):
        try:
            absolute = urldefrag(urljoin(base, str(href).strip())).url
        except ValueError:  # a malformed IPv6 host and the like
            continue
        if absolute.startswith(("http://", "https://")):
            found[absolute] = None
    return list(found)
