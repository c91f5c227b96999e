"""Finding, loading and caching the YAML files.

Each file is looked up on its own along: --config-dir or CALAMITEIT_CONFIG_DIR, the current folder, the
user's config folder, the shipped defaults. A validated set is cached (pickled) under a key made of the files'
contents and this package's code, so an unchanged set loads without YAML or pydantic.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ... import APP, __version__
from ...domain.errors import ConfigError, Problem, UsageError

if TYPE_CHECKING:  # the model modules are imported when a part is first used, not at start-up
    from ...domain.callout import CalloutFile
    from ...domain.contacts import ContactsFile
    from ...domain.criteria import CriteriaFile
    from ...domain.logbook import LogbookFile
    from ...domain.monitoring import MaintenanceFile, MonitorFile
    from ...domain.readiness import ReadinessFile
    from ...domain.routing import RoutingFile
    from ...domain.sitrap import ReportingFile
    from ...domain.teams import TeamsFile

FILES: dict[str, str] = {
    "criteria": "criteria.yaml",
    "contacts": "contacts.yaml",
    "routing": "config/routing.yaml",
    "reporting": "config/rapport.yaml",
    "monitor": "config/monitor.yaml",
    "readiness": "config/paraatheid.yaml",
    "teams": "config/teams.yaml",
    "logbook": "config/logboek.yaml",
    "callout": "config/oproep.yaml",
    "maintenance": "config/onderhoud.yaml",
}
ENV_CONFIG_DIR = "CALAMITEIT_CONFIG_DIR"
ENV_CACHE_DIR = "CALAMITEIT_CACHE_DIR"
ENV_NO_CACHE = "CALAMITEIT_NO_CACHE"
PACKAGE = Path(__file__).parents[2]  # dso_calamiteit/: its code is in the cache key, its defaults/ are shipped


@dataclass(frozen=True, slots=True)
class Source:
    """Where one file was found, and why there."""

    kind: str
    path: Path
    origin: str


class Config:
    """The validated files. From the cache each part is unpickled, and its module imported, only when a command
    first asks for it: `contacts` never pays for the readiness or monitoring models."""

    def __init__(self, parts: Mapping[str, Any]) -> None:
        self._parts: dict[str, Any] = dict(parts)  # kind → the object, or its pickled bytes

    def _part(self, kind: str) -> Any:
        value = self._parts[kind]
        if isinstance(value, bytes):
            collecting = gc.isenabled()
            gc.disable()  # unpickling thousands of contacts would otherwise trigger needless collections
            try:
                value = self._parts[kind] = pickle.loads(value)
            finally:
                if collecting:
                    gc.enable()
        return value

    def pickled(self) -> dict[str, bytes]:
        return {
            k: v if isinstance(v, bytes) else pickle.dumps(v, pickle.HIGHEST_PROTOCOL) for k, v in self._parts.items()
        }

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Config) and all(self._part(k) == other._part(k) for k in FILES)

    __hash__ = None  # type: ignore[assignment]

    @property
    def criteria(self) -> CriteriaFile:
        return cast("CriteriaFile", self._part("criteria"))

    @property
    def contacts(self) -> ContactsFile:
        return cast("ContactsFile", self._part("contacts"))

    @property
    def routing(self) -> RoutingFile:
        return cast("RoutingFile", self._part("routing"))

    @property
    def reporting(self) -> ReportingFile:
        return cast("ReportingFile", self._part("reporting"))

    @property
    def monitor(self) -> MonitorFile:
        return cast("MonitorFile", self._part("monitor"))

    @property
    def readiness(self) -> ReadinessFile:
        return cast("ReadinessFile", self._part("readiness"))

    @property
    def teams(self) -> TeamsFile:
        return cast("TeamsFile", self._part("teams"))

    @property
    def maintenance(self) -> MaintenanceFile:
        return cast("MaintenanceFile", self._part("maintenance"))

    @property
    def callout(self) -> CalloutFile:
        return cast("CalloutFile", self._part("callout"))

    @property
    def logbook(self) -> LogbookFile:
        return cast("LogbookFile", self._part("logbook"))


def shipped_dir() -> Path:
    """The defaults inside the installed package; in a source checkout (editable install), the repo root."""
    package = PACKAGE.resolve()
    inside = package / "defaults"
    if inside.is_dir():
        return inside
    checkout = package.parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / FILES["criteria"]).is_file():
        return checkout
    return inside


def user_config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP)


def locate(config_dir: Path | None = None, environ: Mapping[str, str] | None = None) -> list[Source]:
    """Which file of each kind would be used: the first folder in the lookup order that holds it."""
    env = os.environ if environ is None else environ
    folders: list[tuple[Path, str]] = []
    if config_dir is not None:
        folders.append((_existing(config_dir, "--config-dir"), "--config-dir"))
    elif env.get(ENV_CONFIG_DIR):
        folders.append((_existing(Path(env[ENV_CONFIG_DIR]), ENV_CONFIG_DIR), ENV_CONFIG_DIR))
    folders.append((Path.cwd(), "huidige map"))
    sources = []
    user: Path | None = None  # the user's folder and the shipped defaults are worked out once, on first need
    shipped = Path()
    for kind, name in FILES.items():
        found = next(((d / name, why) for d, why in folders if _is_file(d / name)), None)
        if found is None:
            if user is None:
                user, shipped = user_config_dir(), shipped_dir()
            found = (user / name, "gebruikersmap") if _is_file(user / name) else (shipped / name, "standaard")
        sources.append(Source(kind, found[0], found[1]))
    return sources


def _is_file(path: Path) -> bool:
    """False also for a folder this user may not look into: the lookup then goes on to the next place."""
    try:
        return path.is_file()
    except OSError:
        return False


def _existing(folder: Path, flag: str) -> Path:
    try:
        found = folder.is_dir()
    except OSError as exc:
        raise UsageError(f"{flag}: map '{folder}' is niet te lezen: {exc.strerror}") from None
    if not found:
        raise UsageError(f"{flag}: map '{folder}' bestaat niet", "Geef een map met criteria.yaml en/of contacts.yaml.")
    return folder


def shown(path: Path) -> str:
    """A path as an operator would type it: relative when under the current folder."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load(sources: list[Source], use_cache: bool | None = None) -> Config:
    """The validated configuration, from cache when the files are unchanged; ConfigError lists all."""
    raws: dict[str, bytes] = {}
    problems: list[Problem] = []
    for src in sources:
        try:
            raws[src.kind] = src.path.read_bytes()
        except OSError as exc:
            problems.append(Problem(shown(src.path), None, None, f"kan niet gelezen worden: {exc.strerror}"))
    if problems:
        raise ConfigError(problems)
    if use_cache is None:
        use_cache = not os.environ.get(ENV_NO_CACHE)
    key = _cache_key(raws) if use_cache else ""
    if use_cache:
        cached = _read_cache(key)
        if cached is not None:
            return cached
    config = _validate({s.kind: (shown(s.path), raws[s.kind]) for s in sources})
    if use_cache:
        _write_cache(key, config)
    return config


def _validate(files: dict[str, tuple[str, bytes]]) -> Config:
    from . import validation, yamlfile

    problems: list[Problem] = []
    docs: dict[str, yamlfile.Document] = {}
    typed: dict[str, Any] = {}
    for kind, (name, raw) in files.items():
        try:
            docs[kind] = yamlfile.parse(raw, name)
        except ConfigError as exc:
            problems += exc.problems
            continue
        obj, found = validation.validate(docs[kind], kind)
        problems += found
        if obj is not None:
            typed[kind] = obj
    findings = {
        "criteria": validation.criteria_rules(typed["criteria"]) if "criteria" in typed else [],
        "contacts": validation.contacts_rules(typed["contacts"]) if "contacts" in typed else [],
        "routing": validation.routing_rules(typed["routing"], typed.get("contacts"), typed.get("criteria"))
        if "routing" in typed
        else [],
        "reporting": validation.reporting_rules(typed["reporting"], typed.get("criteria"))
        if "reporting" in typed
        else [],
        "monitor": validation.monitor_rules(typed["monitor"]) if "monitor" in typed else [],
        "readiness": validation.readiness_rules(typed["readiness"], typed.get("contacts"))
        if "readiness" in typed
        else [],
        "teams": validation.teams_rules(typed["teams"], typed.get("contacts")) if "teams" in typed else [],
        "logbook": validation.logbook_rules(typed["logbook"]) if "logbook" in typed else [],
        "callout": validation.callout_rules(typed["callout"], typed.get("contacts")) if "callout" in typed else [],
        "maintenance": validation.maintenance_rules(typed["maintenance"], typed.get("monitor"))
        if "maintenance" in typed
        else [],
    }
    for kind, rule_findings in findings.items():
        problems += [docs[kind].problem(loc, message) for loc, message in rule_findings]
    if problems:
        raise ConfigError(problems)
    typed["contacts"].search_index  # noqa: B018 - computed now, so the cache keeps it for every later run
    return Config(typed)


def cache_dir() -> Path:
    if os.environ.get(ENV_CACHE_DIR):
        return Path(os.environ[ENV_CACHE_DIR])
    from platformdirs import user_cache_path

    return user_cache_path(APP)


def _cache_key(raws: dict[str, bytes]) -> str:
    """Contents of the files plus the code that validated them: any change to either misses the cache."""
    digest = hashlib.sha256(f"{__version__}|{sys.version}".encode())
    for module in sorted(PACKAGE.rglob("*.py")):
        stat = module.stat()
        digest.update(f"{module.relative_to(PACKAGE)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    for kind in sorted(raws):
        digest.update(kind.encode() + b"\0" + hashlib.sha256(raws[kind]).digest())
    return digest.hexdigest()


CACHE_KEEP = 8  # validated sets kept side by side (several config folders in use); older ones are removed


def _cache_file(key: str) -> Path:
    return cache_dir() / f"config-{key[:24]}.pickle"


def _read_cache(key: str) -> Config | None:
    try:
        with _cache_file(key).open("rb") as fh:
            stored_key, parts = pickle.load(fh)
    except Exception:  # a missing, stale or damaged cache only costs a fresh validation
        return None
    valid = stored_key == key and isinstance(parts, dict) and set(parts) == set(FILES)
    return Config(parts) if valid else None


def _write_cache(key: str, config: Config) -> None:
    """Write atomically (temp file + rename): no run reads half a cache. Failures are ignored."""
    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".config-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((key, config.pickled()), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, _cache_file(key))
        except BaseException:
            os.unlink(tmp)
            raise
        newest_first = sorted(folder.glob("config-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in newest_first[CACHE_KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
