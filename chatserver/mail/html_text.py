"""The text of an HTML email, for replies sent without a plain-text part.

Small and safe: the standard library's parser, nothing run or fetched. Block elements and
``<br>`` become line breaks, entities are decoded, and what is never the visitor's own words
is dropped: scripts, styles, the head, and ``<blockquote>`` (every mail client quotes the
history it replies to in one; Gmail marks its quote block too).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose content is dropped, and which always have an end tag.
SKIPPED = frozenset({"script", "style", "head", "title", "blockquote", "template"})
# Elements that start a new line.
BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
                    "pre", "table", "ul", "ol", "section", "article", "header", "footer"})
# Classes that mark a quoted history (Gmail, Yahoo) without a <blockquote> around it.
QUOTE_CLASSES = ("gmail_quote", "yahoo_quoted")


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip: list[str] = []  # the open elements whose content is dropped

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip:
            if tag == self.skip[0]:
                self.skip.append(tag)
            return
        classes = next((v or "" for k, v in attrs if k == "class"), "")
        if tag in SKIPPED or (tag == "div" and any(c in classes for c in QUOTE_CLASSES)):
            self.skip.append(tag)
            return
        if tag == "br":
            self.parts.append("\n")
        elif tag in BLOCKS:
            self.newline()
        if tag == "li":
            self.parts.append("- ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.skip and tag in BLOCKS:
            self.parts.append("\n")  # <br/>: each one is a line break

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip[0]:
                self.skip.pop()
            return
        if tag in BLOCKS and tag != "br":
            self.newline()

    def newline(self) -> None:
        """Start a line, unless one was just started (nested blocks make one break)."""
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        text = re.sub(r"[ \t\r\n\f]+", " ", data)
        if self.skip or (text == " " and (not self.parts or self.parts[-1].endswith("\n"))):
            return  # the white space between blocks
        self.parts.append(text)


def html_to_text(html: str) -> str:
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).replace("\xa0", " ").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
