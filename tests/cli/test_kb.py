"""chatctl kb …, and the demo's knowledge base, on the suite's database (SQLite or MariaDB)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chatserver.demo_knowledge import demo_entries
from tests.helpers.chatctl import Chatctl

MARKDOWN = """\
Text before the first heading is not an entry, nor is a heading with no text.

# Acme help

## When do you ship?

Orders ship within two business days.

## Returns

You may return a bike within 30 days.
Keep the receipt.

### Can I pay by card?

Yes, every major card.
"""

CSV = """\
kind,question,answer,title,body
qa,Do you have a shop?,"Yes, in Lyon.",,
article,,,Warranty,"Two years on frames,
one year on parts."
"""


def _json(result: Any) -> Any:
    return json.loads(result.stdout)


@pytest.fixture
def site_key(chatctl: Chatctl) -> str:
    widget = _json(chatctl.ok("widget", "create", "--business-name", "Acme", "--json"))
    key: str = widget["site_key"]
    return key


@pytest.fixture
def demo_key(chatctl: Chatctl) -> str:
    key: str = _json(chatctl.ok("demo", "--json"))["site_key"]
    return key


def entries(chatctl: Chatctl, site_key: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = _json(chatctl.ok("kb", "list", site_key, "--json"))
    return rows


# -- add, list, delete ------------------------------------------------------------------------


def test_add_list_and_delete(chatctl: Chatctl, site_key: str, tmp_path: Path) -> None:
    assert "0 entries" in chatctl.ok("kb", "list", site_key).stdout
    added = chatctl.ok("kb", "add", site_key, "--question", "Do you ship abroad?",
                       "--answer", "Yes, to all of Europe.")
    assert added.stdout.startswith("added entry ") and "(qa) 'Do you ship abroad?'" in added.stdout

    article = tmp_path / "warranty.md"
    article.write_text("Two years on frames.\n\nOne year on parts.\n", encoding="utf-8")
    created = _json(chatctl.ok("kb", "add", site_key, "--title", "Warranty", "--body-file",
                               str(article), "--kind", "article", "--json"))
    assert created["kind"] == "article"
    assert created["body"] == "Two years on frames.\n\nOne year on parts."
    chatctl.ok("kb", "add", site_key, "--title", "Gift cards?", "--body-file", "-",
               input="Sold in the shop.\n")

    rows = entries(chatctl, site_key)
    assert [(r["kind"], r["title"], r["body"]) for r in rows] == [
        ("qa", "Do you ship abroad?", "Yes, to all of Europe."),
        ("article", "Warranty", "Two years on frames.\n\nOne year on parts."),
        ("qa", "Gift cards?", "Sold in the shop."),
    ]
    table = chatctl.ok("kb", "list", site_key).stdout
    assert "3 entries" in table
    for heading in ("id", "kind", "title", "body"):
        assert heading in table
    assert "Two years on frames. One year on parts." in table  # the preview, on one line
    assert str(rows[1]["id"]) in table

    # Asked, declined: nothing happens. Asked, accepted, or --yes: deleted.
    declined = chatctl("kb", "delete", site_key, str(rows[0]["id"]), input="n\n")
    assert declined.exit_code == 1 and "Delete entry" in declined.stdout
    assert len(entries(chatctl, site_key)) == 3
    done = chatctl.ok("kb", "delete", site_key, str(rows[0]["id"]), input="y\n")
    assert f"deleted entry {rows[0]['id']} (qa) 'Do you ship abroad?'" in done.stdout
    chatctl.ok("kb", "delete", site_key, str(rows[1]["id"]), "--yes")
    assert [r["id"] for r in entries(chatctl, site_key)] == [rows[2]["id"]]


def test_long_bodies_are_previewed(chatctl: Chatctl, site_key: str) -> None:
    chatctl.ok("kb", "add", site_key, "--question", "Long?", "--answer", "word " * 100)
    table = chatctl.ok("kb", "list", site_key).stdout
    assert "word word" in table and "…" in table and "word " * 30 not in table


# -- import -----------------------------------------------------------------------------------


def test_import_markdown(chatctl: Chatctl, site_key: str, tmp_path: Path) -> None:
    path = tmp_path / "faq.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    result = chatctl.ok("kb", "import", site_key, str(path))
    assert result.stdout == f"added 3 entries from {path} to widget {site_key}\n"
    assert [(r["kind"], r["title"], r["body"]) for r in entries(chatctl, site_key)] == [
        ("qa", "When do you ship?", "Orders ship within two business days."),
        ("article", "Returns", "You may return a bike within 30 days.\nKeep the receipt."),
        ("qa", "Can I pay by card?", "Yes, every major card."),
    ]


def test_import_csv(chatctl: Chatctl, site_key: str, tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(CSV, encoding="utf-8")
    assert "added 2 entries" in chatctl.ok("kb", "import", site_key, str(path)).stdout
    assert [(r["kind"], r["title"], r["body"]) for r in entries(chatctl, site_key)] == [
        ("qa", "Do you have a shop?", "Yes, in Lyon."),
        ("article", "Warranty", "Two years on frames,\none year on parts."),
    ]


def test_import_csv_from_excel_and_stdin(chatctl: Chatctl, site_key: str,
                                         tmp_path: Path) -> None:
    # Excel writes a byte order mark and CRLF line ends; the extension says nothing here.
    path = tmp_path / "export.data"
    path.write_bytes("\ufeffQuestion,Answer\r\nIs it open?,Yes\r\n".encode())
    chatctl.fails("kb", "import", site_key, str(path), code=2, message="--format")
    assert "added 1 entry from" in chatctl.ok("kb", "import", site_key, str(path),
                                              "--format", "csv").stdout
    created = _json(chatctl.ok("kb", "import", site_key, "-", "--format", "markdown", "--json",
                               input="## Is it late?\n\nNo.\n"))
    assert [(e["title"], e["body"]) for e in created] == [("Is it late?", "No.")]
    assert "added 1 entry from standard input" in chatctl.ok(
        "kb", "import", site_key, "-", "--format", "csv", input="title,body\nA,b\n").stdout
    assert [r["title"] for r in entries(chatctl, site_key)] == [
        "Is it open?", "Is it late?", "A"]
    chatctl.fails("kb", "import", site_key, "-", code=2, message="--format")


# -- bad input: one line, exit 1 (2 for usage), no traceback, nothing written -----------------


@pytest.mark.parametrize(("name", "content", "message"), [
    ("bad.csv", "title,text\nA,b\n", "bad.csv: the CSV needs question,answer or title,body "
                                     "columns"),
    ("rows.csv", "question,answer\nOne?,Yes\nTwo?,\n", "rows.csv: line 3: body is required"),
    ("kind.csv", "kind,title,body\nqa,A,b\nfaq,C,d\n",
     "kind.csv: line 3: kind must be one of qa, article"),
    ("header-only.csv", "question,answer\n", "header-only.csv: no entries found in the file"),
    ("empty.md", "", "empty.md: no entries found in the file"),
    ("prose.md", "Just some text\nwith no headings.\n", "prose.md: no entries found"),
    ("long.md", "## " + "x" * 600 + "?\n\nanswer\n",
     "long.md: line 1: title must be at most 500 characters"),
    ("latin1.md", "## Caf\xe9?\n\nOui.\n".encode("latin-1"), "latin1.md is not UTF-8 text"),
])
def test_import_rejects_a_bad_file(chatctl: Chatctl, site_key: str, tmp_path: Path, name: str,
                                   content: str | bytes, message: str) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    result = chatctl.fails("kb", "import", site_key, str(path), message=message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert entries(chatctl, site_key) == []


def test_import_of_a_missing_file(chatctl: Chatctl, site_key: str, tmp_path: Path) -> None:
    missing = tmp_path / "nothere.md"
    chatctl.fails("kb", "import", site_key, str(missing),
                  message=f"No such file or directory: {missing}")
    chatctl.fails("kb", "add", site_key, "--question", "Q?", "--body-file", str(missing),
                  message=f"No such file or directory: {missing}")
    chatctl.fails("kb", "import", site_key, str(tmp_path), "--format", "markdown",
                  message="Is a directory")


@pytest.mark.parametrize("command", [
    ["list"], ["add", "--question", "Q?", "--answer", "A"], ["import", "{file}"],
    ["delete", "1", "--yes"], ["try", "is it free?"],
])
def test_unknown_widget(chatctl: Chatctl, tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "faq.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    verb, *rest = command
    args = [a.replace("{file}", str(path)) for a in rest]
    result = chatctl.fails("kb", verb, "NoSuchSiteKey123", *args, message="no such widget")
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_entry(chatctl: Chatctl, site_key: str) -> None:
    chatctl.fails("kb", "delete", site_key, "999999", "--yes", message="no such entry: id 999999")
    chatctl.fails("kb", "delete", site_key, "999999", message="no such entry")  # before asking
    chatctl.fails("kb", "delete", site_key, "seven", code=2, message="not a valid integer")
    # An entry of another widget is not this widget's.
    other = _json(chatctl.ok("widget", "create", "--business-name", "Other", "--json"))
    (entry,) = _json(chatctl.ok("kb", "import", other["site_key"], "-", "--format", "markdown",
                                "--json", input="## Q?\n\nA.\n"))
    chatctl.fails("kb", "delete", site_key, str(entry["id"]), "--yes", message="no such entry")
    assert len(entries(chatctl, other["site_key"])) == 1


def test_add_rejects_bad_input(chatctl: Chatctl, site_key: str) -> None:
    chatctl.fails("kb", "add", site_key, "--question", "  ", "--answer", "A",
                  message="--question/--title is required")
    chatctl.fails("kb", "add", site_key, "--question", "Q?", "--answer", "",
                  message="--answer/--body is required")
    chatctl.fails("kb", "add", site_key, "--question", "x" * 501, "--answer", "A",
                  message="--question/--title must be at most 500 characters")
    chatctl.fails("kb", "add", site_key, "--question", "Q?", code=2,
                  message="--answer/--body or --body-file")
    chatctl.fails("kb", "add", site_key, "--question", "Q?", "--answer", "A", "--body-file", "-",
                  code=2, message="--answer/--body or --body-file")
    chatctl.fails("kb", "add", site_key, "--answer", "A", code=2, message="--question")
    chatctl.fails("kb", "add", site_key, "--question", "Q?", "--answer", "A", "--kind", "faq",
                  code=2, message="'faq' is not one of 'qa', 'article'")
    assert entries(chatctl, site_key) == []


# -- try, on the demo's knowledge base --------------------------------------------------------

# A demo visitor's natural questions, and the entry that answers each.
DEMO_QUESTIONS = [
    ("what is parley?", "What is Parley?"),
    ("how do I add the chat to my website?", "How do I add the chat to my website?"),
    ("How do I embed the widget?", "How do I add the chat to my website?"),
    ("is it free?", "Is Parley free? How much does it cost?"),
    ("How much does it cost?", "Is Parley free? How much does it cost?"),
    ("where is my data stored?", "Where is my data stored?"),
    ("what languages do you support?", "What languages do you speak?"),
    ("Do you speak Spanish?", "What languages do you speak?"),
    ("How do I install Parley?", "How do I install Parley?"),
    ("What are your opening hours?",
     "What are your opening hours? When is the support team available?"),
    ("Do you use cookies?", "Does the chat use cookies? What about privacy?"),
    ("Does it work offline?", "How does the AI assistant work? Does it work offline?"),
    ("How can I contact you by email?", "How can I contact you by email when nobody is online?"),
]


def test_demo_answers_its_questions(chatctl: Chatctl, demo_key: str) -> None:
    # One demo for all the questions: each `chatctl demo` embeds its knowledge base again.
    for question, title in DEMO_QUESTIONS:
        result = _json(chatctl.ok("kb", "try", demo_key, question, "--json"))
        assert result["decision"] == "answer" and result["escalate"] is None, question
        assert result["search"] == "meaning"  # the vectors were computed, as the server would
        best = result["passages"][0]
        assert best["title"] == title and best["match"] == "close" and best["used"], question
        assert result["explanation"] == (f"Found “{title}” — a close match: the assistant "
                                         "would answer with it."), question
        assert result["answer"] == best["text"], question
        text = chatctl.ok("kb", "try", demo_key, question).stdout
        assert f"answer: Found “{title}” — a close match" in text, question
        assert "reply: " + best["text"].split("\n")[0][:40] in text, question
        assert "close match, answered with" in text and "score" not in text, question


def test_demo_declines_what_it_does_not_know(chatctl: Chatctl, demo_key: str) -> None:
    result = _json(chatctl.ok("kb", "try", demo_key, "do you sell pizza?", "--json"))
    assert result["decision"] == "decline" and result["escalate"] is None
    assert "connect you with a person" in result["answer"]
    closest = result["passages"][0]
    assert closest["match"] != "close" and not any(p["used"] for p in result["passages"])
    assert result["explanation"] == (
        f"The closest entry, “{closest['title']}”, is not close enough: the assistant would "
        "say it doesn't know and offer a person.")
    text = chatctl.ok("kb", "try", demo_key, "do you sell pizza?").stdout
    assert f"decline: The closest entry, “{closest['title']}”, is not close enough" in text
    assert "answered with" not in text and "used" not in text


def test_demo_hands_a_request_for_a_person_to_the_team(chatctl: Chatctl, demo_key: str) -> None:
    result = _json(chatctl.ok("kb", "try", demo_key, "can I talk to a human?", "--json"))
    assert result["escalate"] == "explicit_request"
    text = chatctl.ok("kb", "try", demo_key, "can I talk to a human?").stdout
    assert text.startswith("hands off: in a chat, this message goes to a person "
                           "(reason: explicit_request)")


def test_try_on_an_empty_knowledge_base(chatctl: Chatctl, site_key: str) -> None:
    text = chatctl.ok("kb", "try", site_key, "is it free?").stdout
    assert text.startswith("decline: The knowledge base is empty: the assistant would say it "
                           "doesn't know and offer a person.")
    assert "entries found" not in text


def test_try_without_the_embedding_model_searches_by_keywords(
        chatctl: Chatctl, demo_key: str) -> None:
    result = _json(chatctl.ok("kb", "try", demo_key, "is it free?", "--json",
                              env={"PARLEY_AI_DENSE": "0"}))
    assert result["search"] == "keywords" and result["decision"] == "answer"
    assert result["passages"][0]["similarity"] is None


# -- the demo's knowledge base ----------------------------------------------------------------


def test_demo_creates_its_knowledge_base_once(chatctl: Chatctl) -> None:
    expected = demo_entries()
    assert 10 <= len(expected) <= 15
    first = chatctl.ok("demo").stdout
    assert f"widget, knowledge base of {len(expected)} entries)" in first
    key = _json(chatctl.ok("demo", "--json"))["site_key"]
    rows = entries(chatctl, key)
    assert [(r["kind"], r["title"], r["body"]) for r in rows] == [
        (e["kind"], e["title"], e["body"]) for e in expected]
    # Paragraphs are on one line: a chat bubble keeps line breaks.
    assert all("\n" not in p for r in rows for p in r["body"].split("\n\n"))

    second = chatctl.ok("demo").stdout
    assert "already set up" in second
    assert _json(chatctl.ok("demo", "--json"))["created"] == []
    assert entries(chatctl, key) == rows

    # An operator's edits are kept: the demo adds entries only to an empty knowledge base.
    chatctl.ok("kb", "delete", key, str(rows[0]["id"]), "--yes")
    chatctl.ok("demo")
    assert len(entries(chatctl, key)) == len(expected) - 1
    for row in rows[1:]:
        chatctl.ok("kb", "delete", key, str(row["id"]), "--yes")
    assert "knowledge base of" in chatctl.ok("demo").stdout
    assert len(entries(chatctl, key)) == len(expected)
