"""clean_text's fast path (str.isprintable, in C) gives what the character-by-character rule
gives, for any text: control, format, surrogate, private-use and unassigned characters go,
newlines and tabs stay in multi-line text, the zero-width joiner stays (emoji sequences)."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from chatserver.validate import clean_text

CONTROL = {"Cc", "Cf", "Cs", "Co", "Cn"}


def by_character(value: str, multiline: bool) -> str:
    keep = "\n\t" if multiline else ""
    return "".join(ch for ch in value if ch in keep or unicodedata.category(ch) not in CONTROL
                   or ch == "\u200d").strip()


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec=None)), st.booleans())
def test_the_fast_path_agrees_with_the_rule(value: str, multiline: bool) -> None:
    assert clean_text(value, multiline=multiline) == by_character(value, multiline)


def test_clean_text_examples() -> None:
    assert clean_text(" hi\nthere\t ") == "hi\nthere"
    assert clean_text("a\nb", multiline=False) == "ab"
    assert clean_text("x\u202ey\x00z\ue000") == "xyz"
    assert clean_text("\U0001f469\u200d\U0001f4bb") == "\U0001f469\u200d\U0001f4bb"
    assert clean_text("a\u00a0b") == "a\u00a0b"
