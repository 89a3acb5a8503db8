"""`chatctl visitors find|export|erase` and `chatctl privacy retention`: a visitor's
conversations listed, exported to a ZIP, erased after typing the email again (or --yes);
retention set with `widget update --retention-days` and run once; bad input is one line on
stderr with a non-zero exit."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from sqlalchemy import create_engine, update
from sqlalchemy.engine import make_url

from chatserver.db.schema import sessions
from chatserver.timeutil import utcnow
from tests.helpers.chatctl import Chatctl
from tests.helpers.privacy import plant_sync, table_hits_sync


def test_find_export_erase(chatctl: Chatctl, db_url: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _key, v = plant_sync(db_url, data, "zca")
    _key2, other = plant_sync(db_url, data, "zcb")
    table = chatctl.ok("visitors", "find", "--email", v.email.upper()).stdout
    assert "1 conversation" in table and v.session_id in table and v.markers["name"] in table
    found = json.loads(chatctl.ok("visitors", "find", "--session", v.session_id,
                                  "--json").stdout)
    assert found["sessions"][0]["visitor_email"] == v.email

    path = tmp_path / "out.zip"
    chatctl.ok("visitors", "export", "--email", v.email, "-o", str(path))
    with zipfile.ZipFile(path) as zf:
        doc = json.loads(zf.read("visitor.json"))
        conv = doc["conversations"][0]
        assert any(v.markers["msg"] in m["text"] for m in conv["messages"])
        assert zf.read(conv["files"][0]["path"]).endswith(v.markers["content"].encode())
    chatctl.fails("visitors", "export", "--email", v.email, "-o", str(path), message="exists")

    chatctl.fails("visitors", "erase", "--email", v.email, input="wrong@example.org\n",
                  message="not confirmed")
    assert table_hits_sync(db_url, data, [v.markers["msg"]])
    done = chatctl.ok("visitors", "erase", "--email", v.email, input=v.email + "\n").stdout
    assert "erased 1 conversation" in done
    assert table_hits_sync(db_url, data, list(v.markers.values())) == []
    assert table_hits_sync(db_url, data, [other.markers["msg"]])
    chatctl.fails("visitors", "erase", "--email", v.email, "--yes",
                  message="no conversation of this visitor")
    entries = json.loads(chatctl.ok("audit", "--action", "visitor", "--format", "json").stdout)
    assert [e["action"] for e in entries] == ["visitor.erase", "visitor.export"]
    assert v.email not in json.dumps(entries)


def test_bad_input(chatctl: Chatctl) -> None:
    chatctl.fails("visitors", "find", message="give --email, --user-id or --session", code=2)
    chatctl.fails("visitors", "find", "--email", "nope", message="not an email address")
    chatctl.fails("visitors", "find", "--user-id", "42", message="give the widget too")
    chatctl.fails("visitors", "find", "--email", "a@b.org", "--session", "x",
                  message="exactly one")
    chatctl.fails("visitors", "erase", "--session", "abc", "--yes",
                  message="no conversation of this visitor")
    chatctl.fails("visitors", "export", "--session", "abc", "-o", "/nonexistent/x.zip",
                  message="no conversation of this visitor")


def test_retention_setting_and_run(chatctl: Chatctl, db_url: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    key, old = plant_sync(db_url, data, "zco")
    chatctl.fails("widget", "update", key, "--retention-days", "soon", message="never",
                  code=2)
    chatctl.fails("widget", "update", key, "--retention-days", "0", message="retention")
    chatctl.ok("widget", "update", key, "--retention-days", "30")
    assert "30 days" in chatctl.ok("widget", "show", key).stdout
    sync_url = make_url(db_url).set(drivername="mysql+pymysql" if "mysql" in db_url
                                    else "sqlite")
    engine = create_engine(sync_url)
    with engine.begin() as conn:
        conn.execute(update(sessions).where(sessions.c.id == old.session_id)
                     .values(closed_at=utcnow().replace(year=utcnow().year - 1)))
    engine.dispose()
    dry = chatctl.ok("privacy", "retention", "--dry-run").stdout
    assert "would erase 1 conversation" in dry
    assert table_hits_sync(db_url, data, [old.markers["msg"]])
    assert "erased 1 conversation" in chatctl.ok("privacy", "retention").stdout
    assert table_hits_sync(db_url, data, [old.markers["msg"]]) == []
    assert "erased 0 conversations" in chatctl.ok("privacy", "retention").stdout
    chatctl.ok("widget", "update", key, "--retention-days", "never")
    assert "forever" in chatctl.ok("widget", "show", key).stdout
