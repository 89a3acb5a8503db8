"""A signed-in user's own settings, by section: what the agent UI's Settings screen reads and
saves. Each section is one service module; the notifications (services/notify_prefs.py) are
the first, and later features add theirs to SECTIONS."""

from __future__ import annotations

from typing import Any

from chatserver.context import Context
from chatserver.errors import ValidationError
from chatserver.services import notify_prefs

SECTIONS = ("notifications",)


async def get(ctx: Context, user_id: int) -> dict[str, Any]:
    return {"notifications": await notify_prefs.get(ctx, user_id)}


async def update(ctx: Context, user_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Change what the body names (only the keys given; the others stay); every section is
    checked before any is saved. All the settings after the change."""
    unknown = sorted(set(body) - set(SECTIONS))
    if unknown:
        raise ValidationError("unknown setting: " + ", ".join(unknown), code="unknown_setting",
                              fields={k: "is not a setting" for k in unknown})
    notifications = notify_prefs.parse(body.get("notifications", {}))
    return {"notifications": await notify_prefs.update(ctx, user_id, notifications)}
