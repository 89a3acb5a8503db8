"""Input checking shared by REST, sockets and the CLI.

A wrong JSON type is a 400 (``invalid_type``); a value of the right type that breaks a rule
is a 422 (``validation_failed``). Both name the offending fields.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import orjson

from chatserver.errors import BadRequest, ValidationError

EMAIL_RE = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$")
_CONTROL = {"Cc", "Cf", "Cs", "Co", "Cn"}


def parse_json(raw: str | bytes) -> Any:
    """Strict JSON, for REST bodies and socket frames alike: NaN and Infinity, nesting deeper
    than 1,024, text that is not valid UTF-8 and a lone surrogate (escaped or not: no
    database or response can encode it) raise ValueError; an integer beyond 64 bits comes
    back as a float. orjson: a fifth of the standard library's time for a chat frame
    (docs/performance.md, section 13)."""
    return orjson.loads(raw)  # its JSONDecodeError is a ValueError


def clean_text(value: str, *, multiline: bool = True) -> str:
    """Trim and strip control characters (newlines and tabs kept when multiline)."""
    plain = value.replace("\n", "").replace("\t", "") if multiline else value
    if plain.isprintable():  # in C: no Cc, Cf, Cs, Co or Cn character (nor Zs but a space)
        return value.strip()
    keep = "\n\t" if multiline else ""
    out = "".join(ch for ch in value if ch in keep or unicodedata.category(ch) not in _CONTROL
                  or ch == "\u200d")
    return out.strip()


def is_email(value: str) -> bool:
    return len(value) <= 254 and bool(EMAIL_RE.match(value))


def whole_number(value: Any, *, maximum: int = 2**31 - 1) -> int | None:
    """The value if it is a whole number from 0 to `maximum` (JSON booleans are not), else
    None: for fields read one by one (socket frames), where `Fields` collects many."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= maximum:
        return value
    return None


class Fields:
    """Reads typed fields from a JSON object, collecting every error before raising once."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.type_errors: dict[str, str] = {}
        self.errors: dict[str, str] = {}

    def has(self, name: str) -> bool:
        return name in self.data

    def _get(self, name: str, kind: type | tuple[type, ...], kind_name: str,
             required: bool) -> Any:
        if name not in self.data or self.data[name] is None:
            if required:
                self.errors[name] = "is required"
            return None
        value = self.data[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.type_errors[name] = f"must be {kind_name}"
            return None
        return value

    def text(self, name: str, *, required: bool = False, max_len: int = 255, min_len: int = 0,
            multiline: bool = False, pattern: re.Pattern[str] | None = None,
            pattern_help: str = "has an invalid format") -> str | None:
        raw: str | None = self._get(name, str, "a string", required)
        if raw is None:
            return None
        value = clean_text(raw, multiline=multiline)
        if required and not value:
            self.errors[name] = "is required"
        elif len(value) > max_len:
            self.errors[name] = f"must be at most {max_len} characters"
        elif len(value) < min_len:
            self.errors[name] = f"must be at least {min_len} characters"
        elif value and pattern is not None and not pattern.match(value):
            self.errors[name] = pattern_help
        return value

    def password(self, name: str, *, required: bool = True) -> str:
        """A secret, taken as typed (never trimmed or cleaned); rules are checked elsewhere."""
        value: str | None = self._get(name, str, "a string", required)
        if required and value == "":
            self.errors[name] = "is required"
        return value or ""

    def email(self, name: str, *, required: bool = False) -> str | None:
        value = self.text(name, required=required, max_len=254)
        if value and name not in self.errors and not is_email(value):
            self.errors[name] = "must be an email address"
        return value.lower() if value else value

    def flag(self, name: str, *, required: bool = False) -> bool | None:
        value: bool | None = self._get(name, bool, "true or false", required)
        return value

    def integer(self, name: str, *, required: bool = False, min: int | None = None,
            max: int | None = None) -> int | None:
        value: int | None = self._get(name, int, "an integer", required)
        if value is None:
            return None
        if (min is not None and value < min) or (max is not None and value > max):
            self.errors[name] = f"must be between {min} and {max}"
        return value

    def number(self, name: str, *, required: bool = False, min: float | None = None,
               max: float | None = None) -> float | None:
        value = self._get(name, (int, float), "a number", required)
        if value is None or isinstance(value, bool):
            if isinstance(value, bool):
                self.type_errors[name] = "must be a number"
            return None
        if (min is not None and value < min) or (max is not None and value > max):
            self.errors[name] = f"must be between {min} and {max}"
        return float(value)

    def choice(self, name: str, choices: tuple[str, ...], *, required: bool = False) -> str | None:
        value: str | None = self._get(name, str, "a string", required)
        if value is not None and value not in choices:
            self.errors[name] = "must be one of " + ", ".join(choices)
            return None
        return value

    def array(self, name: str, *, required: bool = False) -> list[Any] | None:
        value: list[Any] | None = self._get(name, list, "a list", required)
        return value

    def obj(self, name: str, *, required: bool = False) -> dict[str, Any] | None:
        value: dict[str, Any] | None = self._get(name, dict, "an object", required)
        return value

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def check(self) -> None:
        if self.type_errors:
            raise BadRequest("some fields have the wrong type", code="invalid_type",
                             fields={**self.type_errors, **self.errors})
        if self.errors:
            raise ValidationError("some fields are invalid", fields=self.errors)
