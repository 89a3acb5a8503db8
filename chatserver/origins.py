"""Origin rules and the client's address, shared by public REST endpoints and sockets.

Exact ``scheme://host[:port]`` match; an empty allowlist means only the server's own origin;
a request without an ``Origin`` header (a server-side client) is not refused for that alone:
the token is the authentication.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable

import tornado.httputil

from chatserver.config import Settings


def own_origins(request: tornado.httputil.HTTPServerRequest, settings: Settings,
                trusted_proxy: bool) -> set[str]:
    """The origins this server is reached at: the public URL, or the request's own host."""
    if settings.public_url:
        return {settings.public_url.rstrip("/").lower()}
    proto = request.protocol
    if trusted_proxy:
        proto = request.headers.get("X-Forwarded-Proto", proto).split(",")[0].strip() or proto
    host = request.headers.get("X-Forwarded-Host", request.host) if trusted_proxy else request.host
    return {f"{proto}://{host}".lower()}


def origin_allowed(origin: str | None, allowed: Iterable[str], own: set[str]) -> bool:
    if origin is None:
        return True
    origin = origin.strip().lower()
    return origin in own or origin in {o.lower() for o in allowed}


def request_origin_allowed(request: tornado.httputil.HTTPServerRequest, settings: Settings,
                           allowed: Iterable[str]) -> bool:
    """The request's Origin (none: allowed) is this server's own or in the allowlist."""
    own = own_origins(request, settings, from_trusted_proxy(request, settings))
    return origin_allowed(request.headers.get("Origin"), allowed, own)


def _trusted(addr: str, settings: Settings) -> bool:
    return _in_networks(addr, settings.trusted_proxy_networks)


@functools.lru_cache(maxsize=4096)  # every request asks of its peer: parsing it was 4 us
def _in_networks(addr: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
                 ) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def from_trusted_proxy(request: tornado.httputil.HTTPServerRequest, settings: Settings) -> bool:
    return _trusted(request.remote_ip or "", settings)


def client_ip(request: tornado.httputil.HTTPServerRequest, settings: Settings) -> str:
    """The client's address: X-Forwarded-For is believed only from a trusted proxy."""
    peer = request.remote_ip or ""
    forwarded = request.headers.get("X-Forwarded-For")
    if not forwarded or not from_trusted_proxy(request, settings):
        return peer

    def trusted(addr: str) -> bool:
        return _trusted(addr, settings)

    # Walk from the nearest hop back; the first untrusted address is the client.
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        if not trusted(hop):
            return hop
    return hops[0] if hops else peer
