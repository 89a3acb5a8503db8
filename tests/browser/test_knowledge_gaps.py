"""The gap loop in Chromium: visitors ask what the AI does not know (twice in other words);
Alice takes one conversation and answers, then saves her reply with "Save as answer"; the
admin's knowledge editor lists the question under "Unanswered questions" (asked 2×) and the
draft under "Drafts", and publishes it after editing.

Screenshots go to test-artifacts/screenshots/knowledge-gaps-*.png.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from chatserver.api.ui import ADMIN_DIR, AGENT_DIR
from tests.helpers import skip_or_fail
from tests.helpers.accounts import PASSWORD
from tests.helpers.browser import DESKTOP, Site, Visitor
from tests.helpers.browser_servers import Servers
from tests.helpers.inbox import VisitorSocket, make_agent, sign_in
from tests.helpers.inbox import visitors as visitors  # a fixture

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

QUESTION = "Do you sell gift cards?"
ANSWER = "Yes: gift cards from 10 to 200 euros, in the shop and online."


@pytest.fixture(scope="module", autouse=True)
def uis_built() -> None:
    if not (AGENT_DIR / "index.html").exists() or not (ADMIN_DIR / "index.html").exists():
        skip_or_fail("the agent inbox or the admin UI is not built (make build)")


def test_a_reply_saved_as_answer_is_reviewed_and_published_by_the_admin(
        site: Site, servers: Servers, visitor: Callable[..., Visitor],
        visitors: Callable[..., VisitorSocket]) -> None:
    key = site.widget(business_name="Acme", ai_enabled=True)
    alice = make_agent(site, key, "Alice")
    other = visitors(key)
    other.say("Can I buy a gift card?")
    assert other.expect("message", sender_type="ai")["offer"] == "person"
    asking = visitors(key)
    asking.say(QUESTION)
    assert asking.expect("message", sender_type="ai")["offer"] == "person"

    # Alice takes the conversation and answers.
    va = visitor(DESKTOP)
    page = sign_in(va, servers, alice)
    asking.say("yes please")  # to the AI's offer of a person
    queue = page.get_by_test_id("queue")
    expect(queue.locator("li[data-session]")).to_have_count(1)
    page.locator("body").press("a")
    transcript = page.get_by_test_id("transcript")
    expect(transcript).to_contain_text(QUESTION)
    composer = page.get_by_test_id("composer")
    composer.fill(ANSWER)
    composer.press("Enter")
    mine = transcript.locator("li[data-sender='agent']", has_text=ANSWER)
    expect(mine).to_be_visible()

    # Only her own replies have the action; it shows on hover.
    expect(transcript.locator("li[data-sender='visitor']").get_by_role(
        "button", name="Save as answer")).to_have_count(0)
    mine.hover()
    mine.get_by_role("button", name="Save as answer").click()
    expect(page.get_by_text("Saved as a draft answer for review")).to_be_visible()
    va.shot("knowledge-gaps-saved")

    # The admin reviews it.
    vb = visitor(DESKTOP)
    admin = vb.page
    admin.goto(servers.url + "/")
    admin.get_by_label("Email").fill("root@example.com")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Hello")
    admin.goto(f"{servers.url}/admin/widgets/{key}/knowledge")
    gaps = admin.get_by_test_id("kb-gaps")
    gap = gaps.get_by_test_id("kb-gap").filter(has_text="gift card")
    expect(gap).to_have_count(1)
    expect(gap.get_by_test_id("kb-gap-count")).to_have_text("asked 2×")
    expect(gap).to_contain_text("2 declined")
    draft = admin.get_by_test_id("kb-draft")
    expect(draft).to_have_count(1)
    expect(draft.get_by_label("Question")).to_have_value(QUESTION)
    expect(draft.get_by_label("Answer")).to_have_value(ANSWER)
    expect(admin.get_by_test_id("kb-entry")).to_have_count(0)  # a draft is not an entry yet
    vb.shot("knowledge-gaps-review")
    draft.get_by_label("Question").fill("Do you sell gift cards or vouchers?")
    draft.get_by_role("button", name="Publish").click()
    expect(admin.get_by_text("Published: the AI answers with it now.")).to_be_visible()
    expect(admin.get_by_test_id("kb-draft")).to_have_count(0)
    entry = admin.get_by_test_id("kb-entry")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Do you sell gift cards or vouchers?")

    # "Add answer" opens the entry form with the question.
    gap.get_by_role("button", name=f"Add an answer to {QUESTION}").click()
    expect(admin.get_by_role("dialog").get_by_role("textbox", name="Question")).to_have_value(
        QUESTION)
