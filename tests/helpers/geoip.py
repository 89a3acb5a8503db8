"""A small GeoIP country database (.mmdb) for tests, built with mmdb-writer: 81.2.69.0/24 is
the United Kingdom, 89.160.20.0/24 and 2001:db8:1::/48 Sweden (MaxMind's own test ranges)."""

from __future__ import annotations

from pathlib import Path

import pytest


def country_mmdb(path: Path) -> Path:
    mmdb_writer = pytest.importorskip("mmdb_writer")
    from netaddr import IPSet

    writer = mmdb_writer.MMDBWriter(ip_version=6, ipv4_compatible=True,
                                    database_type="GeoIP2-Country", languages=["en"])
    writer.insert_network(IPSet(["81.2.69.0/24"]), {
        "country": {"iso_code": "GB", "names": {"en": "United Kingdom", "fr": "Royaume-Uni"}}})
    writer.insert_network(IPSet(["2001:db8:1::/48", "89.160.20.0/24"]), {
        "country": {"iso_code": "SE", "names": {"en": "Sweden"}}})
    writer.to_db_file(str(path))
    return path
