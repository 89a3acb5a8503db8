"""chatctl widget triggers (docs/cli.md): a widget's proactive triggers with their counts."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import create_engine, insert, select
from sqlalchemy.engine import make_url

from chatserver.db.schema import trigger_counts, widget_configs, widget_triggers
from chatserver.timeutil import utcnow
from tests.helpers.chatctl import Chatctl


def _plant(db_url: str, key: str) -> None:
    """Two triggers and their counts, as the admin UI and the widget would leave them."""
    sync_url = make_url(db_url).set(drivername="mysql+pymysql" if "mysql" in db_url
                                    else "sqlite")
    engine = create_engine(sync_url)
    now = utcnow()
    with engine.begin() as conn:
        wid = conn.execute(select(widget_configs.c.id).where(
            widget_configs.c.site_key == key)).scalar_one()
        base = {"widget_id": wid, "open_widget": False, "enabled": True, "created_at": now,
                "updated_at": now, "returning_visitor": False}
        pricing = conn.execute(insert(widget_triggers).values(
            name="pricing", kind="auto", message="Questions about our plans?", url_match="glob",
            url_pattern="/pricing*", delay_s=10, **base)).inserted_primary_key[0]
        conn.execute(insert(widget_triggers).values(
            name="help", kind="js", message="Stuck?", **{**base, "enabled": False}))
        today = now.date()
        conn.execute(insert(trigger_counts).values(
            trigger_id=pricing, day=today, shown=5, opened=2, answered=1))
        conn.execute(insert(trigger_counts).values(
            trigger_id=pricing, day=today - timedelta(days=60), shown=3, opened=0, answered=0))
    engine.dispose()


def test_triggers_are_listed_with_their_counts(chatctl: Chatctl, db_url: str) -> None:
    key = json.loads(chatctl.ok("widget", "create", "--business-name", "Acme",
                                "--json").stdout)["site_key"]
    assert "0 triggers" in chatctl.ok("widget", "triggers", key).stdout
    _plant(db_url, key)
    rows = json.loads(chatctl.ok("widget", "triggers", key, "--json").stdout)
    assert [(t["name"], t["counts"], t["counts_30d"]) for t in rows] == [
        ("pricing", {"shown": 8, "opened": 2, "answered": 1},
         {"shown": 5, "opened": 2, "answered": 1}),
        ("help", {"shown": 0, "opened": 0, "answered": 0},
         {"shown": 0, "opened": 0, "answered": 0})]
    lines = [line.strip() for line in chatctl.ok("widget", "triggers", key).stdout.splitlines()]
    pricing = next(line for line in lines if line.startswith("pricing"))
    assert pricing.split()[:2] == ["pricing", "on"]
    assert "URL matches /pricing*, after 10 s" in pricing
    assert pricing.split()[-4:] == ["8", "2", "1", "5/2/1"]
    helper = next(line for line in lines if line.startswith("help "))
    assert "off" in helper.split() and "Parley.trigger(help)" in helper
    chatctl.fails("widget", "triggers", "no-such-widget", message="no such widget")
