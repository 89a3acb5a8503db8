"""The knowledge base (REST, import) and the offline responder's answers."""

from __future__ import annotations

from typing import Any

import pytest

from chatserver.ai.base import AIRequest, Turn
from chatserver.ai.knowledge import KnowledgeIndex, confident, split_passages
from chatserver.ai.offline import OfflineResponder
from chatserver.services.knowledge import parse_import
from tests.helpers.accounts import admin_and_agent, login, register
from tests.helpers.api import Api
from tests.helpers.knowledge import FAQ_MD

FAQ_CSV = 'question,answer\nDo you repair bikes?,"Yes, our workshop repairs all brands."\n'


def entries() -> list[dict[str, Any]]:
    return [{**e, "id": i} for i, e in enumerate(parse_import(FAQ_MD, "markdown"), 1)]


def test_markdown_and_csv_import() -> None:
    items = parse_import(FAQ_MD, "markdown")
    assert [(i["kind"], i["title"]) for i in items] == [
        ("qa", "What are your opening hours?"), ("qa", "How long does shipping take?"),
        ("qa", "Can I return a bike?"), ("article", "Warranty")]
    assert parse_import(FAQ_CSV, "csv") == [{"kind": "qa", "title": "Do you repair bikes?",
                                             "body": "Yes, our workshop repairs all brands."}]


@pytest.mark.parametrize(("text", "fmt"), [
    ("a,b\n1,2\n", "csv"), ("no headings here", "markdown"), ("x", "pdf"),
    ("question,answer\n," + "x" * 30000 + "\n", "csv")])
def test_bad_imports_are_refused(text: str, fmt: str) -> None:
    from chatserver.errors import ValidationError

    with pytest.raises(ValidationError):
        parse_import(text, fmt)


def test_article_passages_are_split_on_paragraphs_and_length() -> None:
    text = "First paragraph.\n\n" + "Long sentence here. " * 60
    parts = split_passages(text)
    assert parts[0] == "First paragraph." and len(parts) >= 3
    assert all(len(p) <= 600 for p in parts)


@pytest.mark.parametrize(("question", "title"), [
    ("When are you open?", "What are your opening hours?"),
    ("what time do you open on saturday", "What are your opening hours?"),
    ("How long will shipping take to Germany?", "How long does shipping take?"),
    ("can I return my bike", "Can I return a bike?"),
    ("is there a warranty on the frame?", "Warranty"),
])
def test_retrieval_finds_the_right_entry(question: str, title: str) -> None:
    hits = KnowledgeIndex(entries()).search(question)
    assert hits and hits[0].title == title
    assert confident(hits), hits[0]


@pytest.mark.parametrize("question", [
    "Do you sell pizza?", "What's the capital of France?", "Write me a poem about cats",
    "Can you help me with my tax return?"])
def test_out_of_scope_questions_are_not_confident(question: str) -> None:
    assert not confident(KnowledgeIndex(entries()).search(question))


async def _answer(question: str, language: str = "en") -> tuple[str, Any]:
    index = KnowledgeIndex(entries())
    pieces: list[str] = []

    async def emit(text: str) -> None:
        pieces.append(text)

    outcome = await OfflineResponder().respond(AIRequest(
        business_name="Acme Bikes", history=[Turn("visitor", question)],
        passages=index.search(question), settings={}, language=language), emit)
    return "".join(pieces), outcome


async def test_offline_responder_answers_and_declines(io_loop: Any) -> None:
    text, outcome = await _answer("How long does shipping take?")
    assert "2-4 business days" in text and not outcome.no_match and outcome.sources
    text, outcome = await _answer("Do you sell pizza?")
    assert outcome.no_match and "person" in text
    text, outcome = await _answer("¿Venden pizza?", "es")
    assert outcome.no_match and "persona" in text
    text, outcome = await _answer("hello")
    assert "Acme Bikes" in text and not outcome.no_match


async def test_knowledge_rest_endpoints(api: Api) -> None:
    admin, agent, agent_user = await admin_and_agent(api)
    key = (await api.post("/api/widgets", {}, token=admin)).json["widget"]["site_key"]
    base = f"/api/widgets/{key}/knowledge"
    resp = await api.post(f"{base}/import", {"format": "markdown", "content": FAQ_MD},
                          token=admin)
    assert resp.code == 201 and resp.json["count"] == 4
    one = await api.post(base, {"kind": "qa", "title": "Do you rent bikes?",
                                "body": "Yes, from 15 EUR a day."}, token=admin)
    assert one.code == 201
    eid = one.json["entry"]["id"]
    assert len((await api.get(base, token=admin)).json["entries"]) == 5
    tried = await api.post(f"{base}/try", {"question": "can I rent a bike?"}, token=admin)
    assert tried.json["answer"] == "Yes, from 15 EUR a day."
    assert tried.json["passages"][0]["entry_id"] == eid and tried.json["confident"]
    changed = await api.put(f"{base}/{eid}", {"body": "Yes, from 20 EUR a day."}, token=admin)
    assert changed.json["entry"]["body"] == "Yes, from 20 EUR a day."
    tried = await api.post(f"{base}/try", {"question": "can I rent a bike?"}, token=admin)
    assert tried.json["answer"] == "Yes, from 20 EUR a day."  # the index was rebuilt
    assert (await api.delete(f"{base}/{eid}", token=admin)).code == 204
    assert (await api.delete(f"{base}/{eid}", token=admin)).code == 404

    # Agents of the widget may read and try, not change; strangers see nothing.
    await api.put(f"/api/widgets/{key}/agents/{agent_user['id']}", token=admin)
    assert (await api.get(base, token=agent)).code == 200
    assert (await api.post(f"{base}/try", {"question": "hours?"}, token=agent)).code == 200
    assert (await api.post(base, {"title": "x", "body": "y"}, token=agent)).code == 403
    await register(api, "mallory", token=admin)
    mallory = await login(api, "mallory")
    assert (await api.get(base, token=mallory)).code == 404
    bad = await api.post(base, {"kind": "poem", "title": "", "body": "x"}, token=admin)
    assert bad.code == 422 and set(bad.json["error"]["fields"]) == {"kind", "title"}
    bad = await api.post(f"{base}/import", {"format": "csv", "content": "a,b\n1,2"}, token=admin)
    assert bad.code == 422 and bad.error_code == "invalid_import"
