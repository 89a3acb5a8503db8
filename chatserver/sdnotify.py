"""systemd readiness notification (sd_notify(3)) and socket activation (sd_listen_fds(3)) in
a few lines of the standard library.

Under a unit with ``Type=notify`` systemd sets ``NOTIFY_SOCKET``; the server sends
``READY=1`` once it listens and ``STOPPING=1`` when it begins a graceful stop. Without
``NOTIFY_SOCKET`` (a terminal, a test, a container) every call does nothing.

With a socket unit (deploy/systemd/parley.socket) systemd holds the listening socket and
passes it to each process it starts: connections that arrive while the server restarts wait
in the socket's queue instead of being refused.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger(__name__)


def notify(state: str, environ: dict[str, str] | None = None) -> bool:
    """Send ``state`` (e.g. "READY=1\\nSTATUS=listening") to systemd; True if it was sent."""
    env = os.environ if environ is None else environ
    address = env.get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):  # an abstract socket
        address = "\0" + address[1:]
    elif not address.startswith("/"):
        log.warning("NOTIFY_SOCKET %r is not a Unix socket path; not notifying", address)
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(state.encode())
    except OSError as exc:
        log.warning("could not notify systemd (%s): %s", state.split("\n", 1)[0], exc)
        return False
    return True


SD_LISTEN_FDS_START = 3


def listen_fds(environ: dict[str, str] | None = None) -> list[socket.socket]:
    """The listening sockets systemd passed this process (``LISTEN_FDS`` of them from fd 3,
    when ``LISTEN_PID`` names this process or is not set), non-blocking; none without socket
    activation. The variables are removed, so that a child process does not take them too."""
    env = os.environ if environ is None else environ
    count, pid = env.pop("LISTEN_FDS", ""), env.pop("LISTEN_PID", "")
    env.pop("LISTEN_FDNAMES", None)
    if not count.isdigit() or (pid and pid != str(os.getpid())):
        return []
    out = []
    for fd in range(SD_LISTEN_FDS_START, SD_LISTEN_FDS_START + int(count)):
        sock = socket.socket(fileno=fd)
        sock.setblocking(False)
        out.append(sock)
    return out
