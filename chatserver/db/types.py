"""Column types the schema shares (chatserver/db/schema.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import LargeBinary, func
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator


class _HexBlob(TypeDecorator[bytes]):
    """Bytes sent to MariaDB as hex text and UNHEX()ed by the server: aiomysql 0.3 cannot
    send a bytes parameter with PyMySQL 1.2 (its Connection.escape calls a helper PyMySQL no
    longer has). Read back as plain bytes."""

    impl = LargeBinary
    cache_ok = True

    def bind_expression(self, bindvalue: Any) -> ColumnElement[Any]:
        return func.unhex(bindvalue)

    def bind_processor(self, dialect: Dialect) -> Any:
        """Hex text (not the impl's bytes processing, which would refuse a str)."""
        def process(value: bytes | None) -> str | None:
            return None if value is None else value.hex()
        return process


Blob = LargeBinary().with_variant(_HexBlob(), "mysql", "mariadb")
