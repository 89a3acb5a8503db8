"""chatctl deploy check: are these settings fit for production?

Each check prints one line, ``ok``, ``warn`` or ``FAIL``, with what to change. The exit status
is 1 when any check fails (with ``--strict``, when any warns too), so a deployment script or
a systemd ``ExecStartPre`` can stop on it. The settings checks need nothing running; the
connection checks (database, its schema, Redis, the widgets' allowed origins) are skipped with
``--offline``.
"""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import click
from rich.markup import escape

from chatserver.config import Settings
from chatserver.db.engine import parse_url
from chatserver.errors import ConfigError
from cli.common import CliState, guarded, out, pass_state

OK, WARN, FAIL = "ok", "warn", "FAIL"
# A secret shorter than this, or one that reads like a placeholder, is not a real secret.
SECRET_MIN_CHARS = 32
PLACEHOLDERS = ("change", "example", "secret", "xxxx", "test", "password", "replace")
# Networks a reverse proxy on the same machine or a private network connects from.
LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass
class Finding:
    level: str
    what: str
    detail: str


def check_settings(s: Settings, sources: dict[str, str], workers: int = 1) -> list[Finding]:
    """Checks that need nothing but the settings."""
    found: list[Finding] = []

    def add(level: str, what: str, detail: str) -> None:
        found.append(Finding(level, what, detail))

    # The secret signs every agent's token: random, long, and the same on every process.
    key = s.secret_key
    if sources.get("secret_key", "default") == "default" or not key:
        add(FAIL, "secret key", "PARLEY_SECRET_KEY is not set (a generated key file is per "
            "machine and lost with the data directory); set it to the output of "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`")
    elif len(key) < SECRET_MIN_CHARS or any(p in key.lower() for p in PLACEHOLDERS):
        add(FAIL, "secret key", f"PARLEY_SECRET_KEY looks like a placeholder or is shorter "
            f"than {SECRET_MIN_CHARS} characters; generate a random one")
    else:
        add(OK, "secret key", f"set ({len(key)} characters)")

    if parse_url(s.effective_database_url).get_backend_name() == "mysql":
        add(OK, "database", "MariaDB")
    else:
        add(FAIL, "database", "SQLite is the embedded default for trying Parley; production "
            "runs on MariaDB: PARLEY_DATABASE_URL=mysql+asyncmy://parley:…@127.0.0.1/parley")

    public = urlsplit(s.public_url) if s.public_url else None
    if public is None:
        add(FAIL, "public URL", "PARLEY_PUBLIC_URL is not set; set the https:// origin visitors "
            "and agents use, e.g. https://chat.example.com")
    elif public.scheme != "https" or not public.hostname:
        add(FAIL, "public URL", f"{s.public_url!r} is not an https:// origin; browsers need TLS "
            "for the widget on https sites and for agents' tokens")
    elif public.path not in ("", "/") or public.query:
        add(FAIL, "public URL", f"{s.public_url!r} has a path; give the origin only")
    else:
        add(OK, "public URL", s.public_url.rstrip("/"))

    behind_proxy = s.host in LOOPBACK
    try:
        proxies = s.trusted_proxy_networks
    except ValueError:
        proxies = ()
    if any(net.prefixlen == 0 for net in proxies):
        add(FAIL, "trusted proxies", "PARLEY_TRUSTED_PROXIES trusts every address: any client "
            "could pick its own IP (rate limits, logs); list the proxy's address only")
    elif behind_proxy and not proxies:
        add(FAIL, "trusted proxies", f"listening on {s.host} (behind a proxy) but "
            "PARLEY_TRUSTED_PROXIES is empty: every visitor would count as the proxy's "
            "address; set it to the proxy's address, e.g. 127.0.0.1")
    elif not behind_proxy and not proxies:
        add(WARN, "trusted proxies", f"listening on {s.host} with no trusted proxy: clients "
            "connect directly; the documented set-up puts nginx in front (docs/deploy.md)")
    else:
        add(OK, "trusted proxies", s.trusted_proxies)

    if s.host in ("0.0.0.0", "::", ""):  # noqa: S104 - warning about it, not binding
        add(WARN, "listen address", f"{s.host or '*'} accepts connections from anywhere; "
            "behind nginx on the same machine listen on 127.0.0.1")

    if workers > 1 and not s.redis_url:
        add(FAIL, "redis", f"{workers} workers need PARLEY_REDIS_URL to share messages, typing "
            "and presence")
    elif s.redis_url:
        add(OK, "redis", "set (several processes share fan-out and presence)")
    else:
        add(OK, "redis", "not set: one process (set PARLEY_REDIS_URL to run several)")

    networks = s.metrics_allow_networks
    if s.metrics_token and len(s.metrics_token) < 16:
        add(WARN, "metrics", "PARLEY_METRICS_TOKEN is short; use a long random token")
    if any(not net.is_loopback and not net.is_private for net in networks):
        add(WARN, "metrics", f"PARLEY_METRICS_ALLOW ({s.metrics_allow}) includes public "
            "addresses")
    elif networks or s.metrics_token:
        add(OK, "metrics", "GET /metrics for " + ", ".join(
            ([s.metrics_allow] if networks else []) + (["a bearer token"]
                                                        if s.metrics_token else [])))

    found += check_mail(s)
    if s.ai_provider == "openai" and not s.ai_api_key:
        add(FAIL, "AI", "PARLEY_AI_PROVIDER=openai needs PARLEY_AI_API_KEY")
    if s.bcrypt_rounds < 12:
        add(WARN, "passwords", f"PARLEY_BCRYPT_ROUNDS={s.bcrypt_rounds} is below 12")
    if s.allow_registration:
        add(WARN, "registration", "PARLEY_ALLOW_REGISTRATION lets anyone create an account")
    if s.demo_page:
        add(WARN, "demo page", "/test-widget.html lets anyone try any widget on this server's "
            "origin; set PARLEY_DEMO_PAGE=false")
    if s.log_format != "json":
        add(WARN, "logs", "PARLEY_LOG_FORMAT=json gives one JSON object per line with request "
            "ids, for journald and log shippers")
    return found


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def check_mail(s: Settings) -> list[Finding]:
    """The mail settings (docs/email.md); nothing when mail is off but a line saying so."""
    if not s.smtp_host:
        return [Finding(OK, "mail", "off: PARLEY_SMTP_HOST is not set, no email is sent")]
    found = [Finding(OK, "mail", f"via {s.smtp_host}:{s.smtp_port} ({s.smtp_tls}), from "
                     f"{s.mail_from}")]
    if s.smtp_tls == "none" and not _loopback(s.smtp_host):
        found.append(Finding(WARN, "mail TLS", f"PARLEY_SMTP_TLS=none to {s.smtp_host}: emails "
                             "(and the SMTP password) cross the network in clear; use "
                             "starttls or tls"))
    if s.smtp_ca_file and not Path(s.smtp_ca_file).is_file():
        found.append(Finding(FAIL, "mail CA file", f"PARLEY_SMTP_CA_FILE {s.smtp_ca_file} is not a "
                             "readable file"))
    if not s.mail_reply_domain:
        found.append(Finding(WARN, "mail replies", "PARLEY_MAIL_REPLY_DOMAIN is empty: replies "
                             "go to PARLEY_MAIL_FROM, not back into the conversation"))
    elif not s.mail_listen:
        found.append(Finding(WARN, "mail replies", "PARLEY_MAIL_LISTEN is empty: nothing "
                             f"receives the replies to reply+…@{s.mail_reply_domain}"))
    if s.mail_listen and not _loopback(s.mail_listen.rpartition(":")[0]):
        found.append(Finding(WARN, "mail listener", f"PARLEY_MAIL_LISTEN={s.mail_listen} is "
                             "not loopback: let only your MTA reach it (listen on 127.0.0.1)"))
    return found


def settings_error(exc: ConfigError) -> list[Finding]:
    """Settings that do not even load (PARLEY_SMTP_HOST without PARLEY_PUBLIC_URL, …)."""
    return [Finding(FAIL, "settings", exc.message)]


async def check_live(s: Settings) -> list[Finding]:
    """Checks that connect: the database and its schema, Redis, the widgets' origins."""
    from sqlalchemy.exc import SQLAlchemyError

    from chatserver.db import migrate
    from chatserver.db import widgets as widgets_db
    from chatserver.db.engine import create_engine

    found: list[Finding] = []
    engine = create_engine(s)
    try:
        async with engine.connect() as conn:
            widgets = await widgets_db.list_widgets(conn)
        current = await migrate.current(s.effective_database_url)
    except (SQLAlchemyError, OSError) as exc:
        found.append(Finding(FAIL, "database connection",
                             f"cannot use the database: {type(exc).__name__}: "
                             f"{str(exc).splitlines()[0][:160]}"))
        return found
    finally:
        await engine.dispose()
    found.append(Finding(OK, "database connection", "reachable"))
    head = migrate.head_revision()
    if current != head:
        found.append(Finding(FAIL, "schema", f"at {current or 'nothing'}, code expects {head}: "
                             "run `chatctl db upgrade`"))
    else:
        found.append(Finding(OK, "schema", f"at head ({head})"))
        if s.smtp_host:
            found.append(await _check_outbox(engine_settings=s))
    if not widgets:
        found.append(Finding(WARN, "widgets", "no widget yet: `chatctl widget create`"))
    for w in widgets:
        origins = list(w["allowed_origins"] or [])
        name = f"widget {w['site_key']}"
        if not origins:
            found.append(Finding(FAIL, name, "no allowed origins: only pages on Parley's own "
                                 "origin can embed it; `chatctl widget update "
                                 f"{w['site_key']} --allowed-origin https://www.example.com`"))
        elif any(o.startswith("http://") and urlsplit(o).hostname not in LOOPBACK
                 for o in origins):
            found.append(Finding(WARN, name, "allows plain-http origins: "
                                 + ", ".join(o for o in origins if o.startswith("http://"))))
        else:
            found.append(Finding(OK, name, "allowed origins: " + ", ".join(origins)))

    if s.redis_url:
        found.append(await _check_redis(s.redis_url))
    if s.smtp_host:
        found.append(await _check_smtp(s))
    return found


async def _check_outbox(engine_settings: Settings) -> Finding:
    from chatserver.db import outbox as outbox_db
    from chatserver.db.engine import create_engine

    engine = create_engine(engine_settings)
    try:
        async with engine.connect() as conn:
            counts = await outbox_db.counts(conn)
    finally:
        await engine.dispose()
    failed, pending = counts.get("failed", 0), counts.get("pending", 0)
    if failed:
        return Finding(WARN, "mail queue", f"{failed} email{'s' if failed != 1 else ''} could "
                       "not be sent: `chatctl mail queue --status failed`, then `chatctl mail "
                       "retry`")
    return Finding(OK, "mail queue", f"no failed email, {pending} waiting")


async def _check_smtp(s: Settings) -> Finding:
    from chatserver.mail.smtp import DeliveryError, check

    try:
        greeting = await check(s.replace(smtp_timeout_s=min(s.smtp_timeout_s, 10.0)))
    except DeliveryError as exc:
        return Finding(FAIL, "smtp connection", f"{s.smtp_host}:{s.smtp_port}: {exc}")
    login = f", logged in as {s.smtp_user}" if s.smtp_user else ""
    return Finding(OK, "smtp connection", f"{s.smtp_host}:{s.smtp_port} answers "
                   f"({greeting[:80]}){login}")


async def _check_redis(url: str) -> Finding:
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        return Finding(FAIL, "redis connection", f"cannot reach {_safe_url(url)}: "
                       f"{type(exc).__name__}")
    finally:
        await client.aclose()
    return Finding(OK, "redis connection", f"{_safe_url(url)} answers")


def _safe_url(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        host = str(ipaddress.ip_address(host))
    except ValueError:
        pass
    return f"{parts.scheme}://{host}{':' + str(parts.port) if parts.port else ''}{parts.path}"


@click.group(short_help="Production checks.")
def deploy() -> None:
    """Checks for running Parley in production (docs/deploy.md)."""


@deploy.command(short_help="Check the settings for production; exit 1 on a problem.")
@click.option("--offline", is_flag=True,
              help="Only the settings: do not connect to the database or Redis.")
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@click.option("--workers", type=int, default=None, envvar="PARLEY_WORKERS",
              help="The --workers the service runs with (default: PARLEY_WORKERS, else 1).")
@pass_state
def check(state: CliState, offline: bool, strict: bool, workers: int | None) -> None:
    """Check the settings (environment, .env file, options) for a production server: a real
    secret key, MariaDB, an https public URL, trusted proxies behind nginx, Redis for several
    processes, metrics access, mail (TLS to a remote SMTP server, a reply domain, a loopback
    listener); then, unless --offline, that the database answers and is migrated, that Redis
    and the SMTP server answer (with the SMTP login), that no email has failed, and that
    every widget lists the origins allowed to embed it.

    Prints one line per check and exits 1 when any check fails (with --strict, also when any
    warns)."""

    def load() -> Settings | ConfigError:
        try:
            return state.settings()
        except ConfigError as exc:  # reported as a failed check, like the others
            return exc

    settings = guarded(load)
    if isinstance(settings, ConfigError):
        _report(settings_error(settings), strict)
        return
    findings = check_settings(settings, state.sources, workers or 1)
    if not offline:
        findings += guarded(lambda: asyncio.run(check_live(settings)))
    _report(findings, strict)


def _report(findings: list[Finding], strict: bool) -> None:
    console = out()
    styles = {OK: "green", WARN: "yellow", FAIL: "bold red"}
    for f in findings:
        console.print(f"[{styles[f.level]}]{f.level:<4}[/] {escape(f.what)}: {escape(f.detail)}",
                      highlight=False, markup=True)
    failed = sum(f.level == FAIL for f in findings)
    warned = sum(f.level == WARN for f in findings)
    verdict = "not ready for production" if failed or (strict and warned) else "ready"
    console.print(f"\n{failed} failed, {warned} warnings: {verdict}", highlight=False)
    if failed or (strict and warned):
        raise SystemExit(1)
