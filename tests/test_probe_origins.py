"""The monitor keeps a connection only while a check of the round may still use it (issue 27: 1,000 targets each
on their own origin kept 1,000 idle sockets open to the end of the round, and every new connection then cost
the kernel several times more): a target's connection serves the next target of the same origin, and is
closed once no check of the round is left for its origin."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable

import httpx
import pytest
import trustme

from dso_calamiteit.adapters import probe
from dso_calamiteit.domain.monitoring import Target

from .servers import serve


def test_a_connection_is_kept_for_its_origin_and_closed_when_no_check_is_left() -> None:
    async def scenario() -> list[tuple[str, int]]:
        open_now: set[object] = set()
        seen: list[tuple[str, int]] = []  # per request: its server, and the connections open (all servers) then

        def handler(name: str):
            async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                open_now.add(writer)
                try:
                    while (line := await reader.readline()) and line.startswith(b"GET"):
                        while (await reader.readline()) not in (b"\r\n", b""):
                            pass
                        await asyncio.sleep(0.05)  # an earlier connection's close has reached its server
                        seen.append((name, len(open_now)))
                        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                        await writer.drain()
                finally:
                    open_now.discard(writer)
                    writer.close()

            return answer

        servers = {n: await asyncio.start_server(handler(n), "127.0.0.1", 0) for n in "ABC"}
        port = {n: s.sockets[0].getsockname()[1] for n, s in servers.items()}
        order = "AABCA"  # A thrice (reused while an A is still to come), B and C once each
        targets = [Target(f"doel-{i}", f"http://127.0.0.1:{port[n]}/{i}", "prod") for i, n in enumerate(order)]
        checks = await probe.check_all(targets, api_key=None, timeout=10, concurrency=1, max_body=1000)
        assert [c.status for c in checks] == [200] * len(order)
        for s in servers.values():
            s.close()
        return seen

    seen = asyncio.run(scenario())
    # A's connection serves the second A and stays open for the last A; B's and C's close after their one check
    assert seen == [("A", 1), ("A", 1), ("B", 2), ("C", 2), ("A", 1)]


def heads_seen(targets_of: Callable[[int], list[Target]], client_too: bool = False) -> list[list[bytes]]:
    """The header lines a loopback server receives, one list per request: the probe's checks of the targets
    (given the server's port), then (client_too) one GET from httpx's own client, as the monitor sent before."""

    async def scenario() -> list[list[bytes]]:
        heads: list[list[bytes]] = []

        async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while (line := await reader.readline()) and line.startswith(b"GET"):
                    head = [line]
                    while (line := await reader.readline()) not in (b"\r\n", b""):
                        head.append(line)
                    heads.append(head)
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                    await writer.drain()
            except asyncio.CancelledError:  # a connection still open when the scenario ends
                pass
            finally:
                writer.close()

        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        checks = await probe.check_all(targets_of(port), api_key="geheim", timeout=10, concurrency=2, max_body=1000)
        assert {c.status for c in checks} == {200}
        if client_too:
            async with httpx.AsyncClient(trust_env=False) as client:
                await client.get(f"http://127.0.0.1:{port}/0", headers={"accept-encoding": probe.ACCEPT_ENCODING})
        server.close()
        return heads

    return asyncio.run(scenario())


def test_a_check_sends_the_request_httpxs_client_sent() -> None:
    """Handed straight to the transport, a check's GET is byte for byte the one httpx's client built for it:
    the same header lines in the same order (the check's Accept-Encoding last, as the client merged it); its
    query string goes along."""
    *checks, client = heads_seen(lambda port: [Target("doel", f"http://127.0.0.1:{port}/0", "prod")], True)
    assert checks == [client]
    assert [line.split(b":")[0].lower() for line in client[1:]] == [
        b"host",
        b"accept",
        b"connection",
        b"user-agent",
        b"accept-encoding",
    ]
    (query,) = heads_seen(lambda port: [Target("doel", f"http://127.0.0.1:{port}/pad?x=1&y=%C3%A9", "prod")])
    assert query[0] == b"GET /pad?x=1&y=%C3%A9 HTTP/1.1\r\n"


def test_plain_http_targets_load_no_trust_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the system's trust store costs tens of milliseconds: a round of plain-http targets never does,
    a round with HTTPS targets does it once, at the first HTTPS connection (a self-signed server: refused)."""
    loaded: list[ssl.SSLContext] = []
    real = ssl.create_default_context

    def counted(*args: object, **kwargs: object) -> ssl.SSLContext:
        loaded.append(real(*args, **kwargs))  # type: ignore[arg-type]
        return loaded[-1]

    monkeypatch.setattr(ssl, "create_default_context", counted)
    heads_seen(lambda port: [Target(f"doel-{i}", f"http://127.0.0.1:{port}/{i}", "prod") for i in range(3)])
    assert loaded == []
    ca = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with serve(tls=context) as (base, _):
        targets = [Target(f"tls-{i}", f"{base}/ok", "prod") for i in range(3)]
        checks = asyncio.run(probe.check_all(targets, api_key=None, timeout=10, concurrency=2, max_body=1000))
    assert [c.failure.kind if c.failure else None for c in checks] == ["certificate"] * 3
    assert len(loaded) == 1


def test_httpxs_own_command_line_client_is_not_imported() -> None:
    """httpx imports its CLI (click, rich, pygments) when those are installed; the probe keeps it out, and
    httpx's stub for a missing CLI stands in."""
    import subprocess
    import sys

    code = (
        "import sys; from dso_calamiteit.adapters import probe; "
        "print(sorted(m for m, v in sys.modules.items() if v and m.split('.')[0] in ('click', 'pygments', 'httpx')"
        " and m.split('.')[-1] == '_main' or m.split('.')[0] in ('click', 'pygments')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert probe.httpx.main.__module__ == "httpx"  # the stub, not httpx._main's
