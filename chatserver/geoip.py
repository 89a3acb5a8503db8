"""A visitor's country from their IP address, read from a MaxMind database file
(PARLEY_GEOIP_DB: a GeoIP2 or GeoLite2 Country or City .mmdb) with the `maxminddb` package.

The file is opened once per process and memory-mapped: a lookup is a few microseconds of
reading, cheap enough for the event loop. No file configured, a file that cannot be opened,
an address that is private or unknown: no country, nothing fails (a bad file is logged once).
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any, TypedDict

log = logging.getLogger(__name__)


class Country(TypedDict):
    code: str  # ISO 3166-1 alpha-2, "FR"
    name: str | None  # in English, "France"


class GeoIP:
    """One database file, opened on first use (never again after a failure)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._reader: Any = None
        self._failed = not path

    def _open(self) -> Any:
        if self._reader is None and not self._failed:
            try:
                import maxminddb

                self._reader = maxminddb.open_database(self.path, maxminddb.MODE_MMAP)
            except (OSError, ValueError, RuntimeError) as exc:  # missing, unreadable, not MaxMind
                self._failed = True
                log.warning("GeoIP database %s cannot be read (%s): no countries", self.path, exc)
        return self._reader

    def country(self, ip: str) -> Country | None:
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return None
        if not addr.is_global:
            return None
        reader = self._open()
        if reader is None:
            return None
        try:
            found = reader.get(str(addr))
        except (ValueError, TypeError, OSError, RuntimeError):
            return None
        if not isinstance(found, dict):
            return None
        country = found.get("country") or found.get("registered_country")
        if not isinstance(country, dict) or not isinstance(country.get("iso_code"), str):
            return None
        names = country.get("names")
        name = names.get("en") if isinstance(names, dict) else None
        return {"code": country["iso_code"][:2].upper(),
                "name": name if isinstance(name, str) else None}

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
