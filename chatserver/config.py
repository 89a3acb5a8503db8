"""Settings: the one place that reads the environment.

Every setting has a name, a type, a default and a line of help. The environment variable is
``PARLEY_`` + the name in capitals; an optional ``.env`` file (in the working directory, or
the file named by ``PARLEY_ENV_FILE``) supplies values the environment does not. Every limit
the product enforces is a setting here, so tests and benchmarks can set the ones they need.
"""

from __future__ import annotations

import dataclasses
import functools
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from chatserver.config_checks import validate_mail, validate_storage
from chatserver.errors import ConfigError

ENV_PREFIX = "PARLEY_"
SECRET_FILE = "secret_key"  # noqa: S105 - a file name
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# A host name of PARLEY_FETCH_ALLOW (digits and dots alone are an address, maybe a bad one).
_HOST_NAME = re.compile(r"(?![0-9.]+$)\.?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?")


def _setting(default: Any, help: str, *, secret: bool = False) -> Any:
    return field(default=default, metadata={"help": help, "secret": secret})


# The MariaDB driver Parley runs on: asyncmy, whose protocol is compiled (Cython), costs about
# half of aiomysql's pure-Python CPU per statement (bench/driver.py). URLs naming aiomysql, or
# no driver, are accepted and run on it (db/engine.py), so existing settings keep working.
MYSQL_DRIVER = "mysql+asyncmy"
MYSQL_DRIVERS = frozenset(f"{backend}{driver}" for backend in ("mysql", "mariadb")
                          for driver in ("", "+asyncmy", "+aiomysql"))
DRIVERS = MYSQL_DRIVERS | {"sqlite+aiosqlite"}


@dataclass(frozen=True)
class Settings:
    # Where things live
    data_dir: str = _setting("./data", "Directory for the SQLite database and the generated secret key.")
    database_url: str = _setting(
        "", "SQLAlchemy URL: mysql+asyncmy://user:pass@host/db or sqlite+aiosqlite:///path. "
        "Empty means an SQLite file parley.db in the data directory.", secret=True)
    db_pool_size: int = _setting(10, "Database connection pool size (MariaDB).")
    db_pool_recycle_s: int = _setting(3600, "Seconds after which a pooled connection is replaced.")
    db_connect_timeout_s: float = _setting(5.0, "Seconds to wait when opening a database connection.")
    db_statement_timeout_s: float = _setting(
        10.0, "Seconds a MariaDB statement or commit may wait for its answer (a hung server): "
        "then its connection is dropped and the request fails as unavailable, retryable. "
        "0 = no limit.")
    redis_url: str = _setting("", "Redis URL for fan-out and presence between processes "
                              "(redis://127.0.0.1:6379/0); empty = one process.", secret=True)
    redis_prefix: str = _setting("parley:", "Prefix of Parley's Redis pub/sub channels and keys "
                                 "(several installations can share one Redis).")

    # Serving
    host: str = _setting("127.0.0.1", "Address to listen on.")
    port: int = _setting(8080, "Port to listen on.")
    public_url: str = _setting("", "The server's public origin (https://chat.example.com); "
                               "empty = derived from each request.")
    trusted_proxies: str = _setting("", "Comma-separated IPs/CIDRs whose X-Forwarded-For is "
                                    "believed; empty = the socket peer is the client.")
    ui_origins: str = _setting("", "Comma-separated extra origins allowed for the agent and admin "
                               "UIs (the server's own origin is always allowed).")
    demo_page: bool = _setting(True, "Serve /test-widget.html, a page on this server that "
                               "embeds a widget to try it; off in production.")
    shutdown_grace_s: float = _setting(10.0, "Seconds to let in-flight requests finish on SIGTERM.")
    metrics_allow: str = _setting("127.0.0.1,::1", "Comma-separated IPs/CIDRs that may read "
                                  "GET /metrics (the client address after trusted proxies); "
                                  "empty and no token = /metrics is off.")
    metrics_token: str = _setting("", "Bearer token that may read GET /metrics from anywhere; "
                                  "empty = only PARLEY_METRICS_ALLOW.", secret=True)
    gc_freeze: bool = _setting(True, "Freeze what survives a full garbage collection out of "
                               "later ones, so a collection does not walk every open "
                               "socket's objects again (docs/performance.md, section 8).")
    gc_full_interval_s: float = _setting(3600.0, "How often frozen objects are collected too "
                                         "(one full collection, which frees reference cycles "
                                         "among them and holds the process ~65 ms per 1,000 "
                                         "open sockets); 0 = never.")
    log_format: str = _setting("text", "Log format: text or json.")
    log_level: str = _setting("INFO", "Log level: DEBUG, INFO, WARNING, ERROR.")

    # Auth
    secret_key: str = _setting("", "HMAC key for JWTs. Empty = generated on first run and kept in "
                                "<data_dir>/secret_key (mode 0600).", secret=True)
    jwt_lifetime_s: int = _setting(7 * 24 * 3600, "Lifetime of an issued JWT, in seconds (7 days).")
    jwt_issuer: str = _setting("parley", "JWT iss claim, checked on every request.")
    jwt_audience: str = _setting("parley-ui", "JWT aud claim, checked on every request.")
    bcrypt_rounds: int = _setting(12, "bcrypt cost factor for password hashes.")
    allow_registration: bool = _setting(False, "Let anyone register once the first admin exists "
                                        "(the first user can always register).")
    login_max_failures: int = _setting(5, "Failed sign-ins of one account from one address per "
                                       "window; then that address gets 429 for that account, "
                                       "and sign-ins to the account are slowed (never refused).")
    login_max_failures_per_address: int = _setting(20, "Failed sign-ins from one address, to "
                                                   "any accounts, per window; then 429 for "
                                                   "that address.")
    login_slowdown_max_s: float = _setting(3.0, "Longest delay before answering a sign-in to an "
                                           "account with many recent failures, in seconds.")
    login_window_s: int = _setting(900, "Window for counting failed logins, in seconds.")

    # Sizes and limits
    max_body_bytes: int = _setting(64 * 1024, "Largest accepted REST request body (bytes).")
    max_message_chars: int = _setting(4000, "Longest chat message, in characters.")
    max_ws_frame_bytes: int = _setting(64 * 1024, "Largest accepted WebSocket frame (bytes).")
    ws_auth_timeout_s: float = _setting(5.0, "Seconds a socket has to send its auth frame.")
    ws_ping_interval_s: float = _setting(25.0, "WebSocket ping interval, in seconds (0 = no "
                                         "pings).")
    ws_ping_timeout_s: float = _setting(20.0, "Close a socket whose pong is this late (seconds; "
                                        "at most the ping interval).")
    visitor_burst: int = _setting(20, "Visitor messages allowed per burst window.")
    visitor_burst_window_s: float = _setting(10.0, "Visitor burst window, in seconds.")
    visitor_per_minute: int = _setting(100, "Visitor messages allowed per minute.")
    max_visitor_sockets_per_ip: int = _setting(50, "Concurrent visitor sockets per client IP.")
    ws_send_queue_messages: int = _setting(1000, "Frames queued for one slow reader before it is closed.")
    ws_send_queue_bytes: int = _setting(1024 * 1024, "Bytes queued for one slow reader before it is closed.")
    agent_max_chats: int = _setting(5, "Default number of concurrent chats per agent.")
    auto_assign: bool = _setting(False, "Assign waiting sessions to the least-busy online agent.")
    idle_abandon_s: int = _setting(1800, "A visitor session with no socket and no activity for "
                                   "this long is marked abandoned (never one whose visitor "
                                   "left an email).")
    sweep_interval_s: float = _setting(30.0, "How often a process marks idle sessions abandoned "
                                       "and keeps its open visitors' sessions alive (seconds; "
                                       "each of those is marked once in PARLEY_IDLE_ABANDON_S "
                                       "/ 2 - 2 x this).")
    sessions_per_ip_per_minute: int = _setting(30, "Visitor sessions one IP may create per minute.")

    # Attachments (docs/attachments.md)
    storage_backend: str = _setting("local", "Where uploaded files are kept: local (files under "
                                    "PARLEY_STORAGE_DIR) or s3 (any S3-compatible object store).")
    storage_dir: str = _setting("", "Directory of uploaded files with the local backend; empty "
                                "= <data_dir>/files.")
    s3_endpoint_url: str = _setting("", "S3 endpoint (https://s3.eu-west-1.amazonaws.com, or a "
                                    "MinIO/Ceph/Garage URL); empty = AWS's default for the region.")
    s3_bucket: str = _setting("", "S3 bucket of the uploaded files (required with s3).")
    s3_region: str = _setting("us-east-1", "S3 region.")
    s3_access_key: str = _setting("", "S3 access key id.", secret=True)
    s3_secret_key: str = _setting("", "S3 secret access key.", secret=True)
    s3_prefix: str = _setting("parley/", "Prefix of Parley's object keys in the bucket.")
    max_upload_bytes: int = _setting(10 * 1024 * 1024, "Largest uploaded file, in bytes "
                                     "(10 MiB); the upload route alone accepts a body this big.")
    max_files_per_message: int = _setting(10, "Files one message may carry.")
    max_upload_bytes_per_session: int = _setting(100 * 1024 * 1024, "Bytes all the files of "
                                                 "one conversation may add up to.")
    uploads_per_ip_per_hour: int = _setting(200, "Files one client IP may upload per hour.")
    upload_types: str = _setting(
        "image/jpeg,image/png,image/gif,image/webp,application/pdf,text/plain,text/csv,"
        "application/zip,application/vnd.openxmlformats-officedocument.wordprocessingml."
        "document,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Comma-separated types (decided from the file's content, never its name) that may be "
        "uploaded.")
    image_max_pixels: int = _setting(40_000_000, "Images with more pixels are refused (a "
                                     "decompression bomb).")
    upload_orphan_ttl_s: int = _setting(24 * 3600, "An upload no message refers to is deleted "
                                        "after this many seconds.")
    upload_workers: int = _setting(2, "Threads that decode, re-encode and thumbnail images "
                                   "(off the event loop).")

    # Knowledge sources (docs/knowledge.md): web pages, sites and documents.
    kb_max_pages: int = _setting(200, "Most pages one web source (sitemap or site) may import.")
    kb_crawl_rate: float = _setting(2.0, "Requests per second to a site while importing it.")
    kb_max_file_bytes: int = _setting(20 * 1024 * 1024, "Largest document imported, in bytes.")
    kb_max_file_pages: int = _setting(500, "Most pages of a PDF imported.")
    kb_sync_check_s: float = _setting(60.0, "How often a process looks for knowledge sources "
                                      "due for their scheduled re-sync (seconds).")

    # Visitor tracking (docs/privacy.md): where a visitor's country comes from.
    geoip_db: str = _setting("", "Path of a MaxMind GeoIP2/GeoLite2 Country or City database "
                             "(.mmdb, e.g. GeoLite2-Country.mmdb from maxmind.com, free with an "
                             "account): the live list of visitors (visitor tracking, "
                             "docs/privacy.md) shows their country. Opened once per process, "
                             "memory-mapped. Empty, missing or unreadable = no country.")

    # Email (docs/email.md). Off while PARLEY_SMTP_HOST is empty.
    smtp_host: str = _setting("", "SMTP server that Parley sends mail through; empty = no mail "
                              "is sent (nothing is queued either).")
    smtp_port: int = _setting(587, "SMTP server port (587 for starttls, 465 for tls, 25 for none).")
    smtp_user: str = _setting("", "SMTP user name; empty = no authentication.")
    smtp_password: str = _setting("", "SMTP password.", secret=True)
    smtp_tls: str = _setting("starttls", "How to secure the SMTP connection: none, starttls "
                             "(upgrade a plain connection; refused if the server cannot) or tls "
                             "(TLS from the first byte).")
    smtp_ca_file: str = _setting("", "PEM file of the CA certificates that the SMTP server's "
                                 "certificate is checked against; empty = the system's CAs.")
    smtp_timeout_s: float = _setting(30.0, "Seconds to wait for the SMTP server at each step.")
    mail_from: str = _setting("", "From address of the mail Parley sends (Support <help@example."
                              "com>); required when PARLEY_SMTP_HOST is set.")
    mail_reply_domain: str = _setting("", "Domain of the reply addresses (reply+<token>@<domain>)"
                                      " whose mail your MTA forwards to PARLEY_MAIL_LISTEN; empty "
                                      "= emails carry no reply address and replies go to "
                                      "PARLEY_MAIL_FROM.")
    mail_listen: str = _setting("", "host:port of the built-in listener for replies that your "
                                "MTA forwards (127.0.0.1:2525; needs PARLEY_MAIL_REPLY_DOMAIN); "
                                "empty = no listener. Every process binds it with SO_REUSEPORT.")
    mail_listen_protocol: str = _setting("lmtp", "What the listener speaks: lmtp (Postfix's "
                                         "lmtp transport) or smtp.")
    mail_max_inbound_bytes: int = _setting(10 * 1024 * 1024, "Largest email the listener "
                                           "accepts, in bytes (larger: 552).")
    mail_batch_s: float = _setting(60.0, "Agent messages the visitor has not seen this many "
                                   "seconds after the first of them are mailed together.")
    mail_link_lifetime_s: int = _setting(14 * 24 * 3600, "How long the conversation link in an "
                                         "email opens the conversation (seconds; 14 days).")
    mail_max_attempts: int = _setting(12, "Delivery attempts of one email before it is marked "
                                      "failed (shown in the admin UI and `chatctl mail queue`).")
    mail_retry_base_s: float = _setting(30.0, "Wait before the second delivery attempt; doubled "
                                        "at each attempt after, up to an hour.")
    notify_waiting_s: int = _setting(300, "Email a widget's agents when a visitor has waited "
                                     "this many seconds and nobody accepted; 0 = never.")
    mail_digest_hour: int = _setting(8, "Hour of the day (UTC, 0-23) at which the daily digest "
                                     "of missed conversations is sent.")

    # Web pages learnt from (docs/knowledge.md): what the SSRF guard lets through.
    fetch_allow: str = _setting("", "Comma-separated CIDRs and host names that Parley may fetch "
                                "web pages from though they are not public (127.0.0.1/32,"
                                "intranet.local, .corp.example for its subdomains), on any port; "
                                "empty = public addresses on ports 80 and 443 only.")
    fetch_only_allowed: bool = _setting(False, "Fetch from PARLEY_FETCH_ALLOW's networks and "
                                        "host names only, no public address (an intranet).")

    # AI
    ai_provider: str = _setting("auto", "AI responder: auto (openai if a key is set, else offline), "
                                "openai (any OpenAI-compatible API), offline, or none.")
    ai_base_url: str = _setting("https://openrouter.ai/api/v1", "Base URL of the OpenAI-compatible API.")
    ai_api_key: str = _setting("", "API key for the AI provider.", secret=True)
    ai_model: str = _setting("openai/gpt-4o-mini", "Default model.")
    ai_fallback_model: str = _setting("", "Model tried when the default model fails; empty = none.")
    ai_connect_timeout_s: float = _setting(5.0, "AI provider connect timeout, in seconds.")
    ai_read_timeout_s: float = _setting(30.0, "AI provider read timeout between chunks, in seconds.")
    ai_max_retries: int = _setting(2, "Retries on 429/5xx before the first token.")
    ai_dense: bool = _setting(True, "Search knowledge bases with the embedding model "
                              "(multilingual-e5-small, in-process on the CPU, ~100 MB): passage "
                              "vectors are computed when an entry is saved. Off = keyword search "
                              "(BM25) only.")
    ai_full_knowledge_tokens: int = _setting(
        6000, "A model is given a widget's whole knowledge base (numbered, the best passages "
        "first) when it is under this many tokens (about 4 characters each); above, the best "
        "passages only. 0 = always the best passages only.")
    # The offline responder's answer / hedge / decline on dense scores (chatserver.ai.knowledge
    # .decide): defaults chosen on the tune split of tests/ai/eval/ by bench/ai_rules.py,
    # maximising right - 2 x wrong (a hedge showing the wrong entry counts as wrong).
    ai_min_similarity: float = _setting(
        0.875, "Cosine similarity between a visitor's question and the best knowledge-base "
        "entry at or above which the offline responder answers (when the entry also leads "
        "the next best by PARLEY_AI_ANSWER_MARGIN). Lower answers more, and more wrongly; "
        "see bench/ai_rules.py.")
    ai_answer_margin: float = _setting(
        0.01, "How far the best entry's similarity must lead the next best entry's for the "
        "offline responder to answer; two entries closer than this are not told apart.")
    ai_hedge_similarity: float = _setting(
        0.84, "Similarity from which, below PARLEY_AI_MIN_SIMILARITY, the offline responder "
        "hedges: it gives the entry as what might help and offers a person (when the entry "
        "leads by PARLEY_AI_HEDGE_MARGIN). Below it (or with a smaller lead) it declines and "
        "offers a person. Set it to PARLEY_AI_MIN_SIMILARITY for no hedging.")
    ai_hedge_margin: float = _setting(
        0.035, "How far the best entry's similarity must lead the next best entry's for the "
        "offline responder to hedge with it.")

    @property
    def effective_storage_dir(self) -> str:
        return self.storage_dir or str(Path(self.data_dir) / "files")

    @functools.cached_property
    def upload_type_set(self) -> frozenset[str]:
        return frozenset(t.strip().lower() for t in self.upload_types.split(",") if t.strip())

    @property
    def mail_enabled(self) -> bool:
        return bool(self.smtp_host)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{Path(self.data_dir).resolve() / 'parley.db'}"

    @functools.cached_property  # read on every request; Settings is frozen
    def trusted_proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(p.strip(), strict=False)
                     for p in self.trusted_proxies.split(",") if p.strip())

    @functools.cached_property
    def metrics_allow_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(p.strip(), strict=False)
                for p in self.metrics_allow.split(",") if p.strip()]

    @functools.cached_property
    def fetch_allow_rules(self) -> tuple[tuple[IPNetwork, ...], frozenset[str]]:
        """PARLEY_FETCH_ALLOW as (networks, host names); ValueError names a bad entry."""
        entries = [e.strip().lower() for e in self.fetch_allow.split(",") if e.strip()]
        return (tuple(ipaddress.ip_network(e, strict=False) for e in entries
                      if not _HOST_NAME.fullmatch(e)),
                frozenset(e.rstrip(".") for e in entries if _HOST_NAME.fullmatch(e)))

    @functools.cached_property
    def ui_origin_list(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.ui_origins.split(",") if o.strip()]

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def setting_fields() -> list[dataclasses.Field[Any]]:
    return list(fields(Settings))


def env_name(name: str) -> str:
    return ENV_PREFIX + name.upper()


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _convert(name: str, kind: Any, raw: str) -> Any:
    kind_name = kind if isinstance(kind, str) else kind.__name__
    try:
        if kind_name == "bool":
            low = raw.strip().lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise ValueError(raw)
        if kind_name == "int":
            return int(raw)
        if kind_name == "float":
            return float(raw)
    except ValueError:
        raise ConfigError(f"{env_name(name)}={raw!r} is not a valid {kind_name}") from None
    return raw


def load_settings(
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    env_file: str | None = None,
) -> tuple[Settings, dict[str, str]]:
    """Read settings; return them with the source of each ('default', 'env', '.env', 'option')."""
    env = dict(os.environ if environ is None else environ)
    path = env_file or env.get("PARLEY_ENV_FILE") or ".env"
    file_values = {k: v for k, v in dotenv_values(path).items() if v is not None} \
        if Path(path).is_file() else {}
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for f in fields(Settings):
        key = env_name(f.name)
        if overrides and overrides.get(f.name) is not None:
            values[f.name] = overrides[f.name]
            sources[f.name] = "option"
        elif key in env:
            values[f.name] = _convert(f.name, f.type, env[key])
            sources[f.name] = "env"
        elif key in file_values:
            values[f.name] = _convert(f.name, f.type, file_values[key])
            sources[f.name] = ".env"
        else:
            sources[f.name] = "default"
    settings = Settings(**values)
    _validate(settings)
    return settings, sources


def _validate(s: Settings) -> None:
    if s.log_format not in ("text", "json"):
        raise ConfigError(f"PARLEY_LOG_FORMAT must be text or json, not {s.log_format!r}")
    if s.ai_provider not in ("auto", "openai", "offline", "none"):
        raise ConfigError("PARLEY_AI_PROVIDER must be auto, openai, offline or none")
    if not s.effective_database_url.startswith(tuple(f"{d}://" for d in DRIVERS)):
        raise ConfigError(
            "PARLEY_DATABASE_URL must start with mysql+asyncmy:// or sqlite+aiosqlite:///")
    for name, parsed in (("TRUSTED_PROXIES", "trusted_proxy_networks"),
                         ("METRICS_ALLOW", "metrics_allow_networks"),
                         ("FETCH_ALLOW", "fetch_allow_rules")):
        try:
            getattr(s, parsed)  # parse to validate
        except ValueError as exc:
            raise ConfigError(f"PARLEY_{name}: {exc}") from None
    if s.port < 0 or s.port > 65535:
        raise ConfigError("PARLEY_PORT must be between 0 and 65535")
    validate_mail(s)
    validate_storage(s)
