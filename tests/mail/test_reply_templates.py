"""The reply and transcript emails render in every language, escape what people wrote in the
HTML body, keep its line breaks, and say "reply to this email" only when replies come back."""

from __future__ import annotations

from chatserver.mail.render import Brand, render
from chatserver.mail.strings import LANGUAGES

MESSAGES = [{"name": "Al <i>", "time": "2026-12-06 10:00", "type": "agent",
             "text": "Line <b>one</b>\nline & two"},
            {"name": "You", "time": "2026-12-06 10:01", "type": "visitor", "text": "ok"},
            {"name": "", "time": "2026-12-06 10:02", "type": "system",
             "text": "The conversation was closed."}]


def test_reply_and_transcript_render_in_every_language() -> None:
    for name in ("agent_reply", "transcript"):
        subjects, buttons = set(), set()
        for language in LANGUAGES:
            out = render(name, Brand("Acme <Tools>", "#123456", language),
                         messages=MESSAGES, link="https://chat.test/c/abc?x=1&y=2",
                         can_reply=True)
            subjects.add(out.subject)
            assert "Acme <Tools>" in out.subject
            assert f'lang="{language}"' in out.html
            assert "Line &lt;b&gt;one&lt;/b&gt;\nline &amp; two" in out.html
            assert "Al &lt;i&gt;" in out.html and "<b>one" not in out.html
            assert 'href="https://chat.test/c/abc?x=1&amp;y=2"' in out.html
            assert "Line <b>one</b>\nline & two" in out.text
            assert "https://chat.test/c/abc?x=1&y=2" in out.text
            buttons.add(out.html.split('font-weight:600">')[-1].split("</a>")[0])
        assert len(subjects) == len(buttons) == len(LANGUAGES), name


def test_the_reply_hint_only_when_replies_come_back() -> None:
    brand = Brand("Acme", "#123456", "en")
    with_reply = render("agent_reply", brand, messages=MESSAGES[:1], link="https://x/c/1",
                        can_reply=True)
    without = render("agent_reply", brand, messages=MESSAGES[:1], link="https://x/c/1",
                     can_reply=False)
    assert "reply to this email" in with_reply.text and "reply to this email" in with_reply.html
    assert "reply to this email" not in without.text + without.html


def test_the_transcript_shows_system_events_as_small_lines() -> None:
    out = render("transcript", Brand("Acme", "#123456", "en"), messages=MESSAGES,
                 link="https://x/c/1", can_reply=False)
    assert "-- The conversation was closed. (2026-12-06 10:02)" in out.text
    line = out.html.split("The conversation was closed.")[0].rsplit("<p", 1)[1]
    assert "font-size:12px" in line and "color:#71717a" in line
