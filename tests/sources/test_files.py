"""Uploaded documents become Documents titled by where they come from; a file that cannot
be read is a SourceError with a stable code whose message names the file. Every file here is
real: PDFs written by fpdf2 (and encrypted by pypdf), Word files by python-docx.

HTML files go to sources/html.py (another extractor); their test belongs with it."""

from __future__ import annotations

import multiprocessing
import random
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from PIL import Image

from chatserver.sources.document import Document, SourceError
from chatserver.sources.files import extract_file
from chatserver.sources.pdf import PAGE_GROUP_CHARS
from chatserver.sources.text import MAX_TEXT_CHARS
from tests.sources import make_files

pytestmark = pytest.mark.once

LONG_PAGE = "A paragraph about prices that goes on for a while. " * 40  # ~2,000 characters


def extract(path: Path, name: str | None = None, max_pages: int = 50) -> list[Document]:
    return extract_file(str(path), name or path.name, max_pages=max_pages)


def refused(path: Path, name: str | None = None, max_pages: int = 50) -> SourceError:
    """The error reading `path` raises, after checking that its message names the file."""
    name = name or path.name
    with pytest.raises(SourceError) as caught:
        extract(path, name, max_pages)
    assert name in caught.value.message
    return caught.value


def titles(docs: list[Document]) -> list[str]:
    return [d.title for d in docs]


# PDF


def test_a_pdf_is_split_by_pages_titled_with_their_numbers(tmp_path: Path) -> None:
    """A long page is a Document of its own; short ones share one, up to PAGE_GROUP_CHARS."""
    pages = [f"Page {n}. {LONG_PAGE}" for n in (1, 2, 3)] + ["Page 4.", "Page 5."]
    docs = extract(make_files.pdf(tmp_path / "Price list.pdf", pages))
    assert titles(docs) == ["Price list (p. 1)", "Price list (p. 2)", "Price list (pp. 3–5)"]
    assert docs[0].text.startswith("Page 1. A paragraph about prices")
    assert "Page 2." not in docs[0].text
    assert docs[2].text.startswith("Page 3. A paragraph")
    assert docs[2].text.endswith("about prices that goes on for a while.\n\nPage 4.\n\nPage 5.")
    assert all(d.url is None for d in docs)
    assert all(len(d.text) <= PAGE_GROUP_CHARS for d in docs)


def test_a_pdf_title_comes_from_its_properties(tmp_path: Path) -> None:
    path = make_files.pdf(tmp_path / "scan_0042.pdf", ["One.", "Two."], title="Opening hours")
    assert titles(extract(path)) == ["Opening hours (pp. 1–2)"]


def test_a_title_that_is_a_file_name_is_ignored(tmp_path: Path) -> None:
    path = make_files.pdf(tmp_path / "Hours.pdf", ["One.", "Two."],
                          title="Microsoft Word - hours.docx")
    assert titles(extract(path)) == ["Hours (pp. 1–2)"]


def test_a_one_page_pdf_has_no_page_number(tmp_path: Path) -> None:
    docs = extract(make_files.pdf(tmp_path / "Flyer.pdf", ["Open every day, 9 to 5."]))
    assert docs == [Document("Flyer", "Open every day, 9 to 5.")]


def test_bookmarks_start_sections_and_name_them(tmp_path: Path) -> None:
    pages = ["Welcome.", "Shipping takes two days.", "Still shipping.", "Returns: 30 days."]
    path = make_files.pdf(tmp_path / "Guide.pdf", pages, sections={1: "Shipping", 3: "Returns"})
    docs = extract(path)
    assert titles(docs) == ["Guide (p. 1)", "Shipping", "Returns"]
    assert docs[1].text == "Shipping takes two days.\n\nStill shipping."


FLOWING = [("Shipping", "Parcels take two days within the country and a week abroad."),
           ("Returns", "Thirty days, with the receipt, for anything unused and in its box."),
           ("Opening hours of the shop on public holidays in the summer months",
            "Ten to four, except on the first of August, when the shop stays closed.")]


@pytest.mark.parametrize("bookmarks", [True, False])
def test_headings_cut_sections_that_flow_on_one_page(tmp_path: Path, bookmarks: bool) -> None:
    """Bookmarks (or, without an outline, lines in a larger font) start a Document where
    they stand on the page, not only at a page's top; the heading line is its title."""
    path = make_files.flowing_pdf(tmp_path / "Guide.pdf", FLOWING, bookmarks=bookmarks)
    assert extract(path) == [Document(h, t) for h, t in FLOWING]


def test_a_heading_pushed_to_the_next_page_starts_its_section_there(tmp_path: Path) -> None:
    """A bookmark set at the foot of a page, whose heading the page break moved to the next
    page, still cuts there (not at the top of the page it points to)."""
    filler = [(f"Topic {n}", LONG_PAGE[:600]) for n in range(1, 8)]
    path = make_files.flowing_pdf(tmp_path / "Guide.pdf", [*filler, *FLOWING])
    docs = extract(path)  # "Topic 7"'s bookmark points to page 1, its heading is on page 2
    assert [d.title for d in docs] == [h for h, _ in [*filler, *FLOWING]]
    assert [" ".join(d.text.split()) for d in docs[:7]] == [" ".join(t.split()) for _, t in filler]
    assert [d.text for d in docs[-3:]] == [t for _, t in FLOWING]


def test_a_pdf_with_more_pages_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = make_files.pdf(tmp_path / "Big.pdf", ["a", "b", "c"])
    error = refused(path, max_pages=2)
    assert error.code == "file_too_many_pages"
    assert "3 pages" in error.message and "limit is 2" in error.message
    assert len(extract(path, max_pages=3)) == 1


def test_a_password_protected_pdf_is_refused(tmp_path: Path) -> None:
    plain = make_files.pdf(tmp_path / "plain.pdf", ["Secret prices."])
    path = make_files.encrypted(plain, tmp_path / "Locked.pdf", user_password="secret")
    error = refused(path)
    assert error.code == "file_encrypted"
    assert "password" in error.message


def test_a_pdf_restricted_only_for_editing_is_read(tmp_path: Path) -> None:
    plain = make_files.pdf(tmp_path / "plain.pdf", ["Public prices."])
    path = make_files.encrypted(plain, tmp_path / "Owner.pdf", user_password="")
    assert extract(path) == [Document("Owner", "Public prices.")]


@pytest.mark.parametrize("kind", ["image", "blank"])
def test_a_pdf_without_a_text_layer_says_so(tmp_path: Path, kind: str) -> None:
    path = (make_files.image_pdf(tmp_path / "Scan.pdf") if kind == "image"
            else make_files.pdf(tmp_path / "Scan.pdf", ["", ""]))
    error = refused(path)
    assert error.code == "file_empty"
    assert "scan" in error.message and "OCR" in error.message


@pytest.mark.parametrize("keep", [0.2, 0.5, 0.8, 0.97])
def test_a_truncated_pdf_is_broken(tmp_path: Path, keep: float) -> None:
    whole = make_files.pdf(tmp_path / "whole.pdf", ["One page.", "Two pages."]).read_bytes()
    path = tmp_path / "Guide.pdf"
    path.write_bytes(whole[:int(len(whole) * keep)])
    error = refused(path)
    assert error.code == "file_broken"
    assert error.message == "Guide.pdf could not be read: it is damaged or not a PDF"


@pytest.mark.parametrize("header", [b"%PDF-1.7\n", b""])
def test_random_bytes_named_pdf_are_broken(tmp_path: Path, header: bytes) -> None:
    path = tmp_path / "Guide.pdf"
    path.write_bytes(header + random.Random(1).randbytes(5000))
    assert refused(path).code == "file_broken"


# Word


def test_word_headings_start_documents_and_tables_become_lines(tmp_path: Path) -> None:
    docs = extract(make_files.word(tmp_path / "handbook.docx", title="Shop handbook"))
    assert docs == [
        Document("Shop handbook", "Welcome to the shop handbook."),
        Document("Shipping", "We ship within two working days."),
        Document("Shipping — Abroad", "Parcels abroad take a week.\n\n"
                 "Country · Price\nFrance · 9 EUR\nJapan · 30 EUR"),
        Document("Returns", "Returns are free for 30 days.\n\nDamaged parcels\n\n"
                 "Send us a photo of the parcel."),
    ]


def test_word_text_before_a_heading_is_titled_by_the_file_name(tmp_path: Path) -> None:
    docs = extract(make_files.word(tmp_path / "Staff handbook.docx"))
    assert docs[0] == Document("Staff handbook", "Welcome to the shop handbook.")


def test_an_empty_word_file_has_no_text(tmp_path: Path) -> None:
    error = refused(make_files.empty_word(tmp_path / "Blank.docx"))
    assert error.code == "file_empty"


def test_a_truncated_word_file_is_broken(tmp_path: Path) -> None:
    whole = make_files.word(tmp_path / "whole.docx").read_bytes()
    path = tmp_path / "Handbook.docx"
    path.write_bytes(whole[:len(whole) // 2])
    error = refused(path)
    assert error.code == "file_broken"
    assert "not a Word document" in error.message


def test_a_word_file_whose_document_part_is_damaged_is_broken(tmp_path: Path) -> None:
    whole = make_files.word(tmp_path / "whole.docx")
    path = tmp_path / "Handbook.docx"
    with zipfile.ZipFile(whole) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            out.writestr(item, data[:len(data) // 2] if item.filename == "word/document.xml"
                         else data)
    assert refused(path).code == "file_broken"


def test_a_password_protected_word_file_is_refused(tmp_path: Path) -> None:
    """Word stores an encrypted .docx in an OLE container with an EncryptedPackage stream;
    this is the start of such a container and that stream's directory name (not a whole
    file: no library here writes one)."""
    path = tmp_path / "Locked.docx"
    name = "EncryptedPackage".encode("utf-16-le")
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1016) + name + bytes(2000))
    assert refused(path).code == "file_encrypted"


# Markdown and text


def test_markdown_headings_start_documents(tmp_path: Path) -> None:
    path = tmp_path / "faq.md"
    path.write_text("Read this first.\n\n#\n\nThen this.\n\n"
                    "# Shipping\n\nWe ship *fast*.\n\n```\n# a comment\n```\n"
                    "\n## Abroad\nA week.\n\n#### Islands\nTwo weeks.\n\n# Empty\n\n"
                    "# Returns\n30 days.\n", encoding="utf-8")
    assert extract(path) == [
        Document("faq", "Read this first.\n\nThen this."),
        Document("Shipping", "We ship *fast*.\n\n```\n# a comment\n```"),
        Document("Shipping — Abroad", "A week.\n\n#### Islands\nTwo weeks."),
        Document("Returns", "30 days."),
    ]


def test_markdown_front_matter_gives_the_title(tmp_path: Path) -> None:
    path = tmp_path / "about.markdown"
    path.write_text("---\ntitle: About the shop\nlayout: page\n---\nFamily-run since 1990.\n",
                    encoding="utf-8")
    assert extract(path) == [Document("About the shop", "Family-run since 1990.")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_a_text_file_is_one_document_titled_by_its_name(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "Opening hours.txt"
    path.write_bytes("Café open 9–17.\r\n\r\n\r\n\r\nClosed on Sundays.  \n".encode(encoding))
    assert extract(path) == [Document("Opening hours", "Café open 9–17.\n\nClosed on Sundays.")]


@pytest.mark.parametrize("name", ["notes.txt", "notes.md"])
def test_latin1_text_is_not_utf8(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes("Café ouvert à 9 h.".encode("latin-1"))
    error = refused(path)
    assert error.code == "file_not_text"
    assert "UTF-8" in error.message


def test_random_bytes_named_txt_are_not_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(random.Random(2).randbytes(4096))
    assert refused(path).code == "file_not_text"


@pytest.mark.parametrize("content", [b"", b"  \n\n\t \n"])
def test_an_empty_file_has_no_text(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    assert refused(path).code == "file_empty"


def test_too_much_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    path.write_text("word " * (MAX_TEXT_CHARS // 5 + 1), encoding="utf-8")
    error = refused(path)
    assert error.code == "file_too_large"
    assert "2,000,000" in error.message


# Types


def test_random_bytes_of_no_known_type_are_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(random.Random(3).randbytes(4096))
    assert refused(path).code == "file_type_unsupported"


def test_a_picture_named_txt_is_typed_by_its_content(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    Image.new("RGB", (4, 4)).save(path, format="PNG")
    error = refused(path)
    assert error.code == "file_type_unsupported"
    assert "image/png" in error.message


def test_a_pdf_is_typed_by_its_content_whatever_its_name(tmp_path: Path) -> None:
    path = make_files.pdf(tmp_path / "prices", ["Tea: 3 EUR."])
    assert extract(path, "prices.txt") == [Document("prices", "Tea: 3 EUR.")]


def test_an_unknown_extension_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    error = refused(path)
    assert error.code == "file_type_unsupported"
    assert "PDF" in error.message


def test_extraction_runs_in_a_worker_process(tmp_path: Path) -> None:
    """What the upload route does: the Documents, and a SourceError's code, cross the process
    boundary intact."""
    good = make_files.pdf(tmp_path / "Flyer.pdf", ["Open daily."])
    bad = tmp_path / "Broken.pdf"
    bad.write_bytes(b"%PDF-1.4\n")
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(extract_file, str(good), "Flyer.pdf", max_pages=5).result() == [
            Document("Flyer", "Open daily.")]
        with pytest.raises(SourceError) as caught:
            pool.submit(extract_file, str(bad), "Broken.pdf", max_pages=5).result()
    assert caught.value.code == "file_broken"
    assert "Broken.pdf" in caught.value.message


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_corrupted_files_are_refused_cleanly(tmp_path: Path, kind: str) -> None:
    """Bytes overwritten and tails cut at seeded random places: every outcome is Documents or
    a SourceError, never a library's exception."""
    base = (make_files.pdf(tmp_path / "base.pdf", ["One " * 300, "Two"], sections={1: "Two"})
            if kind == "pdf" else make_files.word(tmp_path / "base.docx")).read_bytes()
    rng, path, codes = random.Random(kind), tmp_path / f"Guide.{kind}", set()
    for _ in range(100):
        data = bytearray(base)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path.write_bytes(data[:rng.randrange(len(data))] if rng.random() < 0.3 else data)
        try:
            extract(path)
        except SourceError as error:
            assert "Guide." in error.message
            codes.add(error.code)
    assert "file_broken" in codes


def test_a_heading_met_again_is_told_apart_by_its_pages(tmp_path: Path) -> None:
    pages = ["Welcome.", "Shipping takes two days.", "Shipping abroad takes a week."]
    path = make_files.pdf(tmp_path / "Guide.pdf", pages,
                          sections={1: "Shipping", 2: "Shipping"})
    assert titles(extract(path)) == ["Guide (p. 1)", "Shipping", "Shipping (p. 3)"]
