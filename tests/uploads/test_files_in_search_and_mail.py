"""Files beyond the chat: history search finds a conversation by an attached file's name, and
the transcript and agent-reply emails list a message's files by name and size with the
conversation link (never as attachments), in the widget's language."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chatserver.context import Context
from chatserver.mail.strings import LANGUAGES, file_size
from chatserver.timeutil import advance, reset_clock
from tests.helpers.mail_flow import chat_with_alice, until_done
from tests.helpers.smtp import SmtpSink
from tests.helpers.upload_rows import make_upload

BATCH_S = 60.0


@pytest.fixture
def settings_overrides(settings_overrides: dict[str, Any],
                       smtp_sink: SmtpSink) -> dict[str, Any]:
    return {**settings_overrides, **smtp_sink.settings(public_url="https://chat.example.test"),
            "mail_batch_s": BATCH_S, "notify_waiting_s": 0}


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    yield
    reset_clock()


async def test_history_search_finds_a_conversation_by_a_sent_files_name(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    agent = world.agents["alice"]["token"]
    found_sessions = []
    for name in ("Broken_Hinge.JPG", "receipt.pdf"):
        s = await world.session(visitor_name="Vera")
        visitor, _ = await world.visitor(s)
        upload = await make_upload(ctx, s["session_id"], name)
        await visitor.say("see attached", files=[upload])
        found_sessions.append(s["session_id"])
        await visitor.send({"type": "close"})
        await visitor.expect("session_closed")
    # An upload never sent is not part of the conversation: not found by its name.
    unsent = await world.session(visitor_name="Walt")
    await make_upload(ctx, unsent["session_id"], "unsent-hinge.png")
    closer, _ = await world.visitor(unsent)
    await closer.say("bye")
    await closer.send({"type": "close"})
    await closer.expect("session_closed")

    async def search(q: str) -> list[tuple[str, str | None]]:
        resp = await world.api.get(f"/api/agents/history?q={q}", token=agent)
        assert resp.code == 200, resp
        return [(x["session_id"], x["match"]) for x in resp.json["sessions"]]

    assert await search("hinge") == [(found_sessions[0], "Broken_Hinge.JPG")]
    assert await search("RECEIPT") == [(found_sessions[1], "receipt.pdf")]
    assert await search("b_o") == []  # `_` is literal (as a wildcard it would find "bro")
    assert await search("attached") == [(sid, "see attached") for sid in found_sessions[::-1]]


async def test_the_transcript_lists_the_files_with_the_link(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    world = await make_world(business_name="Acme")
    s, alice = await chat_with_alice(world, visitor_email="vera@example.test")
    sid = s["session_id"]
    visitor, _ = await world.visitor(s)
    photo = await make_upload(ctx, sid, "hinge <1>.png", size=2_500_000)
    await visitor.say("", "v-1", files=[photo])
    manual = await make_upload(ctx, sid, "manual.pdf", content_type="application/pdf",
                               size=800, width=None, height=None, thumb=False,
                               uploader_type="agent")
    await alice.say("The manual", "a-1", session_id=sid, files=[manual])
    await visitor.send({"type": "close", "transcript": True})
    await visitor.expect("session_closed")
    mail = (await smtp_sink.wait_for(1))[0]
    assert mail.message["Subject"] == "Your conversation with Acme"
    assert not [p for p in mail.message.walk() if p.get_filename()]  # no attachments
    text = mail.text.replace("\r\n", "\n")
    assert "Files (open the conversation to download them):\n- hinge <1>.png (2.4 MB)" in text
    assert "The manual\nFiles (open the conversation to download them):\n- manual.pdf (800 B)" \
        in text
    assert text.index("hinge <1>.png") < text.index("manual.pdf")
    assert "Open the conversation: https://chat.example.test/c/" in text
    html = mail.html.replace("\r\n", "\n")
    link = text.split("Open the conversation: ", 1)[1].split()[0]
    assert f'<a href="{link}" style="color:' in html
    assert "hinge &lt;1&gt;.png</a> (2.4 MB)" in html and "manual.pdf</a> (800 B)" in html
    await until_done(ctx, outbox_sender, 1)


async def test_an_agent_reply_email_lists_its_files_in_the_widgets_language(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    world = await make_world(business_name="Boutique", language="fr")
    s, alice = await chat_with_alice(world, visitor_email="vera@example.test")
    sid = s["session_id"]
    upload = await make_upload(ctx, sid, "facture.pdf", content_type="application/pdf",
                               size=15_360, width=None, height=None, thumb=False,
                               uploader_type="agent")
    await alice.say("", "a-1", session_id=sid, files=[upload])
    advance(BATCH_S + 1)
    [mail] = await smtp_sink.wait_for(1)
    text = mail.text.replace("\r\n", "\n")
    assert "Fichiers (ouvrez la conversation pour les télécharger) :\n- facture.pdf (15 Ko)" \
        in text
    assert "facture.pdf</a> (15 Ko)" in mail.html
    assert not [p for p in mail.message.walk() if p.get_filename()]
    await until_done(ctx, outbox_sender, 1)


def test_file_sizes_read_naturally_in_each_language() -> None:
    assert [file_size("en", n) for n in (0, 1023, 1024, 1536, 10 * 1048576, 2_500_000)] \
        == ["0 B", "1023 B", "1 KB", "1.5 KB", "10 MB", "2.4 MB"]
    assert file_size("de", 1536) == "1,5 KB" and file_size("fr", 1536) == "1,5 Ko"
    assert len({file_size(lang, 2048) for lang in LANGUAGES}) == 2  # "2 KB" and "2 Ko"
