"""Real documents for tests/sources/test_files.py, written with the libraries people's tools
use (fpdf2 for PDFs, python-docx for Word files), so the extractor is tested on what it will
meet rather than on hand-made bytes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import docx
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader, PdfWriter


def pdf(path: Path, pages: Sequence[str], *, title: str | None = None,
        sections: dict[int, str] | None = None) -> Path:
    """A PDF with one page per item of `pages` (its lines as text); `sections` maps a page
    index to a bookmark (outline entry) starting there."""
    doc = FPDF()
    doc.set_font("helvetica", size=11)
    if title is not None:
        doc.set_title(title)
    for i, text in enumerate(pages):
        doc.add_page()
        if sections and i in sections:
            doc.start_section(sections[i])
        if text:
            doc.multi_cell(0, 6, text)
    doc.output(str(path))
    return path


def flowing_pdf(path: Path, sections: Sequence[tuple[str, str]], *,
                bookmarks: bool = True) -> Path:
    """A PDF whose (heading, text) `sections` follow one another on the same pages, each
    heading a line in a larger bold font (and, with `bookmarks`, an outline entry)."""
    doc = FPDF()
    doc.add_page()
    for heading, text in sections:
        if bookmarks:
            doc.start_section(heading)
        doc.set_font("helvetica", "B", 14)
        doc.multi_cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
        doc.set_font("helvetica", size=11)
        doc.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    doc.output(str(path))
    return path


def image_pdf(path: Path) -> Path:
    """A PDF whose only page is a picture, like a scan without a text layer."""
    doc = FPDF()
    doc.add_page()
    doc.image(Image.new("RGB", (200, 100), (200, 30, 30)), x=10, y=10, w=100)
    doc.output(str(path))
    return path


def encrypted(src: Path, path: Path, *, user_password: str, owner_password: str = "owner") -> Path:
    """`src` encrypted with AES-256; an empty `user_password` opens it without asking (only
    editing is restricted)."""
    writer = PdfWriter(clone_from=PdfReader(src))
    writer.encrypt(user_password=user_password, owner_password=owner_password,
                   algorithm="AES-256")
    with path.open("wb") as f:
        writer.write(f)
    return path


def word(path: Path, *, title: str | None = None) -> Path:
    """A Word file: an introduction, two Heading 1 sections (one with a Heading 2 inside and a
    table), and a Heading 3 that stays inside its section."""
    doc = docx.Document()
    if title is not None:
        doc.core_properties.title = title
    doc.add_paragraph("Welcome to the shop handbook.")
    doc.add_heading("Shipping", level=1)
    doc.add_paragraph("We ship within two working days.")
    doc.add_heading("Abroad", level=2)
    doc.add_paragraph("Parcels abroad take a week.")
    table = doc.add_table(rows=3, cols=2)
    for row, cells in zip(table.rows, [("Country", "Price"), ("France", "9 EUR"),
                                       ("Japan", "30 EUR")], strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    doc.add_heading("Returns", level=1)
    doc.add_paragraph("Returns are free for 30 days.")
    doc.add_heading("Damaged parcels", level=3)
    doc.add_paragraph("Send us a photo of the parcel.")
    doc.save(str(path))
    return path


def empty_word(path: Path) -> Path:
    docx.Document().save(str(path))
    return path
