"""Fetching a URL that a user named without letting them reach what they should not (SSRF).

The invariant: every address a request goes to was checked first. A host name is resolved
here, once per hop (`resolve`, the only place names are resolved); every address it resolves
to is checked against the policy (one bad address refuses the URL, so a name cannot mix a
public and a private address); then the connection goes to the checked address itself, the
name travelling only in the Host header and as the TLS server name (SNI, against which the
certificate is verified). Redirects are followed here, each hop checked the same way, so a
public page cannot bounce the request to 169.254.169.254 or to a name re-bound meanwhile.

Refused unless PARLEY_FETCH_ALLOW lets them through: loopback, private (RFC 1918, fc00::/7),
link-local (169.254/16 with the cloud metadata address, fe80::/10), shared (CGNAT 100.64/10),
unspecified, multicast, reserved and documentation addresses, the same hidden in IPv6
(IPv4-mapped, 6to4, Teredo, NAT64); ports other than 80 and 443; URLs with a user name or
password; schemes other than http and https.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

from chatserver import __version__
from chatserver.sources.document import SourceError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]

USER_AGENT = f"ParleyBot/{__version__} (+https://github.com/parley-chat)"
# Redirects followed per fetch (browsers allow 20; a site needing more than 5 is broken).
MAX_REDIRECTS = 5
DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECTS = {301, 302, 303, 307, 308}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"


async def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, in the resolver's order, each once."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise SourceError(f"{host} could not be resolved ({exc})", code="url_unreachable") \
            from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refusal(address: IPAddress) -> str | None:
    """Why `address` may not be reached ("a private address"), None when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # ::ffff:a.b.c.d is a.b.c.d
            return refusal(address.ipv4_mapped)
        embedded = [address.sixtofour,
                    address.teredo[1] if address.teredo else None,
                    ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
                    if address in _NAT64 else None]
        for inner in embedded:
            if inner is not None and (why := refusal(inner)) is not None:
                return why
    checks = (("loopback", address.is_loopback), ("link-local", address.is_link_local),
              ("unspecified", address.is_unspecified), ("multicast", address.is_multicast),
              ("shared (CGNAT)", address in _CGNAT), ("reserved", address.is_reserved),
              ("private", address.is_private), ("non-public", not address.is_global))
    for name, hit in checks:
        if hit:
            return f"a {name} address"
    return None


@dataclass(frozen=True)
class FetchPolicy:
    """What may be fetched: public addresses on ports 80 and 443, plus the allowlisted
    networks and host names (`allow_hosts` entries starting with a dot match subdomains),
    on any port. `resolver` is replaced in tests to point a name at loopback."""

    allow_networks: tuple[IPNetwork, ...] = ()
    allow_hosts: frozenset[str] = frozenset()
    resolver: Resolver = field(default=resolve, compare=False)
    max_redirects: int = MAX_REDIRECTS
    user_agent: str = USER_AGENT
    # Nothing public: only the allowlisted (names are not even resolved unless allowlisted).
    only_allowed: bool = False

    def host_allowed(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return host in self.allow_hosts or any(
            h.startswith(".") and host.endswith(h) for h in self.allow_hosts)

    def network_allowed(self, address: IPAddress) -> bool:
        return any(address.version == n.version and address in n for n in self.allow_networks)

    async def addresses(self, url: str, host: str, port: int) -> list[str]:
        """The checked addresses to connect to for `host`; SourceError url_refused when one
        of them (or the port) may not be reached."""
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            if self.only_allowed and not self.host_allowed(host) and not self.allow_networks:
                raise SourceError(f"{url} is refused: {host} is not in PARLEY_FETCH_ALLOW "
                                  "(PARLEY_FETCH_ONLY_ALLOWED is on)", code="url_refused") \
                    from None
            addresses = [ipaddress.ip_address(a.split("%", 1)[0])
                         for a in await self.resolver(host, port)]
        if self.only_allowed and not self.host_allowed(host) and not all(
                self.network_allowed(a) for a in addresses):
            raise SourceError(f"{url} is refused: {host} is not in PARLEY_FETCH_ALLOW "
                              "(PARLEY_FETCH_ONLY_ALLOWED is on)", code="url_refused")
        if not addresses:
            raise SourceError(f"{host} could not be resolved", code="url_unreachable")
        named = self.host_allowed(host)
        literal = str(addresses[0]) == host
        for address in addresses:
            why = None if named or self.network_allowed(address) else refusal(address)
            if why is not None:
                what = why if literal else f"resolves to {why} {address}"
                raise SourceError(f"{url} is refused: {host} {'is ' * literal}{what} (set "
                                  "PARLEY_FETCH_ALLOW to allow it)", code="url_refused")
        if port not in DEFAULT_PORTS.values() and not named and not all(
                self.network_allowed(a) for a in addresses):
            raise SourceError(f"{url} is refused: port {port} (only 80 and 443 unless "
                              "PARLEY_FETCH_ALLOW lists the host)", code="url_refused")
        return [str(a) for a in addresses]


def policy_from_setting(rules: tuple[tuple[IPNetwork, ...], frozenset[str]],
                        resolver: Resolver = resolve, *, only_allowed: bool = False
                        ) -> FetchPolicy:
    """A policy from Settings.fetch_allow_rules (PARLEY_FETCH_ALLOW, parsed) and
    PARLEY_FETCH_ONLY_ALLOWED."""
    return FetchPolicy(allow_networks=rules[0], allow_hosts=rules[1], resolver=resolver,
                       only_allowed=only_allowed)


@dataclass(frozen=True)
class Fetched:
    """A response: the final URL (after redirects), its status (2xx), its media type in
    lower case without parameters ("text/html"), and its body (decoded from gzip etc.)."""

    url: str
    status: int
    content_type: str
    body: bytes


def new_client() -> httpx.AsyncClient:
    """The client to fetch with: no proxy from the environment (it would connect for us, to
    addresses we did not check), no automatic redirects, no cookies kept between sites."""
    return httpx.AsyncClient(trust_env=False, follow_redirects=False, cookies=http.cookiejar
                             .CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[])))


def parse_url(url: str) -> httpx.URL:
    """`url` if it is an absolute http(s) URL without user name, else SourceError."""
    try:
        parsed = httpx.URL(url)
        port = parsed.port
    except (httpx.InvalidURL, ValueError, TypeError):
        raise SourceError(f"{url!r} is not a valid URL", code="url_invalid") from None
    if parsed.scheme not in DEFAULT_PORTS or not parsed.host:
        raise SourceError(f"{url!r} is not an http or https URL", code="url_invalid")
    if parsed.userinfo:
        raise SourceError(f"{url!r} is refused: it carries a user name or password",
                          code="url_refused")
    if port is not None and not 0 < port < 65536:
        raise SourceError(f"{url!r} has an invalid port", code="url_invalid")
    return parsed.copy_with(fragment=None)


async def fetch(url: str, *, client: httpx.AsyncClient, policy: FetchPolicy, max_bytes: int,
                timeout_s: float, redirect_ok: Callable[[str], bool] | None = None) -> Fetched:
    """GET `url` through the guard (module docstring), following redirects (each checked, and
    refused with `redirect_not_followed` when `redirect_ok` says no), within `timeout_s` seconds
    for the whole, body included. A body over `max_bytes` (decoded) is page_too_large."""
    try:
        async with asyncio.timeout(timeout_s):
            return await _follow(parse_url(url), client, policy, max_bytes, timeout_s, redirect_ok)
    except TimeoutError:
        raise SourceError(f"{url} did not answer within {timeout_s:g} s", code="url_timeout",
                          retryable=True) from None


async def _follow(target: httpx.URL, client: httpx.AsyncClient, policy: FetchPolicy,
                  max_bytes: int, timeout_s: float,
                  redirect_ok: Callable[[str], bool] | None) -> Fetched:
    for _ in range(policy.max_redirects + 1):
        reply = await _get(target, client, policy, max_bytes, timeout_s)
        location = reply.headers.get("location")
        if reply.status not in REDIRECTS or location is None:
            return _finish(target, reply)
        try:
            nxt = parse_url(str(target.join(location)))
        except (httpx.InvalidURL, SourceError) as exc:
            raise SourceError(f"{target} redirects to an unusable URL {location!r}: {exc}",
                              code="url_refused") from None
        if redirect_ok is not None and not redirect_ok(str(nxt)):
            raise SourceError(f"{target} redirects to {nxt}, which is not followed (off the "
                              "site, or already fetched)", code="redirect_not_followed")
        target = nxt
    raise SourceError(f"{target} redirects more than {policy.max_redirects} times",
                      code="too_many_redirects")


@dataclass(frozen=True)
class _Reply:
    status: int
    headers: httpx.Headers
    body: bytes


def _finish(target: httpx.URL, reply: _Reply) -> Fetched:
    if not 200 <= reply.status < 300:
        raise SourceError(f"{target} answered HTTP {reply.status}", code="http_error",
                          fields={"status": str(reply.status)},
                          retryable=reply.status >= 500 or reply.status == 429)
    media = reply.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return Fetched(str(target), reply.status, media, reply.body)


async def _get(target: httpx.URL, client: httpx.AsyncClient, policy: FetchPolicy,
               max_bytes: int, timeout_s: float) -> _Reply:
    """One GET of `target` at one of its checked addresses (no redirect followed), its body
    read (at most `max_bytes`)."""
    host = target.raw_host.decode("ascii")
    port = target.port or DEFAULT_PORTS[target.scheme]
    addresses = await policy.addresses(str(target), host, port)
    headers = {"Host": target.netloc.decode("ascii"), "User-Agent": policy.user_agent,
               "Accept": ACCEPT}
    extensions = {"sni_hostname": host} if target.scheme == "https" else {}
    failure: Exception | None = None
    for address in addresses:
        at = target.copy_with(host=address)
        request = client.build_request("GET", at, headers=headers, extensions=extensions,
                                       timeout=timeout_s)
        try:
            response = await client.send(request, stream=True, follow_redirects=False)
        except httpx.TimeoutException:
            raise SourceError(f"{target} did not answer within {timeout_s:g} s",
                              code="url_timeout", retryable=True) from None
        except httpx.ConnectError as exc:
            failure = exc
            continue
        except httpx.HTTPError as exc:
            raise _unreachable(target, exc) from None
        try:
            return _Reply(response.status_code, response.headers,
                          await _read(target, response, max_bytes))
        finally:
            await response.aclose()
    assert failure is not None  # addresses is never empty
    raise _unreachable(target, failure)


async def _read(target: httpx.URL, response: httpx.Response, max_bytes: int) -> bytes:
    too_large = SourceError(f"{target} is larger than {max_bytes} bytes",
                            code="page_too_large")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes and response.status_code < 300:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                if response.status_code >= 300:  # an error page's body is not needed
                    break
                raise too_large
            chunks.append(chunk)
    except httpx.TimeoutException:
        raise SourceError(f"{target} stopped sending", code="url_timeout",
                          retryable=True) from None
    except httpx.HTTPError as exc:
        raise _unreachable(target, exc) from None
    return b"".join(chunks)


def _unreachable(target: httpx.URL, exc: Exception) -> SourceError:
    reason = str(exc) or type(exc).__name__
    return SourceError(f"{target} could not be reached ({reason})", code="url_unreachable",
                       retryable=True)
