"""Monitor benchmark: N targets on a loopback server that each answer after 200 ms.

    python benchmarks/monitor.py [--runs 5] [--targets 50] [--delay-ms 200] [--concurrency 10]

Targets: (issue 4) the whole `calamiteit monitor` run within 1.5x of (the slowest single target plus the tool's
own start-up), which is what `calamiteit monitor --only <one target>` measures; (issue 12) at 1,000 targets
within 1.3x the wall time and 3x the CPU time of a raw asyncio socket client (its own process, the same cap on
concurrent connections, one GET per target, the status line checked), measured in the same run. Up to 100
targets, a sequential loop (one httpx request after the other) also shows what concurrency buys.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from dso_calamiteit.adapters import config

BIN = Path(sys.executable).parent
SEQUENTIAL_UP_TO = 100


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


RAW_CLIENT = """
import asyncio, sys
from urllib.parse import urlsplit

async def get(url, gate):
    parts = urlsplit(url)
    async with gate:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        writer.write(f"GET {parts.path} HTTP/1.1\\r\\nHost: {parts.netloc}\\r\\nConnection: close\\r\\n\\r\\n".encode())
        await writer.drain()
        status = await reader.readline()
        await reader.read()
        writer.close()
        await writer.wait_closed()
        if b" 200 " not in status:
            raise SystemExit(f"{url}: {status!r}")

async def main():
    gate = asyncio.Semaphore(int(sys.argv[1]))
    urls = sys.stdin.read().split()
    await asyncio.gather(*(get(u, gate) for u in urls))

asyncio.run(main())
"""


def measured(argv: list[str], env: dict[str, str], stdin: bytes | None = None) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    if stdin is not None and proc.stdin is not None:
        proc.stdin.write(stdin)
    if proc.stdin is not None:
        proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv[0]} exited {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--targets", type=int, default=50)
    parser.add_argument("--delay-ms", type=int, default=200)
    parser.add_argument(
        "--concurrency", type=int, default=None, help="the config's cap (1..100); default: min(targets, 100)"
    )
    parser.add_argument("--exe", help="the calamiteit to measure, e.g. one installed without the test extras")
    args = parser.parse_args()
    cap = args.concurrency or min(args.targets, 100)  # a cap of the config, whatever the number of targets
    exe = args.exe or shutil.which("calamiteit", path=str(BIN)) or "calamiteit"
    httpd = server(args.delay_ms / 1000)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    urls = [f"{base}/app/{i}" for i in range(args.targets)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "cfg"
        (folder / "config").mkdir(parents=True)
        lines = [f"concurrency: {cap}", "timeout_s: 30", "targets:"]
        lines += [f"  - {{name: doel-{i:02d}, url: '{u}', env: prod, budget_ms: 5000}}" for i, u in enumerate(urls)]
        (folder / "config" / "monitor.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        env = dict(os.environ, CALAMITEIT_CACHE_DIR=str(Path(tmp) / "cache"), CALAMITEIT_DATA_DIR=str(Path(tmp) / "d"))
        for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            env.pop(var, None)
        config.load(config.locate(folder))  # validate once; the commands below then use the warm cache
        whole = [exe, "monitor", "--json", "--config-dir", str(folder)]
        single = [*whole, "--only", "doel-00"]
        subprocess.run(whole, env=env, stdout=subprocess.DEVNULL, check=False)
        times: dict[str, list[float]] = {"single": [], "whole": [], "sequential": [], "raw": []}
        cpu: dict[str, list[float]] = {"whole": [], "raw": []}
        raw = [sys.executable, "-c", RAW_CLIENT, str(cap)]
        for _ in range(args.runs):
            for name, argv in (("single", single), ("whole", whole), ("raw", raw)):
                wall, used = measured(argv, env, "\n".join(urls).encode() if name == "raw" else None)
                times[name].append(wall)
                if name in cpu:
                    cpu[name].append(used)
            if args.targets <= SEQUENTIAL_UP_TO:  # one after the other: 1,000 targets would take minutes a run
                started = time.perf_counter()
                with httpx.Client(trust_env=False) as client:
                    for url in urls:
                        client.get(url).raise_for_status()
                times["sequential"].append(time.perf_counter() - started)
    httpd.shutdown()
    med = {k: statistics.median(v) * 1000 for k, v in times.items() if v}
    print(f"{args.targets} targets answering after {args.delay_ms} ms, {cap} at a time; median of {args.runs} runs")
    print(f"  calamiteit monitor --only one target (start-up + slowest single): {med['single']:8.0f} ms")
    print(f"  calamiteit monitor, all {args.targets} targets:                        {med['whole']:8.0f} ms")
    print(f"  whole / (start-up + single): {med['whole'] / med['single']:.2f}x  (target <= 1.50)")
    cpu_med = {k: statistics.median(v) * 1000 for k, v in cpu.items()}
    print(f"  raw asyncio socket client, same targets and cap (own process):   {med['raw']:8.0f} ms")
    print(
        f"  monitor / raw client: wall {med['whole'] / med['raw']:.2f}x (target <= 1.30), "
        f"CPU {cpu_med['whole']:.0f} / {cpu_med['raw']:.0f} ms = {cpu_med['whole'] / cpu_med['raw']:.2f}x "
        "(target <= 3.00)"
    )
    if times["sequential"]:
        print(f"  sequential httpx loop over the same targets (in-process):        {med['sequential']:8.0f} ms")
        print(f"  sequential / whole:          {med['sequential'] / med['whole']:.1f}x")


if __name__ == "__main__":
    main()
