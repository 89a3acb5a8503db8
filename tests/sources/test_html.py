"""A page's main text without its navigation, cookie banner or footer; its title; its
links for the crawler."""

from __future__ import annotations

import pickle

import pytest

from chatserver.sources.document import SourceError
from chatserver.sources.html import extract_html, links
from tests.helpers.site import NAV_WORDS, render

pytestmark = pytest.mark.once


def test_the_main_text_is_kept_and_the_page_around_it_left_out() -> None:
    doc = extract_html(render("/shipping", 80).encode(), "http://shop.test/shipping")
    assert doc.title == "Shipping rates"
    assert doc.url == "http://shop.test/shipping"
    assert doc.text.split("\n\n") == [
        "Orders over 50 euros ship free within the European Union; smaller orders pay a flat "
        "fee of 4.90 euros.",
        "Parcels leave the workshop within two working days and arrive three to five days "
        "later, packed in recycled cardboard."]
    assert not any(word in doc.text for word in NAV_WORDS)


def test_a_short_page_does_not_fall_back_to_its_menu_or_banner() -> None:
    doc = extract_html(render("/private/secret", 80).encode(), None)
    assert doc.text == ("The staff discount code is POTTER-STAFF and must never be shared "
                        "with customers.")
    assert doc.url is None


def test_a_page_marked_by_its_consent_class_keeps_its_text() -> None:
    body = render("/about", 80).replace("<body>", '<body class="cookie-consent-given">')
    assert "family business of four potters" in extract_html(body.encode(), None).text


def test_a_page_without_main_text_is_page_empty() -> None:
    with pytest.raises(SourceError) as caught:
        extract_html(render("/empty", 80).encode(), "http://shop.test/empty")
    assert caught.value.code == "page_empty"
    assert "http://shop.test/empty" in caught.value.message


@pytest.mark.parametrize("body", [b"", b"\x00\x01\x02binary", b"%PDF-1.4\n%\xe2\xe3"])
def test_what_is_not_html_is_a_clear_error(body: bytes) -> None:
    with pytest.raises(SourceError) as caught:
        extract_html(body, "http://shop.test/x")
    assert caught.value.code in ("page_empty", "page_unreadable")


@pytest.mark.parametrize(("head", "h1", "title"), [
    ('<meta property="og:title" content="Our mugs"><title>Mugs | Acme</title>',
     "<h1>Hand-made mugs</h1>", "Our mugs"),
    ("<title>Mugs | Acme</title>", "<h1>Hand-made mugs</h1>", "Hand-made mugs"),
    ("<title>Mugs and bowls</title>", "", "Mugs and bowls"),
    ("", "<h1>Hand-made mugs</h1>", "Hand-made mugs"),
])
def test_the_title_comes_from_the_page(head: str, h1: str, title: str) -> None:
    """og:title first, then the page's one h1 (a <title> often carries the site's name)."""
    body = (f"<html><head>{head}</head><body><main>{h1}<p>Every mug is "
            "thrown by hand on the wheel and fired twice in our own kiln in Lyon.</p>"
            "</main></body></html>")
    assert extract_html(body.encode(), None).title == title


def test_the_text_of_a_page_in_another_encoding_is_decoded() -> None:
    body = ('<html><head><meta charset="iso-8859-1"><title>Livraison</title></head><body>'
            "<main><p>Les commandes de plus de 50 euros sont livrées gratuitement en France "
            "métropolitaine, sous trois à cinq jours ouvrés.</p></main></body></html>")
    doc = extract_html(body.encode("iso-8859-1"), None)
    assert "livrées gratuitement en France métropolitaine" in doc.text


def test_extraction_runs_in_another_process() -> None:
    """Arguments and results cross a process pool: they pickle."""
    doc = extract_html(render("/about", 80).encode(), "http://shop.test/about")
    assert pickle.loads(pickle.dumps(doc)) == doc
    error = SourceError("x has no main text", code="page_empty")
    assert pickle.loads(pickle.dumps(error)).code == "page_empty"


def test_links_are_absolute_without_fragments_and_only_http() -> None:
    body = b"""<html><head><base href="/docs/"></head><body>
    <a href="intro">Intro</a> <a href="/about#team">Team</a> <a href="/about">About</a>
    <a href="https://other.example/x?y=1#z">Other</a> <a href="mailto:hi@acme.test">Mail</a>
    <a href="javascript:void(0)">JS</a> <a href="ftp://files.acme.test/">FTP</a>
    <a href="#top">Top</a> <a href="http://[bad">Bad</a></body></html>"""
    assert links(body, "http://shop.test/start") == [
        "http://shop.test/docs/intro", "http://shop.test/about",
        "https://other.example/x?y=1", "http://shop.test/docs/"]
    assert links(b"", "http://shop.test/") == []
