"""The checks of the settings of mail, storage and knowledge sources (config.py calls them at
load; kept apart so config.py stays readable)."""

from __future__ import annotations

from typing import Any

from chatserver.errors import ConfigError

# (The settings are typed Any: importing config.Settings here would make an import cycle.)
Settings = Any


def validate_storage(s: Settings) -> None:
    if s.storage_backend not in ("local", "s3"):
        raise ConfigError("PARLEY_STORAGE_BACKEND must be local or s3")
    if s.storage_backend == "s3" and not s.s3_bucket:
        raise ConfigError("PARLEY_S3_BUCKET is required when PARLEY_STORAGE_BACKEND=s3")
    if min(s.kb_max_pages, s.kb_max_file_bytes, s.kb_max_file_pages, s.kb_crawl_rate,
           s.kb_sync_check_s) <= 0:
        raise ConfigError("the PARLEY_KB_… settings must be positive")
    if s.max_upload_bytes < 1 or s.max_files_per_message < 1:
        raise ConfigError("PARLEY_MAX_UPLOAD_BYTES and PARLEY_MAX_FILES_PER_MESSAGE must be "
                          "at least 1")


def validate_mail(s: Settings) -> None:
    if s.smtp_tls not in ("none", "starttls", "tls"):
        raise ConfigError("PARLEY_SMTP_TLS must be none, starttls or tls")
    if s.mail_listen_protocol not in ("lmtp", "smtp"):
        raise ConfigError("PARLEY_MAIL_LISTEN_PROTOCOL must be lmtp or smtp")
    if not 0 <= s.mail_digest_hour <= 23:
        raise ConfigError("PARLEY_MAIL_DIGEST_HOUR must be between 0 and 23")
    if s.mail_listen:
        host, _, port = s.mail_listen.rpartition(":")
        if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
            raise ConfigError("PARLEY_MAIL_LISTEN must be host:port, such as 127.0.0.1:2525")
        if not s.mail_reply_domain:
            raise ConfigError("PARLEY_MAIL_REPLY_DOMAIN is required when PARLEY_MAIL_LISTEN is "
                              "set: the listener accepts mail for reply+<token>@<that domain>")
    if s.smtp_host:
        if not s.mail_from:
            raise ConfigError("PARLEY_MAIL_FROM is required when PARLEY_SMTP_HOST is set")
        if not s.public_url.startswith(("http://", "https://")):
            raise ConfigError("PARLEY_PUBLIC_URL (https://chat.example.com) is required when "
                              "PARLEY_SMTP_HOST is set: every link in an email is absolute")
