"""A call-out to a team of 30 on three channels completes within 1.5x the slowest channel's own time: the
channels run side by side (issue 22).

    python benchmarks/callout.py [--quick] [--people N] [--runs N]

Real servers on loopback, each with a latency per message as a real one has: SMTP (aiosmtpd, 40 ms per
message, one message per recipient), a Teams Workflows webhook (500 ms per POST) and an SMS gateway (350 ms per
POST). Measured: `calamiteit oproep ID --verstuur --ja` on a fresh incident, with the routes set to one channel
at a time (each channel's own time, start-up included) and then to all three. Target: all three <= 1.5x the
slowest single channel (the median of `--runs` runs each).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import bench

from dso_calamiteit.adapters import config

SMTP_MS, TEAMS_MS, SMS_MS = 40, 500, 350
RUN = """
import sys
from datetime import UTC, datetime
from dso_calamiteit.adapters import clock
clock.now = lambda: datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
from dso_calamiteit.cli import root
sys.exit(root.run(sys.argv[1:]))
"""


def team(folder: Path, shipped: Path, people: int) -> None:
    """The shipped configuration with `people` more advisers in the OCT, always reachable."""
    (folder / "config").mkdir(parents=True, exist_ok=True)
    for name in config.FILES.values():
        (folder / name).write_bytes((shipped / name).read_bytes())
    contacts = (folder / "contacts.yaml").read_text(encoding="utf-8")
    extra = "".join(
        f"  - id: adviseur-{i}\n    org: gemeenten\n    role: Adviseur {i}\n    name: Adviseur {i}\n"
        "    tier: tactisch\n"
        f"    phone: \"+31 00 0001 {i:04d}\"\n    email: adviseur{i}@gemeente.example.nl\n"
        for i in range(people)
    )
    (folder / "contacts.yaml").write_text(contacts.replace("\ncontacts:\n", "\ncontacts:\n" + extra, 1), "utf-8")
    teams = (folder / "config" / "teams.yaml").read_text(encoding="utf-8")
    last = "      - {group: koepel, org: uvw, role: Adviseur Omgevingswet}\n"
    seats = "".join(f"      - {{group: opgeroepen, org: gemeenten, role: Adviseur {i}}}\n" for i in range(people))
    (folder / "config" / "teams.yaml").write_text(teams.replace(last, last + seats, 1), "utf-8")
    readiness = (folder / "config" / "paraatheid.yaml").read_text(encoding="utf-8")
    always = "".join(f"  - contact: adviseur-{i}\n    always: true\n" for i in range(people))
    readiness = readiness.replace("\nschedules:\n", "\nschedules:\n" + always, 1)
    (folder / "config" / "paraatheid.yaml").write_text(readiness, "utf-8")


def routes(folder: Path, port: int, channels: str) -> None:
    (folder / "config" / "oproep.yaml").write_text(
        f"email:\n  host: 127.0.0.1\n  port: {port}\n  security: geen\n  sender: calamiteiten@dso.example.nl\n"
        "webhooks:\n  - id: teams-oct\n    kind: teams\n    url_from: BENCH_TEAMS_URL\n"
        "  - id: sms\n    kind: json\n    url_from: BENCH_SMS_URL\n"
        f"routes:\n  default: [{channels}]\n",
        "utf-8",
    )


def start_smtp() -> Any:
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            await asyncio.sleep(SMTP_MS / 1000)
            return "250 OK"

    import socket

    with socket.socket() as probe:  # a free port (the controller cannot take 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def start_hooks() -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: object) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            time.sleep((TEAMS_MS if self.path == "/teams" else SMS_MS) / 1000)
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def body() -> int:
    args = bench.arguments(__doc__, {"people": (30, 5), "runs": (5, 1)})
    report = bench.Report(args.quick)
    smtp = start_smtp()
    hooks, base = start_hooks()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "cfg"
            team(folder, config.shipped_dir(), args.people)
            env = dict(os.environ, CALAMITEIT_DATA_DIR=str(Path(tmp) / "data"), BENCH_TEAMS_URL=base + "/teams",
                       BENCH_SMS_URL=base + "/sms")
            env.pop("CALAMITEIT_DB", None)
            cli = [sys.executable, "-c", RUN]

            def opened() -> str:
                import subprocess

                done = subprocess.run([*cli, "incident", "open", "Storing", "--level", "1"], env=env,
                                      capture_output=True, text=True, check=True)
                return done.stdout.strip()

            def timed(channels: str) -> float:
                routes(folder, smtp.port, channels)
                times = []
                for _ in range(args.runs):
                    incident = opened()
                    argv = [*cli, "oproep", incident, "--verstuur", "--ja", "--config-dir", str(folder)]
                    times.append(bench.run(argv, env))
                return bench.median_ms(times)

            alone = {name: timed(name) for name in ("email", "teams-oct", "sms")}
            together = timed("email, teams-oct, sms")
    finally:
        smtp.stop()
        hooks.shutdown()
    slowest = max(alone, key=lambda k: alone[k])
    for name, ms in alone.items():
        print(f"{name:<10} alone: {ms:8.0f} ms")
    print(f"all three together: {together:8.0f} ms ({args.people + 4} recipients on each channel)")
    report.at_most(f"3 channels / slowest alone ({slowest})", together / alone[slowest], 1.5)
    return report.finish()


if __name__ == "__main__":
    bench.main(body)
