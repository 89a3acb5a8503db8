"""Every language has every phrase, with the same placeholders as English; every template
renders in every language."""

from __future__ import annotations

import string

from chatserver.mail.render import TEMPLATES, Brand, render
from chatserver.mail.strings import LANGUAGES, PHRASES


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_phrase_with_the_same_placeholders() -> None:
    for language in LANGUAGES:
        missing = set(PHRASES["en"]) - set(PHRASES[language])
        assert not missing, f"{language} lacks {sorted(missing)}"
        for key, text in PHRASES[language].items():
            assert _fields(text) == _fields(PHRASES["en"][key]), (language, key)


def test_the_test_email_renders_in_each_language_with_the_brand_escaped() -> None:
    subjects = set()
    for language in LANGUAGES:
        out = render("test", Brand("Acme <Tools>", "#123456", language))
        subjects.add(out.subject)
        assert "Acme &lt;Tools&gt;" in out.html and "#123456" in out.html
        assert "Acme <Tools>" in out.text and "<" not in out.text.replace("Acme <Tools>", "")
    assert len(subjects) == len(LANGUAGES)
    assert (TEMPLATES / "layout.html").is_file()
