"""docs/security.md's table of what the security tests prove stays complete and true."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def test_every_security_test_is_in_the_table_and_nothing_else() -> None:
    tests = {name for path in HERE.rglob("test_*.py") if path != Path(__file__).resolve()
             for name in re.findall(r"^(?:async )?def (test_\w+)", path.read_text(), re.M)}
    listed = set(re.findall(r"^\|[^|]*\| `(test_\w+)` \|", (ROOT / "docs" / "security.md")
                            .read_text(), re.M))
    assert not sorted(tests - listed), "add to docs/security.md's table: " \
        + ", ".join(sorted(tests - listed))
    assert not sorted(listed - tests), "in docs/security.md but gone: " \
        + ", ".join(sorted(listed - tests))
