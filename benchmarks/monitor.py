"""Monitor benchmark: N targets on a loopback server that each answer after 200 ms.

    python benchmarks/monitor.py [--runs 5] [--targets 50] [--delay-ms 200] [--concurrency 10] [--quick]

Targets: (issue 4) the whole `calamiteit monitor` run within 1.5x of (the slowest single target plus the tool's own
start-up), which is what `calamiteit monitor --only <one target>` measures, judged when all targets fit under the
cap at once; (issue 12) at 1,000 targets within 1.3x the wall time and 3x the CPU time of a raw asyncio socket
client measured in the same run: its own process, the same cap on concurrent connections, and like the tool it keeps
its connections (HTTP/1.1 keep-alive: each of its `cap` connections serves one GET after the other), reading each
status line, header and body. Up to 100 targets, a sequential loop (one httpx request after the other) also shows
what concurrency buys. Every run's exit code is checked, and the monitor's JSON must say every target is available.

`--origins distinct` (issue 27): every target on its own loopback port (one asyncio server listening on N ports),
so that no connection can be shared between two targets, the raw client opening one per origin as the tool must;
the monitor is then also run with its table output (no --json), against the same raw client.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import bench
import httpx

from dso_calamiteit.adapters import config

SEQUENTIAL_UP_TO = 100
RAW_AT = 1_000  # issue 12 set its targets against the raw client at this many targets


def server(delay_s: float) -> ThreadingHTTPServer:
    class Slow(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: object) -> None:
            pass

        def do_GET(self) -> None:
            time.sleep(delay_s)
            body = b"ok"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256  # the listen backlog: the default 5 would drop simultaneous connections

        def handle_error(self, request: object, client_address: object) -> None:
            pass

    httpd = Server(("127.0.0.1", 0), Slow)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def servers(delay_s: float, count: int) -> tuple[list[int], object]:
    """One asyncio loop in a thread listening on `count` loopback ports, each answering like `server`; the
    ports and a stop function."""
    import asyncio

    ready: list[int] = []
    started = threading.Event()
    box: dict[str, object] = {}

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while (line := await reader.readline()) and line.startswith(b"GET"):
                while (await reader.readline()) not in (b"\r\n", b""):
                    pass
                await asyncio.sleep(delay_s)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def run() -> None:
        listening = [await asyncio.start_server(answer, "127.0.0.1", 0, backlog=256) for _ in range(count)]
        ready.extend(srv.sockets[0].getsockname()[1] for srv in listening)
        stop = asyncio.Event()
        box["stop"] = lambda: loop.call_soon_threadsafe(stop.set)
        started.set()
        await stop.wait()
        for srv in listening:
            srv.close()

    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True).start()
    started.wait()
    return ready, box["stop"]


RAW_CLIENT = """
import asyncio, sys
from urllib.parse import urlsplit

async def connection(queue, wrong):
    # one kept connection: a GET, its status line, headers and body read to the end, then the next GET
    reader = writer = None
    origin = None
    while not queue.empty():
        url = queue.get_nowait()
        parts = urlsplit(url)
        if writer is not None and parts.netloc != origin:  # another origin: its own connection
            writer.close()
            await writer.wait_closed()
            writer = None
        if writer is None:
            reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
            origin = parts.netloc
        writer.write(f"GET {parts.path} HTTP/1.1\\r\\nHost: {parts.netloc}\\r\\n\\r\\n".encode())
        await writer.drain()
        status, length = await reader.readline(), 0
        while (line := await reader.readline()) not in (b"\\r\\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await reader.readexactly(length)
        if b" 200 " not in status:
            wrong.append(f"{url}: {status!r}")
    if writer is not None:
        writer.close()
        await writer.wait_closed()

async def main():
    urls, wrong = sys.stdin.read().split(), []
    queue = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    await asyncio.gather(*(connection(queue, wrong) for _ in range(min(int(sys.argv[1]), len(urls)))))
    if wrong or not urls:
        raise SystemExit(f"raw client: {wrong[:3]}")

asyncio.run(main())
"""


def measured(argv: list[str], env: dict[str, str], stdin: bytes | None = None) -> tuple[float, float, str]:
    """Wall and CPU (user + system) seconds of one child process, and what it printed; it must exit 0."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    if stdin is not None:
        proc.stdin.write(stdin)
    proc.stdin.close()
    out = proc.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise bench.Failed(f"{' '.join(argv[:3])} exited {code}")
    return wall, usage.ru_utime + usage.ru_stime, out


def paired(times: list[float], floor: list[float]) -> float:
    """The median of the per-run ratios (each run's commands run one after the other: same neighbours)."""
    import statistics

    return statistics.median(t / f for t, f in zip(times, floor, strict=True))


def all_available(out: str, names: list[str]) -> None:
    states = {r["name"]: r["state"] for r in json.loads(out)["results"]}
    if states != dict.fromkeys(names, "beschikbaar"):
        wrong = {k: v for k, v in states.items() if v != "beschikbaar"}
        raise bench.Failed(f"monitor: {len(states)} results of {len(names)}, not available: {list(wrong)[:3]}")


def options(cli: argparse.ArgumentParser) -> None:
    cli.add_argument(
        "--concurrency", type=int, default=None, help="the config's cap (1..100); default: min(targets, 100)"
    )
    cli.add_argument("--exe", help="the calamiteit to measure, e.g. one installed without the test extras")
    cli.add_argument("--origins", choices=("one", "distinct"), default="one",
                     help="all targets on one server (default) or each on its own port")


def main() -> int:
    args = bench.arguments(__doc__, {"runs": (5, 1), "targets": (50, 20), "delay_ms": (200, 50)}, options)
    cap = args.concurrency or min(args.targets, 100)  # a cap of the config, whatever the number of targets
    exe = bench.executable(args.exe)
    distinct = args.origins == "distinct"
    if distinct:
        ports, stop = servers(args.delay_ms / 1000, args.targets)
        urls = [f"http://127.0.0.1:{port}/app/{i}" for i, port in enumerate(ports)]
    else:
        httpd = server(args.delay_ms / 1000)
        stop = httpd.shutdown
        urls = [f"http://127.0.0.1:{httpd.server_address[1]}/app/{i}" for i in range(args.targets)]
    names = [f"doel-{i:02d}" for i in range(args.targets)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "cfg"
        (folder / "config").mkdir(parents=True)
        lines = [f"concurrency: {cap}", "timeout_s: 30", "targets:"]
        lines += [f"  - {{name: {n}, url: '{u}', env: prod, budget_ms: 5000}}"
                  for n, u in zip(names, urls, strict=True)]
        (folder / "config" / "monitor.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        env = dict(os.environ, CALAMITEIT_CACHE_DIR=str(Path(tmp) / "cache"), CALAMITEIT_DATA_DIR=str(Path(tmp) / "d"))
        for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            env.pop(var, None)
        config.load(config.locate(folder))  # validate once; the commands below then use the warm cache
        whole = [exe, "monitor", "--json", "--config-dir", str(folder)]
        single = [*whole, "--only", "doel-00"]
        all_available(measured(whole, env)[2], names)
        times: dict[str, list[float]] = {"single": [], "whole": [], "sequential": [], "raw": [], "table": []}
        cpu: dict[str, list[float]] = {"whole": [], "raw": [], "table": []}
        raw = [sys.executable, "-c", RAW_CLIENT, str(cap)]
        table = [exe, "monitor", "--config-dir", str(folder)]
        runs = [("single", single), ("whole", whole), ("raw", raw)] + ([("table", table)] if distinct else [])
        for _ in range(args.runs):
            for name, argv in runs:
                wall, used, out = measured(argv, env, "\n".join(urls).encode() if name == "raw" else None)
                if name == "table" and f"{args.targets} van {args.targets} beschikbaar" not in " ".join(out.split()):
                    raise bench.Failed(f"monitor table: not {args.targets} of {args.targets} available")
                elif name in ("single", "whole"):
                    all_available(out, names if name == "whole" else names[:1])
                times[name].append(wall)
                if name in cpu:
                    cpu[name].append(used)
            if args.targets <= SEQUENTIAL_UP_TO:  # one after the other: 1,000 targets would take minutes a run
                started = time.perf_counter()
                with httpx.Client(trust_env=False) as client:
                    for url in urls:
                        client.get(url).raise_for_status()
                times["sequential"].append(time.perf_counter() - started)
    stop()  # type: ignore[operator]
    med = {k: bench.median_ms(v) for k, v in times.items() if v}
    print(f"{args.targets} targets answering after {args.delay_ms} ms, {cap} at a time; median of {args.runs} runs")
    print(f"  calamiteit monitor --only one target (start-up + slowest single): {med['single']:8.0f} ms")
    print(f"  calamiteit monitor, all {args.targets} targets:                        {med['whole']:8.0f} ms")
    cpu_med = {k: bench.median_ms(v) for k, v in cpu.items() if v}
    print(f"  raw asyncio client, same targets and cap, connections kept:      {med['raw']:8.0f} ms")
    if distinct:
        print(f"  calamiteit monitor, table output:                                {med['table']:8.0f} ms")
    print(f"  CPU: monitor {cpu_med['whole']:.0f} ms, raw client {cpu_med['raw']:.0f} ms")
    print(f"  targets on {'their own ports (distinct origins)' if distinct else 'one server (one origin)'}; "
          f"median of per-run ratios, monitor / raw: {paired(times['whole'], times['raw']):.2f}x"
          + (f", table / raw: {paired(times['table'], times['raw']):.2f}x" if distinct else ""))
    if times["sequential"]:
        print(f"  sequential httpx loop over the same targets (in-process):        {med['sequential']:8.0f} ms")
        print(f"  sequential / whole:          {med['sequential'] / med['whole']:.1f}x")
    # Each target at the scale its issue set it: all targets at once (issue 4: no more than the cap), and 1,000
    # targets (issue 12); at another size the ratio is shown, not judged.
    report = bench.Report(args.quick)
    ratios = {
        "whole / (start-up + slowest single)": (med["whole"] / med["single"], 1.5, args.targets <= cap),
        f"wall, {args.targets} targets / raw client": (
            paired(times["whole"], times["raw"]), 1.3, args.targets >= RAW_AT
        ),
        f"CPU, {args.targets} targets / raw client": (cpu_med["whole"] / cpu_med["raw"], 3.0, args.targets >= RAW_AT),
    }
    if distinct:
        ratios[f"wall, table output, {args.targets} targets / raw client"] = (
            paired(times["table"], times["raw"]), 1.3, args.targets >= RAW_AT
        )
    for what, (ratio, limit, judged) in ratios.items():
        if judged or args.quick:
            report.at_most(what, ratio, limit)
        else:
            print(f"  {what}: {ratio:.2f}x (its target, <= {limit:.2f}x, is set for another number of targets)")
    return report.finish()


if __name__ == "__main__":
    bench.main(main)
