"""A real `calamiteit web` on loopback for the web tests: the console script in its own process, on a free
port, stopped by its own process id when the test ends."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .conftest import default_sigint

SCRIPT = Path(sys.executable).parent / "calamiteit"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Site:
    url: str
    port: int
    process: subprocess.Popen[str]


@contextmanager
def serving(*args: str, env: dict[str, str] | None = None, host: str = "127.0.0.1",
            scheme: str = "http") -> Iterator[Site]:
    """`calamiteit web` started with `args`, ready to answer; its console output is checked by the caller."""
    port = free_port()
    process = subprocess.Popen(
        [str(SCRIPT), "web", "--host", host, "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        preexec_fn=default_sigint,  # a test stops it with Ctrl-C, also under a runner that ignores SIGINT
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                _, err = process.communicate()
                raise AssertionError(f"calamiteit web stopte met {process.returncode}: {err.strip()}")
            try:
                socket.create_connection(("127.0.0.1" if host in ("0.0.0.0", "127.0.0.1") else host, port), 0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("calamiteit web luistert na 20 s nog niet") from None
                time.sleep(0.05)
        shown = "127.0.0.1" if host == "0.0.0.0" else host
        yield Site(f"{scheme}://{shown}:{port}", port, process)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
