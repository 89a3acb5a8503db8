"""The bare stack's own limit: one Tornado process, no database, the same frames.

- ``/ws/<session_id>`` (visitor) and ``/ws/agent/<id>`` (agent) speak the shape of Parley's
  protocol (docs/protocol.md): a first ``auth`` frame answered by ``ready`` (any token is
  accepted), ``accept`` (agent) answered by ``accepted`` and the socket then follows the
  session, ``escalate`` answered by ``escalated``, and a visitor ``message`` relayed as a
  ``message`` frame to the session's agent sockets and acknowledged to the sender with
  ``ack {session_id, client_msg_id, id, seq}``: the same order and fields as Parley, with ids
  and seqs counted in memory instead of committed to a database.
- ``GET /api/widgets/<key>/config`` answers the bytes and headers of Parley's public widget
  config (given as a file), so the config scenario compares Tornado serving the same response.

Run as its own process, like ``chatctl serve``:

    .venv/bin/python -m bench.baseline --port 0 [--config-body FILE]

It prints ``listening on http://127.0.0.1:<port>`` once bound, and stops on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import signal
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web
import tornado.websocket


class State:
    def __init__(self) -> None:
        self.next_id = 0
        self.seq: dict[str, int] = {}
        self.followers: dict[str, set[AgentSocket]] = {}


STATE = State()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _dump(frame: dict[str, Any]) -> str:
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False)


class BareSocket(tornado.websocket.WebSocketHandler):
    def check_origin(self, origin: str) -> bool:
        return True

    def get_compression_options(self) -> None:
        return None

    def send(self, frame: dict[str, Any]) -> None:
        try:
            self.write_message(_dump(frame))
        except tornado.websocket.WebSocketClosedError:
            pass


class VisitorSocket(BareSocket):
    def open(self, session_id: str) -> None:
        self.set_nodelay(True)
        self.session_id = session_id
        self.authed = False

    def on_message(self, raw: str | bytes) -> None:
        frame = json.loads(raw)
        kind = frame.get("type")
        sid = self.session_id
        if kind == "auth":
            self.authed = True
            self.send({"type": "ready", "role": "visitor", "session_id": sid,
                       "status": "active", "last_seq": STATE.seq.get(sid, 0)})
        elif kind == "message":
            seq = STATE.seq[sid] = STATE.seq.get(sid, 0) + 1
            STATE.next_id += 1
            msg = {"type": "message", "session_id": sid, "id": STATE.next_id, "seq": seq,
                   "sender_type": "visitor", "sender_name": None, "text": frame.get("text"),
                   "created_at": _now(), "client_msg_id": frame.get("client_msg_id")}
            raw_msg = _dump(msg)
            for agent in list(STATE.followers.get(sid, ())):
                try:
                    agent.write_message(raw_msg)
                except tornado.websocket.WebSocketClosedError:
                    pass
            self.send({"type": "ack", "session_id": sid,
                       "client_msg_id": frame.get("client_msg_id"), "id": STATE.next_id,
                       "seq": seq})
        elif kind == "escalate":
            self.send({"type": "escalated", "session_id": sid, "reason": "explicit_request",
                       "agents_online": 1, "offline": False, "outside_hours": False})


class AgentSocket(BareSocket):
    def open(self, agent_id: str) -> None:
        self.set_nodelay(True)
        self.agent_id = int(agent_id)
        self.following: set[str] = set()

    def on_message(self, raw: str | bytes) -> None:
        frame = json.loads(raw)
        kind = frame.get("type")
        if kind == "auth":
            self.send({"type": "ready", "role": "agent",
                       "agent": {"id": self.agent_id, "display_name": f"agent{self.agent_id}",
                                 "role": "agent", "status": "online"},
                       "sessions": [], "waiting": []})
        elif kind == "accept":
            sid = str(frame.get("session_id"))
            STATE.followers.setdefault(sid, set()).add(self)
            self.following.add(sid)
            self.send({"type": "accepted", "session": {
                "session_id": sid, "status": "assigned", "assigned_agent_id": self.agent_id,
                "last_seq": STATE.seq.get(sid, 0)}})

    def on_close(self) -> None:
        for sid in self.following:
            STATE.followers.get(sid, set()).discard(self)


class ConfigHandler(tornado.web.RequestHandler):
    """The same status, headers and body as Parley's WidgetConfigHandler."""

    body = b"{}"
    etag = '""'

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def get(self, site_key: str) -> None:
        self.set_header("Cache-Control", "public, max-age=60")
        self.set_header("ETag", self.etag)
        self.finish(self.body)

    def compute_etag(self) -> None:
        return None


def make_app(config_body: bytes) -> tornado.web.Application:
    ConfigHandler.body = config_body
    ConfigHandler.etag = '"' + hashlib.sha256(config_body).hexdigest()[:32] + '"'
    return tornado.web.Application([
        (r"/ws/agent/([0-9]{1,12})", AgentSocket),
        (r"/ws/([0-9a-fA-F-]{1,36})", VisitorSocket),
        (r"/api/widgets/([^/]+)/config", ConfigHandler),
    ], websocket_ping_interval=25.0, websocket_ping_timeout=20.0,
        websocket_max_message_size=64 * 1024, log_function=lambda handler: None)


async def serve(port: int, config_body: bytes) -> None:
    server = tornado.httpserver.HTTPServer(make_app(config_body), idle_connection_timeout=75)
    sockets = tornado.netutil.bind_sockets(port, "127.0.0.1", family=socket.AF_INET)
    server.add_sockets(sockets)
    print(f"bare baseline listening on http://127.0.0.1:{sockets[0].getsockname()[1]}",
          flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--config-body", type=Path, help="file with the config bytes to serve")
    args = parser.parse_args()
    body = args.config_body.read_bytes() if args.config_body else b"{}"
    asyncio.run(serve(args.port, body))


if __name__ == "__main__":
    main()
