"""Real HTTP(S) servers on loopback for the monitor tests: each path is one kind of answer or fault."""

from __future__ import annotations

import gzip
import http.client
import select
import socket
import socketserver
import ssl
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

BIG = 100 * 1024 * 1024
GZIP_PAGE = gzip.compress(b"<html>" + b"DSO " * 50_000 + b"Omgevingsloket werkt</html>")
BOMB_SIZE = 256 * 1024 * 1024


@cache
def bomb() -> bytes:
    """256 MiB of zeros as one gzip member of about 250 KB: what a decompression bomb looks like. It takes a
    second or more to make: a test makes it before its request, never inside the server's answer."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    return b"".join(packer.compress(block) for _ in range(BOMB_SIZE // len(block))) + packer.flush()


@dataclass
class Seen:
    """What the servers received: per host and path, the x-api-key header (or None)."""

    keys: list[tuple[str, str, str | None]] = field(default_factory=list)
    big_bytes_sent: int = 0
    peers: set[tuple[str, int]] = field(default_factory=set)  # client (host, port): one per connection


def handler(seen: Seen, other: str = "") -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: object) -> None:  # quiet
            pass

        def reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            host = self.server.server_address[0]
            seen.keys.append((str(host), self.path, self.headers.get("x-api-key")))
            seen.peers.add(self.client_address[:2])
            path = self.path.split("?")[0]
            if path == "/ok":
                self.reply(200, b'{"openapi": "3.0.1", "info": {"title": "DSO"}}')
            elif path == "/slow":
                time.sleep(0.4)
                self.reply(200, b"traag maar goed")
            elif path.startswith("/delay/"):
                time.sleep(int(path.rsplit("/", 1)[1]) / 1000)
                self.reply(200, b"ok")
            elif path.startswith("/status/"):
                self.reply(int(path.rsplit("/", 1)[1]), b"fout")
            elif path == "/hang":
                time.sleep(30)
            elif path == "/loop":
                self.reply(302, headers={"Location": "/loop"})
            elif path == "/redirect-other":
                self.reply(302, headers={"Location": f"{other}/landing"})
            elif path == "/redirect-same":
                self.reply(302, headers={"Location": "/ok"})
            elif path == "/gzip":
                self.reply(200, GZIP_PAGE, {"Content-Encoding": "gzip"})
            elif path == "/gzip-bomb":
                self.reply(200, bomb(), {"Content-Encoding": "gzip"})
            elif path == "/gzip-broken":
                self.reply(200, b"dit is geen gzip", {"Content-Encoding": "gzip"})
            elif path == "/trickle":  # the headers at once, then the body a byte every half second: 10 s in all
                self.send_response(200)
                self.send_header("Content-Length", "20")
                self.end_headers()
                self.wfile.flush()
                try:
                    for _ in range(20):
                        time.sleep(0.5)
                        self.wfile.write(b"x")
                        self.wfile.flush()
                except OSError:
                    pass
            elif path == "/landing":
                self.reply(200, b"aangekomen")
            elif path == "/chunked":  # no Content-Length: the body in chunks, the text in the last one
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for part in (b"DSO ", b"Omgevingsloket ", b"werkt"):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.write(b"0\r\n\r\n")
            elif path == "/close":  # answers, then closes the connection: it must not be used again
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(b"ok")
                self.close_connection = True
            elif path == "/ok-then-idle-close":  # says keep-alive, but drops the connection right after the answer
                self.reply(200, b"ok")
                self.wfile.flush()
                self.close_connection = True
            elif path == "/hangup":  # reads the request and closes without a word
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
            elif path == "/big":
                self.send_response(200)
                self.send_header("Content-Length", str(BIG))
                self.end_headers()
                chunk = b"x" * 65536
                try:
                    while seen.big_bytes_sent < BIG:
                        self.wfile.write(chunk)
                        seen.big_bytes_sent += len(chunk)
                except OSError:
                    pass
            else:
                self.reply(404, b"niet gevonden")

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the listen backlog; the default 5 drops simultaneous connections

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up early are the point of several tests: no tracebacks on stderr."""


@contextmanager
def serve(
    host: str = "127.0.0.1", seen: Seen | None = None, other: str = "", tls: ssl.SSLContext | None = None
) -> Iterator[tuple[str, Seen]]:
    """A threaded server on a free port of `host`; yields its base URL and what it saw."""
    seen = seen or Seen()
    server = QuietServer((host, 0), handler(seen, other))
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    scheme = "https" if tls else "http"
    try:
        yield f"{scheme}://{host}:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A port on loopback that nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ProxySeen:
    """What the proxy saw: (method, target, headers) per request; for CONNECT the tunnel's bytes are not seen."""

    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


def _proxy_handler(seen: ProxySeen) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            line = self.rfile.readline().decode("latin-1").strip()
            if not line:
                return
            method, target, _ = line.split(" ", 2)
            headers: dict[str, str] = {}
            while (raw := self.rfile.readline().decode("latin-1")) not in ("\r\n", "\n", ""):
                key, _, value = raw.partition(":")
                headers[key.strip().lower()] = value.strip()
            seen.requests.append((method, target, headers))
            if method == "CONNECT":
                host, port = target.rsplit(":", 1)
                with socket.create_connection((host, int(port)), timeout=10) as upstream:
                    self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    self.wfile.flush()
                    self._pipe(self.connection, upstream)
                return
            parts = urlsplit(target)  # a plain HTTP request in absolute form: forwarded as it came
            conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
            hop = ("proxy-connection", "connection", "keep-alive")
            conn.request(method, parts.path or "/", headers={k: v for k, v in headers.items() if k not in hop})
            response = conn.getresponse()
            body = response.read()
            self.wfile.write(f"HTTP/1.1 {response.status} {response.reason}\r\n".encode())
            for key, value in response.getheaders():
                if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.wfile.write(f"{key}: {value}\r\n".encode())
            self.wfile.write(f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)

        @staticmethod
        def _pipe(a: socket.socket, b: socket.socket) -> None:
            while True:
                ready, _, _ = select.select([a, b], [], [], 10)
                if not ready:
                    return
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)

    return Handler


class QuietProxy(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up mid-tunnel are normal here."""


@contextmanager
def proxy(seen: ProxySeen) -> Iterator[str]:
    """An HTTP proxy on loopback (CONNECT tunnels and plain forwarding); yields its URL."""
    server = QuietProxy(("127.0.0.1", 0), _proxy_handler(seen))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
