"""A visitor's data: find it, export it (a ZIP of visitor.json and their files), erase it.

Used by the REST API (api/privacy.py), the admin UI's Privacy page, `chatctl visitors` and the
retention task (services/retention.py). docs/privacy.md says what is exported and erased.

Erasure: open conversations are closed first; then, in ONE transaction, the sessions are
claimed (``erased_at`` set, so a second erasure in another process skips them), every row that
refers to them is deleted (messages, notes, uploads, visitor tokens, context, outbox rows; see
db/privacy.py for the generic walk), the outbox rows addressed to their emails are deleted and
the sessions' personal fields are blanked. The session rows stay (no personal data left) so the
analytics count the same. After the commit, the stored files and thumbnails are deleted and
anything in Redis that names the sessions or the emails. A crash between the commit and the
file deletion leaves files no row refers to: nothing serves a file without its row, so they are
unreachable (``chatctl files purge`` style tools see no row for them either).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import tempfile
import zipfile
from collections.abc import AsyncIterator
from typing import IO, Any

from redis.exceptions import RedisError

from chatserver.bus import RedisBus
from chatserver.context import Context
from chatserver.db import privacy as db
from chatserver.db import widgets as widgets_db
from chatserver.db.privacy import VisitorQuery
from chatserver.db.schema import messages, notes, outbox, session_context, uploads
from chatserver.domain import OPEN
from chatserver.errors import BadRequest, NotFound
from chatserver.services import tracking, upload_admin
from chatserver.services.access import Actor, require_admin
from chatserver.services.audit import record
from chatserver.timeutil import iso, utcnow
from chatserver.validate import is_email

log = logging.getLogger(__name__)

KINDS = ("email", "user_id", "session_id")
SESSION_ID_RE = re.compile(r"^[A-Za-z0-9-]{1,36}$")
EXPORT_FORMAT = "parley.visitor-export"
EXPORT_VERSION = 1
# The session ids an audit entry lists (the count is always there).
AUDIT_IDS_MAX = 50
FILE_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")


def parse_query(params: dict[str, Any]) -> tuple[VisitorQuery, str | None]:
    """Exactly one of email, user_id, session_id; and `widget` (a site key), required with a
    user id. Returns the query (widget unresolved) and the site key. 400 `invalid_query`."""
    given = {k: str(params[k]).strip() for k in KINDS
             if params.get(k) is not None and str(params[k]).strip() != ""}
    if len(given) != 1:
        raise BadRequest("give exactly one of email, user_id, session_id",
                         code="invalid_query", fields={k: "one of these" for k in KINDS})
    kind, value = next(iter(given.items()))
    site_key = (str(params.get("widget") or "").strip()) or None
    if kind == "email" and (len(value) > 255 or not is_email(value)):
        raise BadRequest("not an email address", code="invalid_query",
                         fields={"email": "not an email address"})
    if kind == "user_id" and len(value) > 255:
        raise BadRequest("user id too long", code="invalid_query", fields={"user_id": "too long"})
    if kind == "user_id" and site_key is None:
        raise BadRequest("a user id is one widget's: give the widget too",
                         code="widget_required", fields={"widget": "required with user_id"})
    if kind == "session_id" and not SESSION_ID_RE.match(value):
        raise BadRequest("not a session id", code="invalid_query",
                         fields={"session_id": "not a session id"})
    if site_key is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", site_key):
        raise NotFound("no such widget", code="widget_not_found")
    return VisitorQuery(kind, value.lower() if kind == "email" else value), site_key


def query_hash(q: VisitorQuery) -> str:
    """What the audit log names the visitor by: a short hash, never the email itself."""
    return hashlib.sha256(f"{q.kind}:{q.value}".encode()).hexdigest()[:12]


async def _resolve(ctx: Context, q: VisitorQuery, site_key: str | None) -> VisitorQuery:
    if site_key is None:
        return q
    async with ctx.engine.connect() as conn:
        widget = await widgets_db.by_site_key(conn, site_key)
    if widget is None:
        raise NotFound("no such widget", code="widget_not_found")
    return VisitorQuery(q.kind, q.value, widget["id"])


def _summary(r: Any, counts: dict[str, dict[str, int]]) -> dict[str, Any]:
    c = counts.get(r["id"], {})
    return {"session_id": r["id"], "widget": {"site_key": r["site_key"],
                                              "business_name": r["business_name"]},
            "status": r["status"], "created_at": iso(r["created_at"]),
            "closed_at": iso(r["closed_at"]) if r["closed_at"] else None,
            "visitor_name": r["visitor_name"], "visitor_email": r["visitor_email"],
            "visitor_user_id": r["visitor_user_id"], "verified": bool(r["visitor_verified"]),
            "offline_email": r["offline_email"],
            "messages": c.get("messages", 0), "files": c.get("uploads", 0)}


async def find(ctx: Context, actor: Actor, q: VisitorQuery,
               site_key: str | None = None) -> dict[str, Any]:
    """The conversations a query names, each with its counts of messages and files."""
    require_admin(actor)
    q = await _resolve(ctx, q, site_key)
    async with ctx.engine.connect() as conn:
        ids = await db.session_ids_for(conn, q)
        rows = await db.session_rows(conn, ids)
        counts: dict[str, dict[str, int]] = {}
        for name, table in (("messages", messages), ("uploads", uploads)):
            for r in await db.rows_of(conn, table, ids):
                counts.setdefault(r["session_id"], {}).setdefault(name, 0)
                counts[r["session_id"]][name] += 1
    return {"query": {"kind": q.kind, "value": q.value}, "sessions":
            [_summary(r, counts) for r in rows]}


# --- export --------------------------------------------------------------------------------

def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def file_path(upload: Any) -> str:
    name = FILE_NAME_RE.sub("_", upload["name"]).strip("._")[:100] or "file"
    return f"files/{upload['id']}-{name}"


async def _collect(ctx: Context, q: VisitorQuery, ids: list[str],
                   include_notes: bool) -> tuple[dict[str, Any], list[Any]]:
    async with ctx.engine.connect() as conn:
        rows = await db.session_rows(conn, ids)
        msgs = await db.rows_of(conn, messages, ids, "seq")
        files = await db.rows_of(conn, uploads, ids, "created_at")
        contexts = await db.rows_of(conn, session_context, ids, "session_id")
        mails = await db.rows_of(conn, outbox, ids)
        team_notes = await db.rows_of(conn, notes, ids) if include_notes else []
    by: dict[str, dict[str, list[Any]]] = {sid: {} for sid in ids}
    for name, items in (("messages", msgs), ("files", files), ("context", contexts),
                        ("emails", mails), ("notes", team_notes)):
        for item in items:
            by[item["session_id"]].setdefault(name, []).append(item)
    conversations = []
    for r in rows:
        got = by[r["id"]]
        ctx_row = (got.get("context") or [None])[0]
        info = r["visitor_info"] if isinstance(r["visitor_info"], dict) else {}
        conv: dict[str, Any] = {
            "session_id": r["id"],
            "widget": {"site_key": r["site_key"], "business_name": r["business_name"]},
            "status": r["status"], "resolution": r["resolution"], "rating": r["rating"],
            "created_at": iso(r["created_at"]),
            "closed_at": iso(r["closed_at"]) if r["closed_at"] else None,
            "identity": {"name": r["visitor_name"], "email": r["visitor_email"],
                         "verified": bool(r["visitor_verified"]),
                         "user_id": r["visitor_user_id"]},
            "prechat": info.get("prechat") or {},
            "info": {k: v for k, v in info.items() if k != "prechat"},
            "left_email": {"email": r["offline_email"], "note": r["offline_note"]}
            if r["offline_email"] or r["offline_note"] else None,
            "close_note": r["close_note"],
            "rating_comment": r["rating_comment"],
            "context": None if ctx_row is None else {
                "timezone": ctx_row["timezone"], "language": ctx_row["language"],
                "referrer": ctx_row["referrer"], "pages": ctx_row["pages"],
                "attributes": ctx_row["attributes"], "updated_at": iso(ctx_row["updated_at"])},
            "messages": [{"id": m["id"], "seq": m["seq"], "sender_type": m["sender_type"],
                          "sender_name": m["sender_name"], "text": m["text"],
                          "meta": m["meta"], "created_at": iso(m["created_at"])}
                         for m in got.get("messages", [])],
            "files": [{"id": f["id"], "name": f["name"], "content_type": f["content_type"],
                       "size": f["size"], "sha256": f["sha256"],
                       "uploader_type": f["uploader_type"], "message_id": f["message_id"],
                       "created_at": iso(f["created_at"]), "path": file_path(f)}
                      for f in got.get("files", [])],
            "emails": [{"kind": e["kind"], "recipient": e["recipient"], "status": e["status"],
                        "created_at": iso(e["created_at"]),
                        "sent_at": iso(e["sent_at"]) if e["sent_at"] else None}
                       for e in got.get("emails", [])],
        }
        if include_notes:
            conv["notes"] = [{"author_name": n["author_name"], "text": n["text"],
                              "created_at": iso(n["created_at"])} for n in got.get("notes", [])]
        conversations.append(conv)
    doc = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "exported_at": iso(utcnow()),
           "query": {"kind": q.kind, "value": q.value}, "notes_included": include_notes,
           "conversations": conversations}
    return _json_safe(doc), files


async def export(ctx: Context, actor: Actor, q: VisitorQuery, site_key: str | None = None, *,
                 include_notes: bool = False) -> IO[bytes]:
    """The visitor's archive, a ZIP in a temporary file positioned at its start (the caller
    closes it): visitor.json and files/<upload id>-<name>. 404 `visitor_not_found`."""
    require_admin(actor)
    q = await _resolve(ctx, q, site_key)
    async with ctx.engine.connect() as conn:
        ids = await db.session_ids_for(conn, q)
    if not ids:
        raise NotFound("no conversation of this visitor", code="visitor_not_found")
    doc, files = await _collect(ctx, q, ids, include_notes)
    out = tempfile.TemporaryFile()
    try:
        await _write_zip(ctx, out, doc, files)
    except BaseException:
        out.close()
        raise
    async with ctx.engine.begin() as conn:
        await record(conn, actor, "visitor.export", "visitor", query_hash(q),
                     {"query": q.kind, "sessions": ids[:AUDIT_IDS_MAX],
                      "conversations": len(ids), "files": len(files),
                      "notes_included": include_notes})
    return out


async def _write_zip(ctx: Context, out: IO[bytes], doc: dict[str, Any],
                     files: list[Any]) -> None:
    """Every write (compression is CPU work) runs in a thread, never on the event loop."""
    zf = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)
    try:
        text = json.dumps(doc, ensure_ascii=False, indent=2).encode()
        await asyncio.to_thread(zf.writestr, "visitor.json", text)
        for f in files:
            try:
                chunks = ctx.storage.open(f["storage_key"])
                info = zipfile.ZipInfo(file_path(f))
                info.compress_type = zipfile.ZIP_STORED
                dest = await asyncio.to_thread(zf.open, info, "w")
                try:
                    async for chunk in chunks:
                        await asyncio.to_thread(dest.write, chunk)
                finally:
                    await asyncio.to_thread(dest.close)
            except FileNotFoundError:
                log.warning("export: the file of upload %s is missing from storage", f["id"])
    finally:
        await asyncio.to_thread(zf.close)
    out.seek(0)


async def chunks_of(f: IO[bytes], size: int = 64 * 1024) -> AsyncIterator[bytes]:
    while chunk := await asyncio.to_thread(f.read, size):
        yield chunk


# --- erasure -------------------------------------------------------------------------------

async def _close_open(ctx: Context, ids: list[str]) -> None:
    from chatserver.services import chat  # chat imports much; only erasure needs it here

    async with ctx.engine.connect() as conn:
        rows = await db.session_rows(conn, ids)
    for r in rows:
        if r["status"] in OPEN:
            try:
                await chat.close(ctx, r["id"], by="system")
            except Exception as exc:  # closed meanwhile: erased all the same
                log.info("erasure: closing %s failed: %s", r["id"], type(exc).__name__)


async def erase_sessions(ctx: Context, ids: list[str], *,
                         emails: set[str] | None = None) -> tuple[dict[str, int], list[str]]:
    """Erase these conversations (one transaction), then their files and Redis entries; with
    `emails` (a visitor's erasure), also the outbox rows addressed to any email the
    conversations hold. Idempotent: a session erased before (by anyone) is skipped. Returns the counts and the
    ids this call erased."""
    if not ids:
        return {"sessions": 0}, []
    await _close_open(ctx, ids)
    now = utcnow()
    async with ctx.engine.begin() as conn:
        mine = await db.claim(conn, ids, now)
        rows = await db.session_rows(conn, mine)
        # A visitor's erasure also deletes the emails addressed to them in other conversations;
        # retention (emails None) erases old conversations only.
        found = db.emails_of(rows) | emails if mine and emails is not None else set()
        counts, keys = await db.erase(conn, mine, found, now)
    await upload_admin.delete_objects(ctx, keys)
    counts["files"] = len(keys)
    try:  # the visits that started them, live in memory or Redis (services/tracking.py)
        await tracking.forget_sessions(ctx, mine)
    except (RedisError, OSError) as exc:
        log.warning("erasure: live visits could not be forgotten: %s", type(exc).__name__)
    counts["redis_keys"] = await forget_in_redis(ctx, mine, found)
    return counts, mine


async def erase(ctx: Context, actor: Actor, q: VisitorQuery, site_key: str | None = None, *,
                confirm: str | None = None) -> dict[str, Any]:
    """Erase everything about the visitor a query names. `confirm` (when not None) must repeat
    the email or id (400 `confirmation_mismatch`). 404 `visitor_not_found`."""
    require_admin(actor)
    if confirm is not None and confirm.strip().lower() != q.value.lower():
        raise BadRequest("type the email or id of the visitor to confirm",
                         code="confirmation_mismatch", fields={"confirm": "does not match"})
    q = await _resolve(ctx, q, site_key)
    async with ctx.engine.connect() as conn:
        ids = await db.session_ids_for(conn, q)
    if not ids:
        raise NotFound("no conversation of this visitor", code="visitor_not_found")
    emails: set[str] = {q.value} if q.kind == "email" else set()
    counts, mine = await erase_sessions(ctx, ids, emails=emails)
    async with ctx.engine.begin() as conn:
        await record(conn, actor, "visitor.erase", "visitor", query_hash(q),
                     {"query": q.kind, "sessions": mine[:AUDIT_IDS_MAX], "counts": counts})
    log.info("visitor %s erased: %s", query_hash(q), counts)
    return {"erased": counts, "sessions": mine}


def _text(value: Any) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


async def forget_in_redis(ctx: Context, ids: list[str], emails: set[str]) -> int:
    """Delete what Redis holds (under this installation's prefix) that names these sessions or
    emails, in a key or a value. Parley stores no visitor data there today (pub/sub keeps
    nothing; presence is agents only): this keeps it true if a later feature does."""
    bus = ctx.bus
    needles = [n for n in (*ids, *emails) if n]
    if not isinstance(bus, RedisBus) or not needles:
        return 0
    removed = 0
    try:
        redis = bus.client()
        async for raw in redis.scan_iter(match=bus.prefix + "*", count=500):
            key = _text(raw)
            if any(n in key.lower() for n in needles) or \
                    await _value_names(redis, raw, needles):
                removed += int(await redis.delete(raw))
    except (RedisError, OSError) as exc:
        log.warning("erasure: Redis could not be cleaned: %s", type(exc).__name__)
    return removed


async def _value_names(redis: Any, key: Any, needles: list[str]) -> bool:
    kind = _text(await redis.type(key))
    if kind == "string":
        values = [await redis.get(key)]
    elif kind == "hash":
        values = [x for kv in (await redis.hgetall(key)).items() for x in kv]
    elif kind == "list":
        values = await redis.lrange(key, 0, -1)
    elif kind == "set":
        values = list(await redis.smembers(key))
    elif kind == "zset":
        values = await redis.zrange(key, 0, -1)
    else:
        return False
    return any(n in _text(v).lower() for v in values if v is not None for n in needles)
