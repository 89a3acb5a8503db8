"""The SSRF guard: addresses that are not public are refused before any connection is
opened (unless allowlisted), every redirect hop is checked, and the request goes to the
checked address (the name is never resolved again). Only the loopback site is reached."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import httpx
import pytest
import tornado.ioloop

from chatserver.config import Settings
from chatserver.net.guard import (
    Fetched,
    FetchPolicy,
    fetch,
    new_client,
    policy_from_setting,
    refusal,
    resolve,
)
from chatserver.sources.document import SourceError
from tests.helpers.site import HOST, LOOPBACK, Site, site_fixture  # noqa: F401 - `site`

pytestmark = pytest.mark.once

LOOPBACK_ONLY = (ipaddress.ip_network("127.0.0.1/32"),)


class Recorder:
    """Every request the client was asked to send (an httpx event hook, called before the
    connection is opened): a refused URL must leave this empty."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    async def __call__(self, request: httpx.Request) -> None:
        self.urls.append(str(request.url))


@pytest.fixture
def recorded(io_loop: tornado.ioloop.IOLoop) -> Iterator[tuple[httpx.AsyncClient, Recorder]]:
    recorder = Recorder()
    client = new_client()
    client.event_hooks["request"] = [recorder]
    yield client, recorder
    io_loop.run_sync(client.aclose)


async def get(url: str, client: httpx.AsyncClient, policy: FetchPolicy,
              max_bytes: int = 1_000_000, timeout_s: float = 5.0) -> Fetched:
    return await fetch(url, client=client, policy=policy, max_bytes=max_bytes,
                       timeout_s=timeout_s)


async def refused(url: str, client: httpx.AsyncClient, policy: FetchPolicy) -> SourceError:
    with pytest.raises(SourceError) as caught:
        await get(url, client, policy)
    return caught.value


@pytest.mark.parametrize(("address", "why"), [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("10.1.2.3", "private"), ("172.16.5.4", "private"), ("192.168.1.1", "private"),
    ("fd12:3456::1", "private"), ("100.64.0.1", "shared (CGNAT)"), ("0.0.0.0", "unspecified"),
    ("::", "unspecified"), ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"), ("192.0.2.7", "private"), ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:10.0.0.5", "private"), ("2002:a9fe:a9fe::1", "link-local"),
    ("64:ff9b::a01:203", "private")])
def test_addresses_that_are_not_public_are_refused(address: str, why: str) -> None:
    assert refusal(ipaddress.ip_address(address)) == f"a {why} address"


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111",
                                     "::ffff:93.184.216.34"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(("url", "why"), [
    ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://[::1]/", "::1 is a loopback address"),
    ("http://10.1.2.3/admin", "10.1.2.3 is a private address"),
    ("http://192.168.0.10/", "192.168.0.10 is a private address"),
    ("http://2130706433/", "resolves to a loopback address 127.0.0.1"),  # 127.0.0.1 in decimal
    (f"http://{HOST}/", f"{HOST} resolves to a loopback address 127.0.0.1"),
])
async def test_private_targets_are_refused_before_connecting(
        url: str, why: str, site: Site,
        recorded: tuple[httpx.AsyncClient, Recorder]) -> None:
    client, recorder = recorded

    async def resolver(host: str, port: int) -> list[str]:
        # The decimal form goes to the system's resolver (numeric: no query leaves the host).
        return ["127.0.0.1"] if host == HOST else await resolve(host, port)

    error = await refused(url, client, FetchPolicy(resolver=resolver))
    assert error.code == "url_refused"
    assert why in error.message and "PARLEY_FETCH_ALLOW" in error.message
    assert recorder.urls == [] and site.requests == []


async def test_a_name_with_one_private_address_among_public_ones_is_refused(
        recorded: tuple[httpx.AsyncClient, Recorder]) -> None:
    client, recorder = recorded

    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.5"]

    error = await refused("https://shop.example/", client, FetchPolicy(resolver=resolver))
    assert error.code == "url_refused"
    assert "resolves to a private address 10.0.0.5" in error.message
    assert recorder.urls == []


@pytest.mark.parametrize(("url", "code"), [
    ("ftp://files.example.org/x", "url_invalid"), ("file:///etc/passwd", "url_invalid"),
    ("javascript:alert(1)", "url_invalid"), ("http://", "url_invalid"),
    ("not a url", "url_invalid"), ("http://user:secret@shop.example/", "url_refused"),
    ("http://shop.example:8080/", "url_refused"), ("http://shop.example:99999/", "url_invalid"),
])
async def test_bad_urls_and_other_ports_are_refused(
        url: str, code: str, recorded: tuple[httpx.AsyncClient, Recorder]) -> None:
    client, recorder = recorded

    async def public(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]

    error = await refused(url, client, FetchPolicy(resolver=public))
    assert error.code == code, error.message
    assert recorder.urls == []


async def test_an_allowlisted_network_reaches_the_site_at_the_checked_address(
        site: Site, recorded: tuple[httpx.AsyncClient, Recorder]) -> None:
    client, recorder = recorded
    policy = FetchPolicy(allow_networks=LOOPBACK_ONLY, resolver=site.resolver)
    page = await get(site.url("/shipping"), client, policy)
    assert (page.url, page.status, page.content_type) == (site.url("/shipping"), 200,
                                                           "text/html")
    assert b"Orders over 50 euros ship free" in page.body
    # Sent to the address (shop.test resolves nowhere else), the name in the Host header.
    assert recorder.urls == [f"http://{LOOPBACK}:{site.port}/shipping"]
    assert site.requests == [(f"{HOST}:{site.port}", "/shipping")]


async def test_an_allowlisted_host_name_is_reached_and_others_are_not(
        site: Site, recorded: tuple[httpx.AsyncClient, Recorder]) -> None:
    client, _ = recorded
    policy = policy_from_setting(Settings(fetch_allow=f"{HOST}").fetch_allow_rules,
                                 site.resolver)
    assert (await get(site.url("/about"), client, policy)).status == 200
    error = await refused(site.url("/about", host="elsewhere.test"), client, policy)
    assert error.code == "url_refused"
    assert "elsewhere.test resolves to a loopback address" in error.message
    assert site.paths() == ["/about"] and site.paths("elsewhere.test") == []


async def test_redirects_are_followed_and_each_hop_checked(
        site: Site, recorded: tuple[httpx.AsyncClient, Recorder]) -> None:
    client, recorder = recorded
    policy = FetchPolicy(allow_networks=LOOPBACK_ONLY, resolver=site.resolver)
    page = await get(site.url("/old"), client, policy)
    assert page.url == site.url("/returns") and b"return any piece" in page.body
    for path, why in [("/to-private", "10.1.2.3 is a private address"),
                      ("/to-metadata", "169.254.169.254 is a link-local address")]:
        recorder.urls.clear()
        error = await refused(site.url(path), client, policy)
        assert error.code == "url_refused" and why in error.message
        assert recorder.urls == [f"http://{LOOPBACK}:{site.port}{path}"]  # the first hop only
    assert (await refused(site.url("/to-ftp"), client, policy)).code == "url_refused"
    loop = await refused(site.url("/loop"), client, policy)
    assert loop.code == "too_many_redirects"
    assert site.paths().count("/loop") == 6  # the request and five redirects


async def test_a_redirect_the_caller_refuses_is_not_followed(
        site: Site, recorded: tuple[httpx.AsyncClient, Recorder]) -> None:
    client, _ = recorded
    policy = FetchPolicy(allow_networks=LOOPBACK_ONLY, resolver=site.resolver)
    with pytest.raises(SourceError) as caught:
        await fetch(site.url("/away"), client=client, policy=policy, max_bytes=100_000,
                    timeout_s=5, redirect_ok=lambda url: url.startswith(site.url("/")))
    assert caught.value.code == "redirect_not_followed"
    assert site.paths("elsewhere.test") == []


async def test_errors_of_the_site_have_their_codes(
        site: Site, recorded: tuple[httpx.AsyncClient, Recorder]) -> None:
    client, _ = recorded
    policy = FetchPolicy(allow_networks=LOOPBACK_ONLY, resolver=site.resolver)
    missing = await refused(site.url("/missing"), client, policy)
    assert (missing.code, missing.fields) == ("http_error", {"status": "404"})
    with pytest.raises(SourceError) as big:
        await get(site.url("/big"), client, policy, max_bytes=10_000)
    assert big.value.code == "page_too_large"
    with pytest.raises(SourceError) as slow:
        await get(site.url("/slow"), client, policy, timeout_s=0.3)
    assert slow.value.code == "url_timeout"
    unknown = await refused(site.url("/", host="nowhere.test"), client, policy)
    assert unknown.code == "url_unreachable"


def test_the_allowlist_setting_is_parsed_and_checked() -> None:
    nets, hosts = Settings(fetch_allow="127.0.0.1/32, Intranet.Local., .corp.example, "
                                       "fd00::/8").fetch_allow_rules
    assert [str(n) for n in nets] == ["127.0.0.1/32", "fd00::/8"]
    assert hosts == {"intranet.local", ".corp.example"}
    policy = policy_from_setting((nets, hosts))
    assert policy.host_allowed("wiki.corp.example") and not policy.host_allowed("corp.example")
    with pytest.raises(ValueError, match=r"10\.0\.0\.0/33"):
        Settings(fetch_allow="10.0.0.0/33").fetch_allow_rules  # noqa: B018


async def test_only_allowed_refuses_public_addresses_and_unlisted_names_unresolved() -> None:
    asked: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    policy = FetchPolicy(allow_hosts=frozenset({"intranet.test"}), resolver=resolver,
                         only_allowed=True)
    for url, host in (("http://93.184.215.14/", "93.184.215.14"),
                      ("http://example.org/", "example.org")):
        with pytest.raises(SourceError) as refused:
            await policy.addresses(url, host, 80)
        assert refused.value.code == "url_refused"
    assert asked == []  # an unlisted name is refused before it is resolved
    assert await policy.addresses("http://intranet.test/", "intranet.test", 80) == ["127.0.0.1"]
