"""Shared fixtures: every test runs in an empty folder with its own cache and user config folder."""

from __future__ import annotations

import multiprocessing
import multiprocessing.process
import os
import secrets
import signal
import subprocess
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from dso_calamiteit.adapters import config
from dso_calamiteit.cli import root
from dso_calamiteit.domain import language

from . import parts, postgres

if TYPE_CHECKING:
    from dso_calamiteit.adapters.stores import Store

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test sees the developer's own files: cwd, user config and cache all point into tmp."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("CALAMITEIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CALAMITEIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CALAMITEIT_AUTEUR", "Coördinator Test")
    for var in ("CALAMITEIT_DB", "PGPASSWORD", "PGSERVICE", "CALAMITEIT_CONFIG_DIR", "CALAMITEIT_NO_CACHE"):
        monkeypatch.delenv(var, raising=False)
    for var in ("CALAMITEIT_DEBUG", "NO_COLOR", "PYTHON_KEYRING_BACKEND"):
        monkeypatch.delenv(var, raising=False)
    # Dutch, whatever the developer's own locale says (a test of English asks for it)
    for var in ("CALAMITEIT_LANG", "CALAMITEIT_TAAL", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    language.use("nl", None)  # an earlier in-process run with --lang en leaves English behind
    monkeypatch.setenv("COLUMNS", "200")
    return work


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[postgres.Cluster]:
    """One real PostgreSQL server for the whole run, or for each worker of pytest-xdist (skipped loudly, with
    what is missing, where none can start; see tests/parts.py)."""
    lacking = postgres.missing()
    if lacking:
        parts.missing(parts.POSTGRES, *lacking)
    cluster = postgres.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_databases(pg_cluster: postgres.Cluster, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], str]]:
    """Makes new, empty databases with the logbook schema for one test; each call gives one URL (no password
    in it: the password is in PGPASSWORD, as a coordinator would have it). Dropped afterwards."""
    import psycopg

    from dso_calamiteit.adapters.stores import Location, open_store

    monkeypatch.setenv("PGPASSWORD", pg_cluster.password)
    made: list[str] = []

    def make() -> str:
        name = f"t_{secrets.token_hex(6)}"
        with psycopg.connect(pg_cluster.admin_url, autocommit=True, password=pg_cluster.password) as admin:
            admin.execute(f"CREATE DATABASE {name}")
            # The tests move the tool's clock by hand (clock.now); the server's cannot follow. So their databases
            # admit any entry time, as an import does; the tests of that rule (test_record_reads) turn it back on.
            admin.execute(f"ALTER DATABASE {name} SET calamiteit.import = 'on'")
        made.append(name)
        url = pg_cluster.url(name)
        open_store(Location(url=url), upgrade=True).close()
        return url

    yield make
    with psycopg.connect(pg_cluster.admin_url, autocommit=True, password=pg_cluster.password) as admin:
        for name in made:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def pg_database(pg_databases: Callable[[], str]) -> str:
    """One new database with the logbook schema (see pg_databases)."""
    return pg_databases()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> Iterator[None]:
    """A skip is loud: the run ends with one line per missing part (PostgreSQL, chromium) and how to install it,
    after pytest's short summary and just above its count."""
    yield
    reasons = []
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reasons.append(reason.removeprefix("Skipped: "))
    if reasons:
        terminalreporter.section("overgeslagen", sep="=", yellow=True, bold=True)
        for line in parts.summary(reasons):
            terminalreporter.line(line, yellow=True, bold=line.count(parts.PREFIX) > 0)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test about the SQLite file itself (modes, WAL, header) has no PostgreSQL variant, and one about what only
    a server has (TRUNCATE) no SQLite variant: not collected."""
    other = {"sqlite_only": "postgres", "postgres_only": "sqlite"}
    dropped = [
        item
        for item in items
        for marker, engine in other.items()
        if item.get_closest_marker(marker)
        and getattr(getattr(item, "callspec", None), "params", {}).get("backend") == engine
    ]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a logbook test on both engines: the SQLite file (CALAMITEIT_DATA_DIR) and a fresh PostgreSQL
    database (CALAMITEIT_DB). A test about what only a file has is marked `sqlite_only`."""
    if request.param == "postgres":
        monkeypatch.setenv("CALAMITEIT_DB", request.getfixturevalue("pg_database"))
    return str(request.param)


@pytest.fixture
def elsewhere(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest):
    """Switch to another, empty logbook on the same engine (a colleague's, for a handover)."""

    def switch(name: str = "elders") -> None:
        monkeypatch.setenv("CALAMITEIT_DATA_DIR", str(tmp_path / name))
        if backend == "postgres":
            monkeypatch.setenv("CALAMITEIT_DB", request.getfixturevalue("pg_databases")())

    return switch


@pytest.fixture
def english() -> Iterator[None]:
    """The domain speaks English for one test (a pure call, no CLI run), Dutch again after it."""
    from dso_calamiteit.views import i18n

    language.use("en", i18n._catalogue("en"))
    try:
        yield
    finally:
        language.use("nl", None)


@dataclass
class Result:
    code: int
    out: str
    err: str


Invoke = Callable[..., Result]


@pytest.fixture
def calamiteit(capsys: pytest.CaptureFixture[str]) -> Invoke:
    """Run the CLI in-process through the same entry point as the console script."""

    def invoke(*args: str) -> Result:
        capsys.readouterr()
        code = root.run(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def shipped() -> Path:
    return config.shipped_dir()


@pytest.fixture
def make_config(tmp_path: Path, shipped: Path) -> Callable[..., Path]:
    """A config folder holding copies of the shipped files, with some replaced by the given texts."""

    def make(**files: str) -> Path:
        folder = tmp_path / "cfg"
        (folder / "config").mkdir(parents=True, exist_ok=True)
        for kind, name in config.FILES.items():
            text = files.get(kind)
            target = folder / name
            if text is None:
                target.write_bytes((shipped / name).read_bytes())
            else:
                target.write_text(textwrap.dedent(text), encoding="utf-8")
        return folder

    return make


def all_answers(value: str = "nee") -> list[str]:
    """`--answer ID=value` for every shipped criterion."""
    cfg = config.load(config.locate(config.shipped_dir()), use_cache=False)
    args: list[str] = []
    for _, c in cfg.criteria.all_criteria():
        args += ["--answer", f"{c.id}={value}"]
    return args


def default_sigint() -> None:
    """`preexec_fn` for a child that a test interrupts: SIGINT as the system gives it. A runner that ignores
    SIGINT (nohup, some CI) passes that on, and Python then installs no KeyboardInterrupt at all."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def env_without_cache(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["CALAMITEIT_CACHE_DIR"] = str(tmp / "cache")
    return env


def open_logbook(folder: Path, **options: object) -> Store:
    """The store of the logbook under test: the SQLite file in `folder`, or the PostgreSQL database of
    CALAMITEIT_DB when the test runs on that backend (then `folder` is not used)."""
    from dso_calamiteit.adapters.stores import location
    from dso_calamiteit.adapters.stores.sqlite import SqliteStore
    from dso_calamiteit.app.logbook import locate

    if os.environ.get("CALAMITEIT_DB"):
        from dso_calamiteit.adapters.stores import open_store

        return open_store(locate(None), readonly=bool(options.get("readonly")), busy_ms=options.get("busy_ms"))  # type: ignore[arg-type]
    where = location.folder(Path(folder))
    assert where.path is not None
    return SqliteStore.open(where.path, **options)  # type: ignore[arg-type]


@contextmanager
def reaped(*children: subprocess.Popen | multiprocessing.process.BaseProcess) -> Iterator[None]:
    """The test's children end with the block, whatever happened in it: a `communicate(timeout=…)`, `wait` or
    `join` that timed out, or an assertion that failed, leaves none running (holding a port, a lock, a logbook,
    or sending a call-out minutes later). Each still running is killed and waited for; one that ended is only
    waited for. A `subprocess.Popen` or a `multiprocessing` process (one not started is passed over)."""
    try:
        yield
    finally:
        for child in children:
            if isinstance(child, subprocess.Popen):
                if child.poll() is None:
                    child.kill()
                child.wait()
            elif child.pid is not None:
                if child.is_alive():
                    child.kill()
                child.join()
