"""Checking the targets over HTTP, all at once: httpx async client, bounded concurrency, pooled connections.

Redirects are followed by hand so that the API key (x-api-key) only ever goes over HTTPS to the exact origin
(scheme, host, port) of a target that needs it, never to where a redirect points; a redirect from HTTPS to
plain HTTP is not followed at all. Proxy settings from the environment are honoured; through an HTTP proxy
an HTTPS check is a CONNECT tunnel, so the proxy never sees the key. TLS certificates are always verified
against the system's trust store (which honours SSL_CERT_FILE). A check that would take longer than its
timeout is cut off, and a body is read, and decompressed, only as far as the text check needs: a gzip bomb
inflates no further than that. A check that goes straight to its target travels on the lean transport below
(asyncio streams + h11) rather than httpcore's pool, which cost most of a check's CPU.

Over 400 lines on purpose: the transport, the bounded body reading and the wording of each failure are one
piece (a failure's words depend on where in the transport it happened); split, each part would need the others.
"""

from __future__ import annotations

import asyncio
import select
import socket
import ssl
import sys
import time
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, suppress
from functools import cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import h11

# httpx imports its own command-line client (click, rich, pygments) whenever those are installed, as they are
# here: a third of its import time, for a `main` nobody calls. Kept out, its `from ._main import main` fails and
# httpx defines the stub it has for that case.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
import httpx  # noqa: E402

from ..domain.monitoring import Check, Reason, Target, origin  # noqa: E402

MAX_REDIRECTS = 5
ACCEPT_ENCODING = "gzip, deflate"  # what _Inflater can decode, with its bound
DRAIN_BYTES = 64 * 1024  # a health page or API answer; a bigger body closes its connection instead
DRAIN_SECONDS = 0.2
POOL_SIZE = 10  # connections per httpx client: its pool's bookkeeping grows with the square of its size
READ_BYTES = 64 * 1024
MAX_HEADER_BYTES = 64 * 1024  # an answer whose headers do not end within this is refused, as httpcore does


def _proxies_in_environment() -> bool:
    from urllib.request import getproxies_environment

    return any(key in ("http", "https", "all") for key in getproxies_environment())


class _Connection:
    """One HTTP/1.1 connection: asyncio streams with h11 for the protocol (what httpcore uses too)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEADER_BYTES)
        self.cert_expires: float | None = None  # the verified peer certificate's notAfter (Unix time)
        cert = writer.get_extra_info("peercert")
        if cert and cert.get("notAfter"):
            with suppress(ValueError):
                self.cert_expires = float(ssl.cert_time_to_seconds(cert["notAfter"]))

    async def next_event(self) -> Any:
        while True:
            event = self.h11.next_event()
            if event is not h11.NEED_DATA:
                return event
            data = await self.reader.read(READ_BYTES)
            if not data and self.h11.their_state is h11.SEND_RESPONSE:
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
            self.h11.receive_data(data)

    def close(self) -> None:
        self.writer.close()

    def usable(self) -> bool:
        """An idle connection is readable only when the server closed it (or sent what nobody asked for):
        then a request on it would fail as if the target were down. Checked as httpcore does."""
        if self.reader.at_eof() or self.writer.is_closing():
            return False
        sock = self.writer.get_extra_info("socket")
        if sock is None:
            return True
        try:
            readable, _, _ = select.select([sock], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable


class _Body(httpx.AsyncByteStream):
    """A response body read from its connection; at its end the connection goes back to the pool."""

    def __init__(self, transport: _Transport, key: tuple[str, str, int], conn: _Connection) -> None:
        self.transport, self.key, self.conn = transport, key, conn
        self.done = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            while True:
                event = await self.conn.next_event()
                if isinstance(event, h11.Data):
                    yield bytes(event.data)
                elif isinstance(event, h11.EndOfMessage | h11.PAUSED):
                    self.done = True
                    return
                elif isinstance(event, h11.ConnectionClosed):
                    return
        except h11.RemoteProtocolError as exc:
            raise httpx.RemoteProtocolError(str(exc)) from exc
        except OSError as exc:
            raise httpx.ReadError(str(exc)) from exc

    async def aclose(self) -> None:
        conn, self.conn = self.conn, None  # type: ignore[assignment]
        if conn is None:
            return
        h = conn.h11
        if self.done and h.our_state is h11.DONE and h.their_state is h11.DONE:
            try:
                h.start_next_cycle()
            except h11.LocalProtocolError:
                conn.close()
                return
            pending = self.transport.pending
            if pending is not None and pending[self.key] <= 0:  # no check of this round will ask this origin again
                conn.close()
                return
            self.transport.idle.setdefault(self.key, []).append(conn)
        else:
            conn.close()


def _origin_key(url: httpx.URL) -> tuple[str, str, int]:
    return (url.scheme, url.host, url.port or (443 if url.scheme == "https" else 80))


class _Transport(httpx.AsyncBaseTransport):
    """A plain HTTP/1.1 transport on asyncio streams for the checks that go straight to their target (httpx's
    own proxy transports still take what the environment routes through a proxy). httpcore's pool and anyio's
    streams cost most of a check's CPU (benchmarks/monitor.py); a check needs neither: one request at a time
    per connection, idle connections kept per origin, the check's own timeout around it all."""

    def __init__(
        self, verify: Callable[[], ssl.SSLContext], pending: Counter[tuple[str, str, int]] | None = None
    ) -> None:
        self.verify = verify  # the trust store, loaded at the first HTTPS connection (not at all for plain http)
        self.idle: dict[tuple[str, str, int], list[_Connection]] = {}
        # per origin, how many checks of the round have yet to start (shared by the round's transports): a
        # connection is kept only while one may still use it; 1,000 targets each on their own origin kept
        # 1,000 idle sockets open to the end, and every new connection then cost the kernel several times more
        self.pending = pending

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send the request and read the answer's head. A connection kept from an earlier check that the server
        closed meanwhile fails before any answer: then the check is sent once more on a new connection (GET
        only), as browsers do; without that a dropped keep-alive would read as the target being down."""
        key = _origin_key(request.url)
        if self.pending is not None:
            self.pending[key] -= 1
        conn, reused = await self._connection(key)
        try:
            event = await self._exchange(conn, request)
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            if not reused or request.method != "GET":
                raise
            conn, reused = await self._connection(key, fresh=True)
            event = await self._exchange(conn, request)
        return httpx.Response(
            event.status_code,
            headers=list(event.headers),
            stream=_Body(self, key, conn),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": event.reason, "cert_expires": conn.cert_expires},
        )

    async def _exchange(self, conn: _Connection, request: httpx.Request) -> Any:
        """Write the request, read up to the final response's head; on any failure the connection is closed."""
        headers = list(request.headers.raw)
        try:
            data = conn.h11.send(h11.Request(method=request.method, target=request.url.raw_path, headers=headers))
            data += conn.h11.send(h11.EndOfMessage())
            conn.writer.write(data)
            await conn.writer.drain()
            event = await conn.next_event()
            while isinstance(event, h11.InformationalResponse):
                event = await conn.next_event()
            return event
        except BaseException as exc:
            conn.close()
            if isinstance(exc, h11.RemoteProtocolError):
                raise httpx.RemoteProtocolError(str(exc)) from exc
            if isinstance(exc, h11.LocalProtocolError):
                raise httpx.LocalProtocolError(str(exc)) from exc
            if isinstance(exc, ConnectionError | BrokenPipeError):
                raise httpx.WriteError(str(exc)) from exc
            if isinstance(exc, OSError):
                raise httpx.ReadError(str(exc)) from exc
            raise

    async def _connection(self, key: tuple[str, str, int], fresh: bool = False) -> tuple[_Connection, bool]:
        """An idle connection to the same origin (reused: True), else a new one."""
        pool = self.idle.get(key)
        while pool and not fresh:
            conn = pool.pop()
            if conn.usable():
                return conn, True
            conn.close()
        scheme, host, port = key
        try:
            reader, writer = await asyncio.open_connection(
                host, port, ssl=self.verify() if scheme == "https" else None, limit=READ_BYTES * 4
            )
        except OSError as exc:
            raise httpx.ConnectError(str(exc)) from exc
        return _Connection(reader, writer), False

    async def aclose(self) -> None:
        for pool in self.idle.values():
            for conn in pool:
                conn.close()
        self.idle.clear()


class BodyError(Exception):
    """An answer whose body cannot be read as sent; `reason` is what an operator reads (worded when shown)."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.kind)
        self.reason = reason


def _reason(exc: BaseException) -> Reason:
    """The failure as a kind an operator can act on (worded when shown, in the reader's language); never the
    request (it may carry the key)."""
    if isinstance(exc, httpx.TimeoutException | asyncio.TimeoutError | TimeoutError):
        return Reason.of("time-out")
    if isinstance(exc, BodyError):
        return exc.reason
    if isinstance(exc, httpx.ProxyError):
        return Reason.of("proxy")
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, ssl.SSLCertVerificationError):
            return Reason.of("certificate")
        if isinstance(cause, ssl.SSLError):
            return Reason.of("tls")
        if isinstance(cause, socket.gaierror):
            return Reason.of("dns")
        if isinstance(cause, ConnectionRefusedError):
            return Reason.of("refused")
        if isinstance(cause, ConnectionResetError):
            return Reason.of("reset")
        cause = cause.__cause__ or cause.__context__
    text = str(exc).lower()
    if "certificate" in text:
        return Reason.of("certificate")
    if "name or service not known" in text or "nodename nor servname" in text or "name resolution" in text:
        return Reason.of("dns")
    if "connection refused" in text:
        return Reason.of("refused")
    if isinstance(exc, httpx.RemoteProtocolError):
        return Reason.of("no-answer")
    return Reason.of("failed", error=type(exc).__name__)


Send = Callable[["httpx.URL | str", dict[str, str]], Awaitable[httpx.Response]]


def _through_client(client: httpx.AsyncClient) -> Send:
    """A GET through httpx's client: what goes through a proxy from the environment."""

    async def send(url: httpx.URL | str, headers: dict[str, str]) -> httpx.Response:
        return await client.send(client.build_request("GET", url, headers=headers), stream=True)

    return send


# What httpx's client sends with every request, in its order; a check adds to these as the client would merge them
# (tests/test_probe_origins.py compares the two requests header by header).
CLIENT_HEADERS = (
    ("Accept", "*/*"),
    ("Accept-Encoding", "gzip, deflate"),
    ("Connection", "keep-alive"),
    ("User-Agent", f"python-httpx/{httpx.__version__}"),
)


def _straight(transport: _Transport) -> Send:
    """A GET handed straight to the lean transport, without httpx's client around it: its request building,
    cookie jar, auth and redirect steps and stream wrapping cost more CPU per check than the transport itself
    (1,000 targets: the cookie jar alone about 8 % of the round), and a check uses none of them."""

    async def send(url: httpx.URL | str, headers: dict[str, str]) -> httpx.Response:
        merged = httpx.Headers(CLIENT_HEADERS)
        merged.update(headers)
        request = httpx.Request("GET", url, headers=merged)
        response = await transport.handle_async_request(request)
        response.request = request
        return response

    return send


async def _fetch(
    send: Send, target: Target, api_key: str | None, max_body: int, first: httpx.URL | None = None
) -> Check:
    url = target.url
    started = time.perf_counter()
    for _ in range(MAX_REDIRECTS + 1):
        headers = {"accept-encoding": ACCEPT_ENCODING}
        if api_key and target.api_key and urlsplit(url).scheme == "https" and origin(url) == target.origin:
            headers["x-api-key"] = api_key
        response = await send(first if first is not None and url == target.url else url, headers)
        try:
            if response.is_redirect and "location" in response.headers:
                following = urljoin(url, response.headers["location"])
                if urlsplit(url).scheme == "https" and urlsplit(following).scheme != "https":
                    return Check(
                        None,
                        (time.perf_counter() - started) * 1000,
                        None,
                        Reason.of("insecure-redirect"),
                    )
                url = following
                continue
            latency = (time.perf_counter() - started) * 1000
            found = None
            if target.contains and response.status_code == target.expect_status:
                found = await _contains(response, target.contains, max_body)
                latency = (time.perf_counter() - started) * 1000
            else:
                await _drain(response)
            return Check(response.status_code, latency, found, None, response.extensions.get("cert_expires"))
        finally:
            await response.aclose()
    return Check(
        None, (time.perf_counter() - started) * 1000, None, Reason.of("redirects", most=MAX_REDIRECTS)
    )


async def _drain(response: httpx.Response) -> None:
    """Read a small rest of the body so that the connection can serve the next check (a new connection
    per check cost more CPU than the check itself); a big or slow body is left and its connection closed.
    Whatever happens here, the check's verdict is already made."""
    read = 0
    try:
        async with asyncio.timeout(DRAIN_SECONDS):
            async for chunk in response.aiter_raw():
                read += len(chunk)
                if read > DRAIN_BYTES:
                    return
    except (TimeoutError, httpx.HTTPError):
        return


class _Inflater:
    """gzip or deflate decoding that never yields more than `limit` bytes in all, whatever the ratio."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.raw_deflate = False
        self.encoding = encoding
        self.left = limit
        self.inflate = zlib.decompressobj(wbits=47)  # 32 + 15: a gzip or a zlib header, detected

    def feed(self, data: bytes) -> bytes:
        out = []
        while data and self.left > 0:
            try:
                piece = self.inflate.decompress(data, self.left)
            except zlib.error:
                if self.encoding == "deflate" and not self.raw_deflate:  # some servers send deflate without header
                    self.raw_deflate, self.inflate = True, zlib.decompressobj(wbits=-15)
                    continue
                raise BodyError(Reason.of("unreadable", encoding=self.encoding)) from None
            self.left -= len(piece)
            out.append(piece)
            data = self.inflate.unconsumed_tail
        return b"".join(out)


def _decoder(response: httpx.Response, limit: int) -> Callable[[bytes], bytes]:
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        return lambda chunk: chunk
    if encoding in ("gzip", "x-gzip", "deflate"):
        return _Inflater(encoding.removeprefix("x-"), limit).feed
    raise BodyError(Reason.of("encoding", encoding=encoding[:40]))


async def _contains(response: httpx.Response, text: str, max_body: int) -> bool:
    """Read only until `text` shows up or `max_body` bytes (sent or decoded) have come: never a 100 MB body."""
    needle = text.encode("utf-8")
    decode = _decoder(response, max_body)
    window = b""
    read = decoded = 0
    async for chunk in response.aiter_raw():
        read += len(chunk)
        piece = decode(chunk)
        decoded += len(piece)
        window = window[-len(needle) :] + piece
        if needle in window:
            return True
        if read >= max_body or decoded >= max_body:
            return False
    return False


async def check_all(
    targets: list[Target],
    *,
    api_key: str | None,
    timeout: float,
    concurrency: int,
    max_body: int,
    on_done: Callable[[Target, Check], None] | None = None,
) -> list[Check]:
    """One check per target, at most `concurrency` at a time, each cut off after `timeout` seconds.

    `concurrency` workers take the targets in turn. Straight to the targets they share one lean transport (idle
    connections kept per origin). Through a proxy every POOL_SIZE workers share one httpx client: httpx's pool
    rescans all its connections for every request that comes or goes, so one pool of 100 connections spent
    more CPU on bookkeeping than on the checks (1,000 targets: 5x the CPU of a raw asyncio client).
    """
    queue = list(reversed(targets))
    results: dict[int, Check] = {}
    index = {id(t): i for i, t in enumerate(targets)}
    trust = cache(ssl.create_default_context)  # one trust store for all (an http target may redirect to https)
    # Behind a proxy, httpx's own clients and transports (a CONNECT tunnel for HTTPS); else the lean transport,
    # handed each request straight. httpx ignores the environment's proxies once it is given a transport, hence
    # the choice here and not per request.
    pending: Counter[tuple[str, str, int]] = Counter()
    parsed: dict[int, httpx.URL] = {}  # each target's URL parsed once (httpx's parser is slow): counted, then sent
    for t in targets:
        with suppress(httpx.InvalidURL):  # a URL httpx refuses fails its own check, as before
            parsed[id(t)] = httpx.URL(t.url)
            pending[_origin_key(parsed[id(t)])] += 1
    workers = max(1, min(concurrency, len(targets)))

    async def work(send: Send) -> None:
        while queue:
            target = queue.pop()
            started = time.perf_counter()
            try:
                async with asyncio.timeout(timeout):  # no extra task per check, unlike wait_for
                    check = await _fetch(send, target, api_key, max_body, parsed.get(id(target)))
            except Exception as exc:  # every failure becomes a reason; the key is never part of it
                check = Check(None, (time.perf_counter() - started) * 1000, None, _reason(exc))
            results[index[id(target)]] = check
            if on_done is not None:
                on_done(target, check)

    async with AsyncExitStack() as stack:
        if not _proxies_in_environment():
            transport = _Transport(trust, pending)
            stack.push_async_callback(transport.aclose)
            await asyncio.gather(*(work(_straight(transport)) for _ in range(workers)))
        else:
            senders = []
            for first in range(0, workers, POOL_SIZE):
                size = min(POOL_SIZE, workers - first)
                client = httpx.AsyncClient(
                    limits=httpx.Limits(max_connections=size, max_keepalive_connections=size),
                    timeout=httpx.Timeout(timeout),
                    follow_redirects=False,
                    verify=trust(),
                    # HTTPS_PROXY, HTTP_PROXY, NO_PROXY: behind a corporate proxy every check goes through it
                    trust_env=True,
                )
                senders.append(_through_client(await stack.enter_async_context(client)))
            await asyncio.gather(*(work(senders[w // POOL_SIZE]) for w in range(workers)))
    return [results[i] for i in range(len(targets))]
