"""A throw-away PostgreSQL cluster for the tests: a real server on a free loopback port, in a temporary
folder, removed afterwards. `initdb` refuses to run as root, so as root the cluster runs as `postgres`.

On a machine without the server binaries the PostgreSQL tests are skipped, saying what is missing and how to
install it (tests/parts.py), except where CALAMITEIT_REQUIRE_POSTGRES is set (.ci/run sets it): there a missing
server fails the run.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

REQUIRE = "CALAMITEIT_REQUIRE_POSTGRES"
SERVER = "installeer met: apt-get install postgresql (en zet /usr/lib/postgresql/<versie>/bin op PATH)"


@dataclass
class Cluster:
    folder: Path
    port: int
    password: str
    as_user: list[str]

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str, user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, "pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def missing() -> tuple[str, str] | None:
    """Why no cluster can be started here and how to fix that, or None."""
    for binary in ("initdb", "pg_ctl", "postgres"):
        if shutil.which(binary) is None:
            return f"serverprogramma '{binary}' staat niet op PATH", SERVER
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "als root is runuser nodig om initdb als gebruiker postgres te draaien", "apt-get install util-linux"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is niet geïnstalleerd", "installeer met: pip install -e '.[test]'"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(durable: bool = False) -> Cluster:
    """A cluster for the tests: fast, not durable (fsync and synchronous commit off). `durable` keeps the
    server's defaults (fsync, synchronous_commit on), for a benchmark that compares durable transactions."""
    folder = Path(tempfile.mkdtemp(prefix="calamiteit-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    password = secrets.token_hex(12)
    pwfile = folder / "pw"
    pwfile.write_text(password)
    if as_user:
        shutil.chown(pwfile, "postgres")
    data = folder / "data"
    subprocess.run(
        [*as_user, "initdb", "-D", str(data), "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
         f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
        check=True, capture_output=True,
    )
    for _attempt in range(5):  # a port found free may be taken before the server binds it
        port = free_port()
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={folder} "
                   "-c max_connections=100")
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        started = subprocess.run(
            [*as_user, "pg_ctl", "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"],
            capture_output=True, check=False,
        )
        if started.returncode == 0:
            return Cluster(folder, port, password, as_user)
    log = (folder / "log").read_text(errors="replace")[-2000:] if (folder / "log").exists() else ""
    shutil.rmtree(folder, ignore_errors=True)
    raise RuntimeError(f"PostgreSQL did not start: {log}")
