"""What every table declaration shares (db/schema.py, db/tables_privacy.py): the metadata and its
naming convention, the table options, and column types that need more than SQLAlchemy gives."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, LargeBinary, MetaData, func
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator, TypeEngine

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata: MetaData = MetaData(naming_convention=NAMING)

# SQLite only autoincrements an INTEGER PRIMARY KEY.
BigId: TypeEngine[int] = BigInteger().with_variant(Integer, "sqlite")
# Microsecond timestamps on MariaDB (its DATETIME keeps whole seconds by default); always UTC.
Timestamp: TypeEngine[datetime] = DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql",
                                                           "mariadb")


TABLE_ARGS: dict[str, Any] = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4",
              "mysql_collate": "utf8mb4_unicode_ci"}
# Tables with an integer id: an id is never given twice, or whatever still names the old row
# (a token, a socket's subscription, a message's sender) would name the new one. SQLite
# without AUTOINCREMENT reuses the highest deleted id; InnoDB keeps its counter (persistent
# across restarts since MariaDB 10.2.4).
ID_TABLE_ARGS: dict[str, Any] = {**TABLE_ARGS, "sqlite_autoincrement": True}


class _HexBlob(TypeDecorator[bytes]):
    """Bytes sent to MariaDB as hex text and UNHEX()ed by the server (written for aiomysql 0.3,
    which could not send a bytes parameter with PyMySQL 1.2; it works on any driver). Read
    back as plain bytes."""

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
