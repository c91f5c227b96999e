"""Opening the logbook, and who and when writes in it: the one place every face reaches storage through.

Today the logbook is a SQLite file; the choice of a shared PostgreSQL logbook will be made here, once, for
every command and every face.
"""

from __future__ import annotations

import gc
import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Problem

if TYPE_CHECKING:
    from ..store import Store

ENV_AUTHOR = "CALAMITEIT_AUTEUR"


@contextmanager
def opened(data_dir: Path | None, create: bool = True, readonly: bool = False) -> Iterator[Store]:
    """The logbook; `readonly` for use cases that only read (they then need read access only)."""
    from ..config import data_dir as resolve
    from ..store import Store

    store = Store.open(resolve(data_dir), create=create, readonly=readonly)
    collecting = gc.isenabled()
    # A million-entry log becomes millions of small objects that never form cycles; the cyclic collector
    # would walk them all, again and again as they grow (a sitrap of 1,000,000 entries: 7.0 s -> 4.3 s).
    gc.disable()
    try:
        yield store
    finally:
        store.close()
        if collecting:
            gc.enable()


def author(flag: str | None) -> str:
    """--auteur, else CALAMITEIT_AUTEUR, else the login name: every entry says who wrote it."""
    for candidate in (flag, os.environ.get(ENV_AUTHOR)):
        if candidate and candidate.strip():
            return candidate.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "onbekend"


def stamp() -> str:
    """Now, in the stored form."""
    from .. import clock, dutchtime

    return dutchtime.stamp(clock.now())


@dataclass
class Checked:
    """The logbook as `check` sees it: unusable, broken chains, and one line saying which file it is."""

    note: str
    unusable: list[Problem] = field(default_factory=list)
    broken: list[Problem] = field(default_factory=list)


def check(data_dir: Path | None) -> Checked:
    from ..config import LOGBOOK_FILE
    from ..config import data_dir as resolve

    folder = resolve(data_dir)
    path = folder / LOGBOOK_FILE
    if not path.exists():
        return Checked(f"Logboek: nog geen; het komt hier:\n  {path}")
    from ..store import StorageError, Store
    from .incidents import verify_all

    try:
        store = Store.open(folder, create=False, readonly=True)
    except StorageError as exc:
        return Checked(f"Logboek:\n  {path}", unusable=[Problem(str(path), None, None, exc.message)])
    try:
        faults = verify_all(store)
        count = len(store.summaries())
    finally:
        store.close()
    broken = [Problem(str(path), None, None, f"incident {f.incident} regel {f.n}: {f.message}") for f in faults]
    from ..words import count as counted

    ok = ", hashketens kloppen" if not faults else ""
    return Checked(f"Logboek: {counted(count, 'incident', 'incidenten')}{ok}.\n  {path}", broken=broken)
