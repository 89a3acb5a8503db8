"""The shipped nginx configuration, run for real in front of two chat processes and Redis.

deploy/nginx/parley.conf is adapted to loopback ports, a self-signed certificate and this
checkout's built static files (every substitution must match, so a change to the shipped
file that the test no longer understands fails here). Then: HTTP is redirected to HTTPS,
static files come from nginx with their cache headers, /metrics is not passed on, the
upload route alone takes the largest file (streamed through, not spooled by nginx), the
client's real address reaches the server only through the proxy, and a visitor on one chat
process and an agent on the other talk over wss:// with acks and resume. Killing the
visitor's process moves the visitor to the other on reconnect, with nothing lost.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import tornado.httpclient
import tornado.websocket

from tests.helpers import skip_or_fail
from tests.helpers.accounts import PASSWORD
from tests.helpers.database import clear_tables, stored_messages
from tests.helpers.party import Party
from tests.helpers.procs import ChatServer, free_port
from tests.helpers.redis_servers import delete_prefix, shared_redis_or_skip, unique_prefix
from tests.helpers.sockets import WS
from tests.helpers.wait import wait_until

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "deploy" / "nginx" / "parley.conf"
STATIC = ROOT / "chatserver" / "static"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
SECRET = "nginx-test-secret-" + "y" * 40
# The test's client connects from this loopback address, nginx from 127.0.0.1: so the
# server's logs show whose address it believed.
CLIENT_IP = "127.0.0.5"

pytestmark = pytest.mark.slow


def adapt(conf: str, *, http: int, https: int, upstreams: list[int], cert: Path, key: Path,
          logs: Path, webroot: Path) -> str:
    """The shipped file with its machine-specific lines replaced; each must be found."""

    def sub(pattern: str, repl: str, count: int) -> None:
        nonlocal conf
        conf, n = re.subn(pattern, repl, conf, flags=re.MULTILINE)
        assert n == count, f"deploy/nginx/parley.conf: expected {count} × {pattern!r}, found {n}"

    sub(r"^\s*listen \[::\]:(80|443)[^;]*;\n", "", 2)
    sub(r"listen 80;", f"listen 127.0.0.1:{http};", 1)
    sub(r"listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;", 1)
    sub(r"ssl_certificate /etc/letsencrypt/\S+;", f"ssl_certificate {cert};", 1)
    sub(r"ssl_certificate_key /etc/letsencrypt/\S+;", f"ssl_certificate_key {key};", 1)
    sub(r"access_log /var/log/nginx/parley\.access\.log parley;",
        f"access_log {logs / 'access.log'} parley;", 2)
    sub(r"root /opt/parley/src/chatserver/static;", f"root {STATIC};", 1)
    sub(r"root /var/www/letsencrypt;", f"root {webroot};", 1)
    servers = iter(upstreams)
    conf, n = re.subn(r"server 127\.0\.0\.1:808[12] ", lambda m: f"server 127.0.0.1:{next(servers)} ",
                      conf)
    assert n == 2, "deploy/nginx/parley.conf: expected two upstream servers 127.0.0.1:8081/8082"
    # Which chat process answered, so the test can place the visitor and the agent apart.
    sub(r"^    add_header Strict-Transport-Security \"max-age=63072000\" always;\n}",
        '    add_header Strict-Transport-Security "max-age=63072000" always;\n'
        "    add_header X-Parley-Upstream $upstream_addr always;\n}", 1)
    return conf


MAIN_CONF = """\
user root;
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log info;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    include {dir}/parley.conf;
}}
"""


class Nginx:
    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, site: str, port: int) -> None:
        assert NGINX is not None
        (self.dir / "tmp").mkdir(parents=True, exist_ok=True)
        (self.dir / "parley.conf").write_text(site)
        (self.dir / "nginx.conf").write_text(MAIN_CONF.format(dir=self.dir))
        cmd = [NGINX, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"),
               "-e", str(self.dir / "error.log")]
        check = subprocess.run([*cmd, "-t"], capture_output=True, timeout=30, check=False)
        assert check.returncode == 0, check.stderr.decode()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)

        def listening() -> bool:
            assert self.proc is not None
            assert self.proc.poll() is None, self.errors()
            try:
                import socket

                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return True
            except OSError:
                return False

        wait_until(listening, 20, "nginx to listen")

    def errors(self) -> str:
        path = self.dir / "error.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.proc = None


def self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    done = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return cert, key


class Stack:
    """nginx on two loopback ports in front of two chat processes sharing Redis."""

    def __init__(self, directory: Path, db_url: str, redis_url: str, prefix: str) -> None:
        self.dir = directory
        self.http, self.https = free_port(), free_port()
        self.cert, self.key = self_signed(directory)
        env = {"PARLEY_DATABASE_URL": db_url, "PARLEY_DATA_DIR": str(directory / "data"),
               "PARLEY_SECRET_KEY": SECRET, "PARLEY_BCRYPT_ROUNDS": "4",
               "PARLEY_AI_PROVIDER": "none", "PARLEY_REDIS_URL": redis_url,
               "PARLEY_REDIS_PREFIX": prefix, "PARLEY_TRUSTED_PROXIES": "127.0.0.1",
               "PARLEY_PUBLIC_URL": f"https://127.0.0.1:{self.https}",
               "PARLEY_LOG_FORMAT": "json"}
        self.chats = [ChatServer(env, directory / f"chat-{i}.log", cwd=directory)
                      for i in range(2)]
        self.nginx = Nginx(directory / "nginx")

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https}"

    def start(self) -> None:
        for chat in self.chats:
            chat.start()
        webroot = self.dir / "webroot"
        webroot.mkdir()
        site = adapt(SHIPPED.read_text(), http=self.http, https=self.https,
                     upstreams=[c.port for c in self.chats], cert=self.cert, key=self.key,
                     logs=self.dir / "nginx", webroot=webroot)
        (self.dir / "nginx").mkdir(exist_ok=True)
        self.nginx.start(site, self.https)

    def close(self) -> None:
        self.nginx.stop()
        for chat in self.chats:
            chat.kill()

    def chat_on(self, upstream: str) -> ChatServer:
        port = int(upstream.rsplit(":", 1)[1])
        return next(c for c in self.chats if c.port == port)

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))

    def http_client(self, source: str = CLIENT_IP) -> httpx.AsyncClient:
        transport = httpx.AsyncHTTPTransport(verify=self.ssl_context(), local_address=source)
        return httpx.AsyncClient(base_url=self.url, transport=transport, timeout=10)


@pytest.fixture
def stack(db_url: str, tmp_path: Path) -> Iterator[Stack]:
    if NGINX is None:
        skip_or_fail("nginx is not installed (apt-get install nginx)")
    if shutil.which("openssl") is None:
        skip_or_fail("openssl is not installed")
    if not (STATIC / "widget.js").exists():
        skip_or_fail("the front ends are not built (make build)")
    redis_url = shared_redis_or_skip()
    prefix = unique_prefix()
    asyncio.run(clear_tables(db_url))
    s = Stack(tmp_path, db_url, redis_url, prefix)
    try:
        s.start()
        yield s
    finally:
        s.close()
        delete_prefix(redis_url, prefix)


class SecureParty(Party):
    """A client of test_restart's kind over wss:// through nginx; remembers which chat
    process its socket landed on."""

    def __init__(self, name: str, session_id: str, path: str, stack: Stack) -> None:
        super().__init__(name, session_id, path, stack.chats[0])
        self.stack = stack
        self.upstream = ""

    async def connect(self, auth: dict[str, Any]) -> dict[str, Any]:
        request = tornado.httpclient.HTTPRequest(
            f"wss://127.0.0.1:{self.stack.https}{self.path}", ssl_options=self.stack.ssl_context())
        conn = await tornado.websocket.websocket_connect(request, max_message_size=1 << 20)
        # $upstream_addr lists every process tried: the last one answered.
        self.upstream = conn.headers.get("X-Parley-Upstream", "").split(",")[-1].strip()
        self.ws = WS(conn)
        self.opened.append(self.ws)
        self.live = True
        self.read = 0
        await self.ws.send({"type": "auth", **auth})
        return await self.ws.expect("ready", timeout=5)


async def _json(resp: httpx.Response, status: int = 200) -> Any:
    assert resp.status_code == status, (resp.status_code, resp.text)
    return resp.json()


async def _world(http: httpx.AsyncClient) -> dict[str, Any]:
    admin = (await _json(await http.post("/api/auth/register", json={
        "username": "root", "email": "root@example.com", "password": PASSWORD}), 201))["token"]
    auth = {"Authorization": f"Bearer {admin}"}
    key = (await _json(await http.post("/api/widgets", json={"business_name": "Acme",
                                                             "ai_enabled": False},
                                       headers=auth), 201))["widget"]["site_key"]
    agent = (await _json(await http.post("/api/auth/register", headers=auth, json={
        "username": "alice", "email": "alice@example.com", "password": PASSWORD,
        "role": "agent"}), 201))["user"]
    resp = await http.put(f"/api/widgets/{key}/agents/{agent['id']}", headers=auth)
    assert resp.status_code in (200, 201, 204), resp.text
    token = (await _json(await http.post("/api/auth/login", json={
        "email": "alice@example.com", "password": PASSWORD})))["token"]
    session = await _json(await http.post(f"/api/widgets/{key}/sessions", json={}), 201)
    return {"key": key, "agent_id": agent["id"], "agent_token": token, "session": session}


async def _make_world(stack: Stack) -> dict[str, Any]:
    async with stack.http_client() as http:
        return await _world(http)


def _access_lines(chat: ChatServer) -> list[dict[str, Any]]:
    lines = []
    for line in chat.log().splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("logger") == "tornado.access":
            lines.append(record)
    return lines


async def _edge(stack: Stack) -> None:
    """What nginx does by itself: redirect, TLS, static files, the request id, the limits."""
    async with httpx.AsyncClient(timeout=10) as plain:
        resp = await plain.get(f"http://127.0.0.1:{stack.http}/api/health?x=1")
        assert resp.status_code == 301
        assert resp.headers["location"] == "https://127.0.0.1/api/health?x=1"
    async with stack.http_client() as http:
        health = await http.get("/api/health")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert health.headers["strict-transport-security"].startswith("max-age=")
        rid = health.headers["x-request-id"]
        assert re.fullmatch(r"[0-9a-f]{32}", rid), rid  # nginx's $request_id, echoed

        loader = await http.get("/widget.js")
        assert loader.status_code == 200
        assert loader.headers["cache-control"] == "public, max-age=300, must-revalidate"
        assert loader.headers["content-type"].startswith("text/javascript")
        assert loader.headers["access-control-allow-origin"] == "*"
        assert "x-parley-upstream" not in loader.headers or not loader.headers["x-parley-upstream"]
        again = await http.get("/widget.js", headers={"If-None-Match": loader.headers["etag"]})
        assert again.status_code == 304
        chunk = next((STATIC / "widget").glob("*.js"), None)
        assert chunk is not None, "the widget's chat chunk is not built (make build)"
        hashed = await http.get(f"/widget/{chunk.name}")
        assert hashed.status_code == 200
        assert hashed.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert hashed.content == chunk.read_bytes()

        assert (await http.get("/metrics")).status_code == 404  # not for the public

        # A body over client_max_body_size: the API's JSON 413, not nginx's page.
        big = await http.post("/api/auth/login", content=b"x" * (300 * 1024),
                              headers={"Content-Type": "application/json"})
        assert big.status_code == 413, big.text
        assert big.json()["error"]["code"] == "too_large"
        # An asset path that is not a plain file name: 404 with the UIs' framing protection.
        for path in ("/agent/assets/..%2findex.html", "/admin/assets/x%00.js"):
            resp = await http.get(path)
            assert resp.status_code in (400, 404), (path, resp.status_code)
            if resp.status_code == 404:
                assert "frame-ancestors 'none'" in resp.headers["content-security-policy"], path
                assert "immutable" not in resp.headers.get("cache-control", ""), path

    # The client's own address reaches the server through nginx; a client that sends
    # X-Forwarded-For straight to a chat process is not believed (it is not the proxy).
    spoof = {"X-Forwarded-For": "203.0.113.9"}
    async with stack.http_client() as http:
        via = (await http.get("/api/health", headers=spoof)).headers["x-request-id"]
    transport = httpx.AsyncHTTPTransport(local_address=CLIENT_IP)
    async with httpx.AsyncClient(transport=transport, timeout=10) as direct:
        resp = await direct.get(stack.chats[0].url + "/api/health",
                                headers={**spoof, "X-Request-ID": "direct-1"})
        assert resp.headers["x-request-id"] == "direct-1"

    def seen() -> dict[str, str] | None:
        found = {r["request_id"]: r["client_ip"]
                 for chat in stack.chats for r in _access_lines(chat) if "request_id" in r}
        return found if via in found and "direct-1" in found else None

    found = wait_until(seen, 10, "the access log lines")
    assert found[via] == CLIENT_IP  # nginx replaced the spoofed header by the real address
    assert found["direct-1"] == CLIENT_IP  # the spoofed header, from a non-proxy, ignored


async def _conversation(stack: Stack, db_url: str, world: dict[str, Any]) -> None:
    s = world["session"]
    sid = s["session_id"]
    visitor = SecureParty("visitor", sid, f"/ws/{sid}", stack)
    agent = SecureParty("agent", sid, f"/ws/agent/{world['agent_id']}", stack)
    agent.extra = {"session_id": sid}
    try:
        await visitor.connect({"token": s["visitor_token"], "last_seq": 0})
        # least_conn puts the agent on the other process; make sure of it
        for _ in range(5):
            await agent.connect({"token": world["agent_token"], "last_seq": {}})
            if agent.upstream != visitor.upstream:
                break
            await agent.close()
        assert visitor.upstream and agent.upstream and visitor.upstream != agent.upstream, \
            (visitor.upstream, agent.upstream)

        # Across processes: escalate, the queue reaches the agent, accept, talk both ways.
        await visitor.say("hello from process A")
        await visitor.sock.send({"type": "escalate"})
        await visitor.sock.expect("escalated")
        await agent.sock.expect("queue_update", timeout=5)
        await agent.sock.send({"type": "accept", "session_id": sid})
        await agent.sock.expect("accepted", timeout=5)
        await visitor.sock.expect("agent_joined", timeout=5)
        hello = await agent.say("hi, this is Alice on process B")
        await visitor.caught_up(hello["seq"])
        question = await visitor.say("where is my order?")
        await agent.caught_up(question["seq"])
        await agent.sock.send({"type": "typing", "session_id": sid, "on": True})
        await visitor.sock.expect("typing", timeout=5, sender_type="agent")

        # Resume: the visitor drops; the agent goes on; the visitor comes back and catches up.
        await visitor.close()
        missed = [await agent.say(f"while you were away {i}") for i in range(3)]
        await visitor.connect({"token": s["visitor_token"], "last_seq": visitor.last_seq})
        await visitor.caught_up(missed[-1]["seq"])

        # Kill the visitor's process: the visitor reconnects through nginx to the other one.
        # A message sent just before the kill may or may not be stored: the outbox decides.
        doomed = stack.chat_on(visitor.upstream)
        await visitor.send("sent as the process dies")
        doomed.kill()
        await visitor.dropped()
        during = await agent.say("Alice, still here on the live process")
        await visitor.connect({"token": s["visitor_token"], "last_seq": visitor.last_seq})
        assert visitor.upstream == agent.upstream  # moved to the survivor
        await visitor.caught_up(during["seq"])
        await visitor.flush()  # the outbox: stored once, whether or not it was before
        after = await visitor.say("and after the move")
        await agent.caught_up(after["seq"])
        last = await agent.say("all good")
        await visitor.caught_up(last["seq"])

        # Nothing lost, nothing doubled: both hold every stored message once, in seq order.
        stored = await stored_messages(db_url, sid)
        assert sorted(stored) == list(range(1, len(stored) + 1))
        visitor.absorb()
        agent.absorb()
        assert visitor.known == stored, (visitor.known, stored)
        assert {q: c for q, c in stored.items() if q >= hello["seq"]} == \
            {q: c for q, c in agent.known.items() if q >= hello["seq"]}
        texts = list(visitor.acks) + list(agent.acks)
        assert all(cid in stored.values() for cid in texts)
    finally:
        await visitor.close()
        await agent.close()


MAX_UPLOAD = 10 * 1024 * 1024  # PARLEY_MAX_UPLOAD_BYTES's default, which the stack keeps


async def _uploads(stack: Stack, key: str) -> None:
    """The upload route alone takes the largest file, streamed (never spooled by nginx);
    one byte more gets the server's `file_too_large`, far more nginx's JSON 413; the file
    comes back whole through /api/files/."""
    async with stack.http_client() as http:
        s = await _json(await http.post(f"/api/widgets/{key}/sessions", json={}), 201)
        route = f"/api/widgets/{key}/sessions/{s['session_id']}/uploads"
        auth = {"Authorization": f"Bearer {s['visitor_token']}",
                "Content-Type": "application/octet-stream"}
        line = b"0123456789 the largest file a visitor may send, as plain text\n"
        largest = (line * (MAX_UPLOAD // len(line) + 1))[:MAX_UPLOAD]
        # Far over the limit: nginx's JSON 413, the chat process never sees it.
        far = await http.post(route, params={"name": "far.txt"}, headers=auth,
                              content=largest * 2, timeout=60)
        assert far.status_code == 413, far.text
        assert far.json()["error"]["code"] == "too_large"
        # Every other route keeps the small limit, even a big body on a look-alike path.
        other = await http.post(route + "/x", headers=auth, content=b"x" * (300 * 1024))
        assert other.status_code == 413 and other.json()["error"]["code"] == "too_large"
        up = (await _json(await http.post(route, params={"name": "largest.txt"}, headers=auth,
                                          content=largest, timeout=60), 201))["upload"]
        assert up["size"] == MAX_UPLOAD and up["type"] == "text/plain" and up["name"] == "largest.txt"
        back = await http.get(f"/api/files/{up['id']}", headers=auth, timeout=60)
        assert back.status_code == 200 and back.content == largest
        assert back.headers["content-disposition"].startswith("attachment")

        over = await http.post(route, params={"name": "over.txt"}, headers=auth,
                               content=largest + b"x", timeout=60)
        assert over.status_code == 413, over.text
        assert over.json()["error"]["code"] == "file_too_large"
    # proxy_request_buffering off: nginx never wrote an upload's body to a temporary file
    # (it logs that as a warning when it does).
    assert "buffered to a temporary file" not in stack.nginx.errors()


def test_nginx_in_front_of_two_processes(stack: Stack, db_url: str) -> None:
    try:
        asyncio.run(_edge(stack))
        world = asyncio.run(_make_world(stack))
        asyncio.run(_uploads(stack, world["key"]))
        asyncio.run(_conversation(stack, db_url, world))
    except BaseException:
        print("nginx error.log:\n", stack.nginx.errors())
        for chat in stack.chats:
            print(f"{chat.log_path.name}:\n", chat.log()[-3000:])
        raise
