"""Loading the files: read, then from the cache when they are unchanged, else parsed (adapters.config.yamlfile),
validated (validation: the schema; rules/: what a type cannot say, one module per file kind) and cached.
"""

from __future__ import annotations

import gc
import os
import pickle
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from ...domain.errors import ConfigError, Problem
from .cache import ENV_NO_CACHE, cache_key, read_cache, write_cache
from .finding import FILES, Source, shown

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
    key = cache_key(raws) if use_cache else ""
    if use_cache:
        cached = read_cache(key)
        if cached is not None:
            return Config(cached)
    config = _validate({s.kind: (shown(s.path), raws[s.kind]) for s in sources})
    if use_cache:
        write_cache(key, config.pickled())
    return config


def _validate(files: dict[str, tuple[str, bytes]]) -> Config:
    """Parse, check against the schema, then the rules of each kind: every problem of every file at once."""
    from . import validation, yamlfile
    from .rules import callout, contacts, criteria, logbook, maintenance, monitor, readiness, reporting, routing, teams

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
        "criteria": criteria.check(typed["criteria"]) if "criteria" in typed else [],
        "contacts": contacts.check(typed["contacts"]) if "contacts" in typed else [],
        "routing": routing.check(typed["routing"], typed.get("contacts"), typed.get("criteria"))
        if "routing" in typed
        else [],
        "reporting": reporting.check(typed["reporting"], typed.get("criteria")) if "reporting" in typed else [],
        "monitor": monitor.check(typed["monitor"]) if "monitor" in typed else [],
        "readiness": readiness.check(typed["readiness"], typed.get("contacts")) if "readiness" in typed else [],
        "teams": teams.check(typed["teams"], typed.get("contacts")) if "teams" in typed else [],
        "logbook": logbook.check(typed["logbook"]) if "logbook" in typed else [],
        "callout": callout.check(typed["callout"], typed.get("contacts")) if "callout" in typed else [],
        "maintenance": maintenance.check(typed["maintenance"], typed.get("monitor")) if "maintenance" in typed else [],
    }
    for kind, rule_findings in findings.items():
        problems += [docs[kind].problem(loc, message) for loc, message in rule_findings]
    if problems:
        raise ConfigError(problems)
    typed["contacts"].search_index  # noqa: B018 - computed now, so the cache keeps it for every later run
    typed["contacts"].by_org_tier  # noqa: B018 - likewise
    typed["contacts"].positions  # noqa: B018 - likewise
    return Config(typed)
