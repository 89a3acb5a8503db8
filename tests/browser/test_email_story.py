"""The email story end to end, on one server with mail, the reply listener and the outbox's
sender, a real SMTP server on loopback, the simulated clock, and Chromium:

a visitor leaves their email outside business hours → the team is told → an hour later an
agent opens the conversation and replies → the visitor gets one email → they answer it by
email → the answer appears in the agent's open conversation → the visitor opens the email's
link on another device and sees the whole conversation in the widget, and goes on there."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta

import httpx
import pytest

from chatserver import timeutil
from tests.helpers.accounts import PASSWORD
from tests.helpers.browser import Site, Visitor
from tests.helpers.browser_servers import Agent, Servers, mail_server
from tests.helpers.inbound import REPLY_DOMAIN, lmtp_send, reply_email
from tests.helpers.settings import make_settings
from tests.helpers.smtp import SmtpSink, free_port, module_smtp_sink

__all__ = ["module_smtp_sink"]  # a fixture
from tests.helpers.sockets import WS, ws_url

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

BATCH_S = 60.0


@pytest.fixture(scope="module")
def story(db_url: str, tmp_path_factory: pytest.TempPathFactory, module_smtp_sink: SmtpSink,
          site: Site) -> Iterator[tuple[Servers, int]]:
    """This module's chat server (on the suite's database as it is), with mail, the reply
    listener and the sender running: (servers, the listener's port)."""
    settings = make_settings(
        db_url, tmp_path_factory.mktemp("email-story-data"), sessions_per_ip_per_minute=10_000,
        **{**module_smtp_sink.settings(public_url=f"http://127.0.0.1:{free_port()}"),
           "mail_batch_s": BATCH_S, "mail_listen": "127.0.0.1:0",
           "mail_reply_domain": REPLY_DOMAIN,
           # The story's hour passes before Sam accepts: the team's "still waiting" reminder
           # would race the visitor's email (tests/mail covers it); not within a week here.
           "notify_waiting_s": 7 * 24 * 3600})
    with mail_server(settings, listen=True) as running:
        yield running
    timeutil.reset_clock()


def closed_all_week() -> dict[str, list[list[str]]]:
    """Business hours that are never now: one minute a day, twelve hours from now."""
    later = (timeutil.utcnow() + timedelta(hours=12)).strftime("%H")
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return {d: [[f"{later}:00", f"{later}:01"]] for d in days}


def test_a_visitor_who_found_nobody_gets_the_answer_by_email_and_replies_from_anywhere(
        story: tuple[Servers, int], site: Site, module_smtp_sink: SmtpSink,
        visitor: Callable[..., Visitor]) -> None:
    servers, listen_port = story
    http = httpx.Client(base_url=servers.url, timeout=10,
                        headers={"Authorization": f"Bearer {site.admin}"})
    resp = http.post("/api/widgets", json={
        "business_name": "Acme Bikes", "ai_enabled": False, "primary_color": "#0f766e",
        "allowed_origins": [servers.host_origin], "business_hours": closed_all_week(),
        "timezone": "UTC"})
    assert resp.status_code == 201, resp.text
    key = resp.json()["widget"]["site_key"]
    agent_email = f"sam-{uuid.uuid4().hex[:8]}@acme.test"
    user = http.post("/api/auth/register", json={
        "username": agent_email.split("@")[0], "email": agent_email, "password": PASSWORD,
        "role": "agent", "display_name": "Sam"}).json()["user"]
    assert http.put(f"/api/widgets/{key}/agents/{user['id']}").status_code == 200
    before = len(module_smtp_sink.received)

    # 1. A visitor writes outside business hours, asks for a person, leaves their email, and
    #    closes the tab.
    session = http.post(f"/api/widgets/{key}/sessions", json={"visitor_name": "Vera"}).json()
    sid, token = session["session_id"], session["visitor_token"]

    async def visit() -> None:
        ws = await WS.connect(ws_url(servers.url, f"/ws/{sid}"))
        await ws.send({"type": "auth", "token": token, "last_seq": 0})
        await ws.expect("ready")
        await ws.say("My bike's gears slip in third. Can someone look at it?", "v-1")
        await ws.send({"type": "escalate"})
        escalated = await ws.expect("escalated")
        assert escalated["outside_hours"] is True
        await ws.send({"type": "leave_email", "email": "vera@example.org",
                       "note": "Mornings are best"})
        await ws.expect("email_saved")
        ws.close()

    servers.call(visit)

    # 2. The team (the widget's agent and its owner) hears about it at once.
    [team] = module_smtp_sink.wait_for_sync(before + 1)[before:]
    assert sorted(team.recipients) == sorted([agent_email, "root@example.com"])
    assert "vera@example.org" in team.text and "Mornings are best" in team.text
    assert f"{servers.url}/agent/" in team.text

    # 3. An hour later, an agent opens the conversation and replies; the visitor is gone.
    timeutil.advance(3600)
    login = http.post("/api/auth/login", json={"email": agent_email, "password": PASSWORD})
    sam = Agent(servers, user["id"], login.json()["token"])
    sam.connect()
    assert sam.accept(sid)["session"]["status"] == "assigned"
    sam.say(sid, "Hi Vera, that is the cable stretching.")
    sam.say(sid, "Bring it in any morning this week and we'll adjust it for free.")

    # 4. After the batch window, exactly one email reaches the visitor with both messages.
    timeutil.advance(BATCH_S + 1)
    mail = module_smtp_sink.wait_for_sync(before + 2)[-1]
    assert mail.recipients == ["vera@example.org"]
    assert "the cable stretching" in mail.text and "any morning this week" in mail.text
    assert mail.message["From"].addresses[0].display_name == "Acme Bikes"
    reply_to = mail.message["Reply-To"].addresses[0].addr_spec
    assert reply_to.startswith("reply+") and reply_to.endswith("@" + REPLY_DOMAIN)
    link = re.search(r"http://127\.0\.0\.1:\d+/c/[A-Za-z0-9_-]+", mail.text)
    assert link is not None and link.group(0) in mail.html

    # 5. The visitor answers the email; it lands in Sam's open conversation, without the quote.
    answer = "Great, I'll come by Thursday at 9."
    out = servers.run(lmtp_send(listen_port, [reply_to], reply_email(
        reply_to, answer, sender="Vera <vera@example.org>",
        message_id=f"<{uuid.uuid4().hex}@mail.example.org>")))
    assert out.data[0].startswith("250"), out
    got = sam.expect("message", session_id=sid, sender_type="visitor")
    assert got["text"] == answer

    # 6. On another device, the email's link opens the whole conversation in the widget, and
    #    the visitor goes on there; Sam gets it too.
    page = visitor().page
    page.goto(link.group(0))
    widget = page.locator("parley-widget")
    for text in ("gears slip in third", "the cable stretching", "any morning this week",
                 "Thursday at 9"):
        expect(widget.locator(".pw-msg", has_text=text).first).to_be_visible()
    box = widget.locator("textarea.pw-input")
    box.fill("See you then!")
    box.press("Enter")
    got = sam.expect("message", session_id=sid, sender_type="visitor")
    assert got["text"] == "See you then!"
    assert len(module_smtp_sink.received) == before + 2  # nothing else was mailed
    sam.close()
    http.close()
