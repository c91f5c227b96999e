"""Loading the files: read, then from the cache when they are unchanged, else parsed (adapters.config.yamlfile),
validated (validation: the schema; rules/: what a type cannot say, one module per file kind) and cached.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from ...domain.errors import ConfigError, Disagreement, Problem, UsageError
from ...domain.language import _
from .. import process
from ..input_files import read_bounded
from .cache import ENV_NO_CACHE, cache_key, file_stats, known_key, loads, read_cache, remember, write_cache
from .finding import FILES, Source, shipped_dir, shown

MAX_CONFIG_BYTES = 32 * 1024 * 1024  # per file: far above any real one

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


# Which other files the rules of a kind read: a name in routing.yaml must be an organisation in contacts.yaml.
DEPENDS: dict[str, tuple[str, ...]] = {
    "routing": ("contacts", "criteria"),
    "reporting": ("criteria",),
    "readiness": ("contacts",),
    "teams": ("contacts",),
    "callout": ("contacts",),
    "maintenance": ("monitor",),
}


def _say_on_stderr(message: str) -> None:
    sys.stderr.write(f"calamiteit: {message}\n")


WARN = [_say_on_stderr]  # the CLI puts its own console here; one list item so it can be replaced
FREEZE = process.ONE_SHOT  # True in a one-shot command (cli.entry): an unpickled file is frozen out of the collector


class Config:
    """The validated files. From the cache each part is unpickled, and its module imported, only when a command
    first asks for it: `contacts` never pays for the readiness or monitoring models.

    A file with problems stops only a command that reads it (`problems`: per kind); where one's own file and a
    shipped default disagree, the command that reads them says so once on stderr and goes on (`warnings`)."""

    def __init__(
        self,
        parts: Mapping[str, Any],
        problems: Mapping[str, list[Problem]] | None = None,
        warnings: Mapping[str, list[Disagreement]] | None = None,
    ) -> None:
        self._parts: dict[str, Any] = dict(parts)  # kind → the object, or its pickled bytes
        self.problems: dict[str, list[Problem]] = {k: list(v) for k, v in (problems or {}).items() if v}
        self.warnings: dict[str, list[Disagreement]] = {k: list(v) for k, v in (warnings or {}).items() if v}
        self._warned: set[str] = set()

    def disagreements(self) -> list[Disagreement]:
        """Every disagreement between one's own files and the shipped defaults, said here and not also on
        stderr when the parts are read (`check` shows them itself)."""
        self._warned.update(self.warnings)
        return [d for kind in FILES for d in self.warnings.get(kind, [])]

    def all_problems(self) -> list[Problem]:
        return [p for kind in FILES for p in self.problems.get(kind, [])]

    def _part(self, kind: str) -> Any:
        if kind in self.problems:
            raise ConfigError(self.problems[kind])
        if kind in self.warnings and kind not in self._warned:
            self._warned.add(kind)
            for message in self.warnings[kind]:
                WARN[0](str(message))
        value = self._parts[kind]
        if isinstance(value, bytes):
            collecting = gc.isenabled()
            gc.disable()  # unpickling thousands of contacts would otherwise trigger needless collections
            try:
                value = self._parts[kind] = loads(value)
                if FREEZE[0]:  # 10,000 contacts live as long as the command: every later collection walked
                    gc.freeze()  # them all again (paraatheid at 10,000: a tenth of its time); not in a server
            finally:
                if collecting:
                    gc.enable()
        return value

    def pickled(self) -> dict[str, bytes]:
        from .packing import dumps  # only when a set is cached: it imports the contact matrix's model

        return {k: v if isinstance(v, bytes) else dumps(v) for k, v in self._parts.items()}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Config) and all(self._part(k) == other._part(k) for k in FILES)

    def usable(self) -> bool:
        """Every file read without a problem or a disagreement: only such a set is cached."""
        return not self.problems and not self.warnings and set(self._parts) == set(FILES)

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
    if use_cache is None:
        use_cache = not os.environ.get(ENV_NO_CACHE)
    stats = file_stats(sources) if use_cache else None  # before reading: a later change then differs from them
    if use_cache:  # the files' stats unchanged since their key was kept: neither read nor hashed (cache.py)
        known = known_key(stats)
        cached = read_cache(known) if known is not None else None
        if cached is not None:
            return Config(cached)
    raws: dict[str, bytes] = {}
    unread: dict[str, list[Problem]] = {}
    for src in sources:
        try:  # a regular file of at most MAX_CONFIG_BYTES, measured before it is read
            raws[src.kind] = read_bounded(src.path, MAX_CONFIG_BYTES, _("Splits of verklein het bestand."))
        except UsageError as exc:  # stops only a command that reads this file
            reason = exc.message.split(": ", 1)[-1]
            unread[src.kind] = [Problem(shown(src.path), None, None, reason)]
    if unread:
        readable = [s for s in sources if s.kind in raws]
        found = _validate({s.kind: (shown(s.path), raws[s.kind]) for s in readable}, _origins(readable))
        return Config(found._parts, {**found.problems, **unread}, found.warnings)
    key = cache_key(raws) if use_cache else ""
    if use_cache:
        cached = read_cache(key)
        if cached is not None:
            remember(stats, key)
            return Config(cached)
    config = _validate({s.kind: (shown(s.path), raws[s.kind]) for s in sources}, _origins(sources))
    if use_cache and config.usable():
        write_cache(key, _indexed(config).pickled())
        remember(stats, key)
    return config


def _origins(sources: list[Source]) -> dict[str, str]:
    """Per kind 'standaard' for the shipped file, wherever it was found (a source checkout is the current folder)."""
    shipped = shipped_dir().resolve()
    out = {}
    for s in sources:
        try:
            same = s.path.resolve() == shipped / FILES[s.kind]
        except OSError:
            same = False
        out[s.kind] = "standaard" if same else s.origin
    return out


def _validate(files: dict[str, tuple[str, bytes]], origins: Mapping[str, str] | None = None) -> Config:
    """Parse, check against the schema, then the rules of each kind: every problem of every file, kept per file
    so that a command stops only on the files it reads (`Config.problems`).

    A rule that reads another file (routing names organisations from contacts.yaml) is also run without it: what
    it finds only with the other file is a disagreement between the two. When one of the two is one's own and the
    other the shipped default, that is a warning naming both files (`Config.warnings`), not an error.
    """
    from . import validation, yamlfile
    from .rules import callout, contacts, criteria, logbook, maintenance, monitor, readiness, reporting, routing, teams

    origins = origins or {}
    problems: dict[str, list[Problem]] = {}
    docs: dict[str, yamlfile.Document] = {}
    typed: dict[str, Any] = {}
    for kind, (name, raw) in files.items():
        try:
            docs[kind] = yamlfile.parse(raw, name)
        except ConfigError as exc:
            problems.setdefault(kind, []).extend(exc.problems)
            continue
        obj, found = validation.validate(docs[kind], kind)
        if found:
            problems.setdefault(kind, []).extend(found)
        elif obj is not None:
            typed[kind] = obj
    rules: dict[str, Any] = {
        "criteria": lambda f: criteria.check(f),
        "contacts": lambda f: contacts.check(f),
        "routing": lambda f, c, k: routing.check(f, c, k),
        "reporting": lambda f, k: reporting.check(f, k),
        "monitor": lambda f: monitor.check(f),
        "readiness": lambda f, c: readiness.check(f, c),
        "teams": lambda f, c: teams.check(f, c),
        "logbook": lambda f: logbook.check(f),
        "callout": lambda f, c: callout.check(f, c),
        "maintenance": lambda f, m: maintenance.check(f, m),
    }
    warnings: dict[str, list[Disagreement]] = {}
    for kind, rule in rules.items():
        if kind not in typed:
            continue
        needs = DEPENDS.get(kind, ())
        found = rule(typed[kind], *(typed.get(d) for d in needs))
        alone = rule(typed[kind], *(None for _need in needs)) if needs and found else found
        crossing = [f for f in found if f not in alone]
        mine = [docs[kind].problem(loc, message) for loc, message in found if (loc, message) in alone]
        if mine:
            problems.setdefault(kind, []).extend(mine)
        shipped = origins.get(kind) == "standaard"
        for other in needs:  # whose findings are they: run once more without each other file
            if other not in typed or not crossing:
                continue
            without = rule(typed[kind], *(None if d == other else typed.get(d) for d in needs))
            blamed = [f for f in crossing if f not in without]
            crossing = [f for f in crossing if f in without]
            if not blamed:
                continue
            if (origins.get(other) == "standaard") == shipped:  # both one's own, or both shipped: an error
                problems.setdefault(kind, []).extend(docs[kind].problem(loc, message) for loc, message in blamed)
                continue
            own, default = (files[other][0], files[kind][0]) if shipped else (files[kind][0], files[other][0])
            warnings.setdefault(kind, []).append(
                Disagreement(
                    docs[kind].problem(*blamed[0]), len(blamed) - 1, own, default,
                    FILES[kind] if shipped else FILES[other],
                )
            )
        if crossing:  # found only with two other files together
            problems.setdefault(kind, []).extend(docs[kind].problem(loc, message) for loc, message in crossing)
    return Config(typed, problems, warnings)


# The contact matrix's cached properties, each a pass over every contact: kept in the cache (`affiliations`, who
# signed an entry, was worked out anew by every show, rapport and oproep: a fifth of `oproep` at 10,000 contacts)
INDEXES = (
    "search_index", "positions", "numbered", "organisations_by_id", "affiliations", "accounts", "own_accounts",
)  # not by_org_tier and people: they hold contacts, and are made from positions and numbered (packing.py)


def _indexed(config: Config) -> Config:
    """The contact matrix's indexes computed now, so the cache keeps them for every later run; only for a
    config about to be cached (a cold `check` of 10,000 contacts spent a tenth of its time on indexes it
    then threw away)."""
    matrix = config.contacts
    _shared(matrix)
    for index in INDEXES:
        getattr(matrix, index)
    return config


def _shared(matrix: ContactsFile) -> None:
    """Each contact's organisation, tier and tags as one object per distinct value, so the cache pickles a value
    that thousands of contacts share once and every run unpickles it once (the parser makes a new string for
    every scalar): unpickling 10,000 contacts 36 -> 29 ms. The values stay equal; only who holds the same
    object changes, so the frozen contacts are set in place."""
    same: dict[object, object] = {}
    for c in matrix.contacts:
        tags = tuple(same.setdefault(t, t) for t in c.tags)
        object.__setattr__(c, "org", same.setdefault(c.org, c.org))
        object.__setattr__(c, "tier", same.setdefault(c.tier, c.tier))
        object.__setattr__(c, "tags", same.setdefault(tags, tags))
