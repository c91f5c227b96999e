"""Opening the logbook, and who and when writes in it: the one place every face reaches storage through.

Which logbook is chosen here, once, for every command and every face: --db or --data-dir, else
CALAMITEIT_DB, else CALAMITEIT_DATA_DIR, else the user's data folder. A SQLite file is the default; a
PostgreSQL URL makes it the team's shared logbook.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from ..adapters import clock, config
from ..adapters.stores import Location, StorageError, location, open_store
from ..domain.errors import CalamiteitError, Problem, UsageError
from ..domain.language import _, counted
from ..domain.records import record
from .place import Place, Where

if TYPE_CHECKING:
    from ..adapters.stores import Store

ENV_AUTHOR = "CALAMITEIT_AUTEUR"
ENV_DB = "CALAMITEIT_DB"


def locate(where: Where) -> Location:
    """The logbook chosen by flags, then the environment, then config/logboek.yaml, then the default folder."""
    chosen = where if isinstance(where, Place) else Place(where)
    if chosen.folder is not None and chosen.db is not None:
        raise UsageError(_("--db en --data-dir wijzen allebei een logboek aan"), _("Kies er één."))
    if chosen.db is not None:
        return location.parse(chosen.db, "--db", password_allowed=False)
    if chosen.folder is not None:
        return location.folder(chosen.folder)
    if os.environ.get(ENV_DB):
        return location.parse(os.environ[ENV_DB], ENV_DB, password_allowed=True)
    if os.environ.get(location.ENV_DATA_DIR):
        return location.folder(Path(os.environ[location.ENV_DATA_DIR]))
    named = _configured(chosen.config_dir)
    if named:
        return location.parse(named, "config/logboek.yaml", password_allowed=False)
    return location.folder(location.default_folder())


def _configured(config_dir: Path | None) -> str:
    """`database:` of config/logboek.yaml; the shipped file names none, so it is not even read."""
    sources = config.locate(config_dir)
    if next(s for s in sources if s.kind == "logbook").origin == "standaard":
        return ""
    return config.load(sources).logbook.database.strip()


@contextmanager
def opened(where: Where, create: bool = True, readonly: bool = False, lasting: bool = False) -> Iterator[Store]:
    """The logbook; `readonly` for use cases that only read (they then need read access only). `lasting` for a
    store kept open for as long as the process runs or follows (the web's watcher, `incident volg`): the
    collector is not paused for it, since a pause that lasts is no pause but the collector switched off."""
    store = open_store(locate(where), create=create, readonly=readonly)
    try:
        if lasting:
            yield store
        else:
            with _collector_paused():
                yield store
    finally:
        store.close()


_PAUSE = threading.Lock()
_pausing = 0  # the stores open now that paused the collector, in any thread
_collecting = False  # whether the collector was on when the first of them paused it


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while any store is open for a read or a write, and on again when the
    last of them closes (in whichever thread), if it was on when the first opened. A million-entry log becomes
    millions of small objects that never form cycles; the collector would walk them all, again and again as
    they grow (a sitrap of 1,000,000 entries: 7.0 s -> 4.3 s). Counted under a lock: `calamiteit web` opens
    stores in many threads at once, and the one that closes last need not be the one that opened first."""
    global _pausing, _collecting
    with _PAUSE:
        if _pausing == 0:
            _collecting = gc.isenabled()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        with _PAUSE:
            _pausing -= 1
            if _pausing == 0 and _collecting:
                gc.enable()


def configured(where: Where) -> config.Config | None:
    """The configuration beside the logbook, or None when it cannot be read (`calamiteit check` says why)."""
    config_dir = where.config_dir if isinstance(where, Place) else None
    try:
        return config.load(config.locate(config_dir))
    except CalamiteitError:
        return None


def ladder(where: Where) -> frozenset[int] | None:
    """The levels of criteria.yaml, which every entry's level must be one of; None when the configuration cannot
    be read (the chain is then checked without the ladder, and `calamiteit check` says what is wrong with it)."""
    found = configured(where)
    return None if found is None else found.criteria.ladder


def author(flag: str | None) -> str:
    """--auteur, else CALAMITEIT_AUTEUR, else the login name: every entry says who wrote it."""
    for candidate in (flag, os.environ.get(ENV_AUTHOR)):
        if candidate and candidate.strip():
            return candidate.strip()
    import getpass  # here: a read (oproep --status) needs no author, and getpass brings termios

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "onbekend"


def stamp() -> str:
    """Now, in the stored form."""
    from ..domain import dutchtime  # here: a read (oproep --status) need not load the time zone

    return dutchtime.stamp(clock.now())


@record(frozen=False)
class Checked:
    """The logbook as `check` sees it: unusable, broken chains, and one line saying which file it is."""

    note: str
    unusable: list[Problem] = field(default_factory=list)
    broken: list[Problem] = field(default_factory=list)


def check(where: Where) -> Checked:
    found = locate(where)
    path = found.shown
    if found.path is not None and not found.path.exists():
        return Checked(_("Logboek: nog geen; het komt hier:") + f"\n  {path}")
    try:
        store = open_store(found, create=False, readonly=True)
    except StorageError as exc:
        return Checked(_("Logboek:") + f"\n  {path}", unusable=[Problem(str(path), None, None, exc.message)])
    try:
        with store.snapshot():  # every row against its entries as of one moment
            faults = store.verify_all(ladder(where))
            count = len(store.summaries())
    finally:
        store.close()
    broken = [
        Problem(
            str(path),
            None,
            None,
            _("incident {incident} regel {n}: {message}").format(incident=f.incident, n=f.n, message=f.message),
        )
        for f in faults
    ]
    ok = _(", hashketens kloppen") if not faults else ""
    said = _("Logboek: {incidents}").format(incidents=counted(count, "incident", "incidenten"))
    return Checked(f"{said}{ok}.\n  {path}", broken=broken)
