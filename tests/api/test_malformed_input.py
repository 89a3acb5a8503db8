"""Input the fuzzer (and code review during it) found answered with 500: now clean 4xx."""

from __future__ import annotations

import pytest

from tests.helpers.accounts import register
from tests.helpers.api import Api


async def _admin_and_widget(api: Api) -> tuple[str, str]:
    token = (await register(api, "root"))["token"]
    widget = (await api.post("/api/widgets", {}, token=token)).json["widget"]
    return token, widget["site_key"]


@pytest.mark.parametrize("body", [
    b'{"business_name": "A", "ai_settings": {"temperature": NaN}}',
    b'{"ai_settings": {"temperature": Infinity}}',
    b'{"allowed_origins": ["https://\\ud800.example.com"]}',
    b'{"business_name": "\\udfff"}',
    b"[" * 30000 + b"]" * 30000,
], ids=["nan", "infinity", "lone-surrogate-origin", "lone-surrogate-text", "deep-nesting"])
async def test_json_that_cannot_be_stored_or_answered_is_a_400(api: Api, body: bytes) -> None:
    token, _key = await _admin_and_widget(api)
    resp = await api.post("/api/widgets", body=body, token=token)
    assert resp.code == 400 and resp.error_code == "invalid_json", resp


async def test_a_lone_surrogate_password_is_a_400_not_a_crash(api: Api) -> None:
    token, _key = await _admin_and_widget(api)
    resp = await api.post("/api/auth/register", token=token, body=(
        b'{"username": "zed", "email": "zed@example.com", "password": "\\ud800abcdefgh"}'))
    assert resp.code == 400 and resp.error_code == "invalid_json", resp


async def test_escaped_astral_characters_are_still_accepted(api: Api) -> None:
    token, _key = await _admin_and_widget(api)
    resp = await api.post("/api/widgets", body=b'{"business_name": "Caf\\u00e9 \\ud83d\\ude00"}',
                          token=token)
    assert resp.code == 201 and resp.json["widget"]["business_name"] == "Café 😀", resp


async def test_non_ascii_digits_in_ids_and_numbers_are_not_numbers(api: Api) -> None:
    token, key = await _admin_and_widget(api)
    session = (await api.post(f"/api/widgets/{key}/sessions", {}, token="")).json
    assert (await api.get("/api/auth/users/%C2%B2", token=token)).error_code == "user_not_found"
    assert (await api.put(f"/api/widgets/{key}/agents/%D9%A3",
                          token=token)).error_code == "user_not_found"
    resp = await api.get(f"/api/widgets/{key}/sessions/{session['session_id']}/messages"
                         "?after_seq=%C2%B2", token=session["visitor_token"])
    assert resp.code == 400 and resp.json["error"]["fields"] == {"after_seq": "must be an integer"}


async def test_an_unparseable_page_url_is_a_422(api: Api) -> None:
    _token, key = await _admin_and_widget(api)
    resp = await api.post(f"/api/widgets/{key}/sessions", {"page_url": "http://["}, token="")
    assert resp.code == 422 and resp.json["error"]["fields"] == {
        "page_url": "must be an http(s) URL"}, resp


async def test_a_405_lists_the_allowed_methods(api: Api) -> None:
    resp = await api.request("TRACE", "/api/widgets")
    assert resp.code == 405 and resp.error_code == "method_not_allowed"
    assert resp.headers["Allow"] == "GET, POST"
    resp = await api.request("DELETE", "/api/widgets/some-key/config")
    assert resp.headers["Allow"] == "GET, OPTIONS"
