"""The team's emails render in every language, both bodies, with what they quote escaped in
HTML and kept as is in text."""

from __future__ import annotations

from chatserver.mail.render import Brand, render
from chatserver.mail.strings import LANGUAGES

VALUES = {
    "team_waiting": {"visitor": "Vera <V>", "email": "v@x.test", "minutes": 7,
                     "first": "Is it <b>on</b>?", "last": "Hello?", "link": "https://h/agent/chats/s1"},
    "team_offline_email": {"visitor": "Vera <V>", "email": "v@x.test", "note": "Call <me>",
                           "lines": [("Visitor", "Is it <b>on</b>?")],
                           "link": "https://h/agent/chats/s1"},
    "team_digest": {"count": 1, "more": 2, "since": "a", "until": "b",
                    "items": [{"visitor": "Vera <V>", "widget": "Acme", "when": "w",
                               "what": "Still waiting", "first": "Is it <b>on</b>?",
                               "link": "https://h/agent/chats/s1"}]},
}


def test_every_team_email_renders_in_every_language() -> None:
    for name, values in VALUES.items():
        subjects = set()
        for language in LANGUAGES:
            out = render(name, Brand("Acme", "#123456", language), **values,
                         settings_link="https://h/agent/settings")
            subjects.add(out.subject)
            assert "\n" not in out.subject
            assert "Is it <b>on</b>?" in out.text and "Is it &lt;b&gt;on&lt;/b&gt;?" in out.html
            assert "<b>on" not in out.html
            for body in (out.text, out.html):
                assert "https://h/agent/chats/s1" in body and "https://h/agent/settings" in body
        assert len(subjects) == len(LANGUAGES), name
