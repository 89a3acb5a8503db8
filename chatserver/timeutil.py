"""Time helpers. The database stores naive UTC datetimes; the API speaks ISO-8601 with Z."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# Added to the clock: tests move time forward ("an hour later") with `advance`, so whatever
# is due later (a batch of emails, a reminder) becomes due in a running server.
_offset = timedelta()


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None) + _offset


def advance(seconds: float) -> None:
    """Move this process's clock forward (tests only)."""
    global _offset
    _offset += timedelta(seconds=seconds)


def reset_clock() -> None:
    global _offset
    _offset = timedelta()


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"
