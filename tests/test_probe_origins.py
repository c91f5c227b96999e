"""The monitor keeps a connection only while a check of the round may still use it (issue 27: 1,000 targets each
on their own origin kept 1,000 idle sockets open to the end of the round, and every new connection then cost
the kernel several times more): a target's connection serves the next target of the same origin, and is
closed once no check of the round is left for its origin."""

from __future__ import annotations

import asyncio

from dso_calamiteit.adapters import probe
from dso_calamiteit.domain.monitoring import Target


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
