"""A real HTTP server on loopback that records the JSON posted to it: a Teams Workflows webhook, or an
organisation's own gateway; with paths that fail (500), hang, or redirect to another host."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Posted:
    bodies: list[tuple[str, str, Any]] = field(default_factory=list)  # (host, path, JSON)
    # answered 2xx: (path, Idempotency-Key, JSON)
    accepted: list[tuple[str, str | None, Any]] = field(default_factory=list)
    delay: float = 0.0  # seconds before every answer
    sizes: list[int] = field(default_factory=list)  # the bytes of every body, as posted


def _handler(posted: Posted, elsewhere: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: object) -> None:
            pass

        def reply(self, status: int, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:
            size = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(size)
            if len(raw) < size:  # the sender was killed before its body was whole: nothing to take, as a real server
                return
            host = self.server.server_address[0]
            posted.sizes.append(len(raw))
            posted.bodies.append((str(host), self.path, json.loads(raw or b"null")))
            time.sleep(posted.delay)
            if self.path.startswith("/hang"):
                time.sleep(5)
                self.reply(200)
            elif self.path.startswith("/fail"):
                self.reply(500)
            elif self.path.startswith("/gone"):
                self.reply(410)
            elif self.path.startswith("/redirect"):
                self.reply(307, {"Location": f"{elsewhere}/ok"})
            else:
                posted.accepted.append((self.path, self.headers.get("Idempotency-Key"), json.loads(raw or b"null")))
                self.reply(202)

    return Handler


@contextmanager
def hook_server(posted: Posted, host: str = "127.0.0.1", elsewhere: str = "") -> Iterator[str]:
    server = ThreadingHTTPServer((host, 0), _handler(posted, elsewhere))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
