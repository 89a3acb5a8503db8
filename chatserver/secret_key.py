"""The server's secret key: the configured one, or one generated on first run and kept in the
data directory."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from chatserver.config import SECRET_FILE, Settings
from chatserver.errors import ConfigError


def ensure_secret_key(settings: Settings) -> Settings:
    """Return settings with a secret key, generating and keeping one if none is configured.

    The key file is written to a private temporary file, then hard-linked into place: the
    link fails if the file exists, so two processes starting at once agree on one secret and
    nobody ever reads a half-written key.
    """
    if settings.secret_key:
        return settings
    directory = Path(settings.data_dir)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / SECRET_FILE
    if not target.exists():
        tmp = directory / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_urlsafe(48).encode())
        finally:
            os.close(fd)
        try:
            os.link(tmp, target)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    for _ in range(50):
        key = target.read_text().strip()
        if key:
            return settings.replace(secret_key=key)
        time.sleep(0.01)
    raise ConfigError(f"{target} is empty; delete it to generate a new secret")
