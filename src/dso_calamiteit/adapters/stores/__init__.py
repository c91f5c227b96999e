"""Logbook stores: one interface (interface.Store), two engines.

`sqlite` is the embedded default, one file per coordinator; `postgres` is one logbook shared by a team,
imported (with libpq, PostgreSQL's client library, through libpq.py) only when a PostgreSQL URL is chosen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...domain.language import _
from .errors import BusyError, StorageError
from .location import Location

if TYPE_CHECKING:
    from .interface import Store

__all__ = ["BusyError", "Location", "StorageError", "Store", "open_store"]


def __getattr__(name: str) -> Any:
    """`Store` when first asked for: a read that does not open a Store (oproep --status, reading.py) does not
    import it and the logbook's model (benchmarks/callout_status.py)."""
    if name == "Store":
        from .interface import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_store(
    location: Location,
    *,
    create: bool = True,
    readonly: bool = False,
    upgrade: bool = False,
    busy_ms: int | None = None,
) -> Store:
    """The logbook at `location`. SQLite creates and migrates itself; a PostgreSQL schema is created and
    migrated only by `upgrade` (`calamiteit db upgrade`), an act for whoever administers the database."""
    if location.url is not None:
        try:
            from .postgres import PostgresStore
        except ImportError:
            raise StorageError(
                _(
                    "{where}: voor een PostgreSQL-logboek is libpq nodig (de clientbibliotheek van PostgreSQL), "
                    "en die is niet gevonden"
                ).format(where=location.shown),
                _("Installeer: pip install 'dso-calamiteit[postgres]' (of apt-get install libpq5)."),
            ) from None

        return PostgresStore.open(location, readonly=readonly, upgrade=upgrade, busy_ms=busy_ms)
    from .sqlite import SqliteStore

    assert location.path is not None
    return SqliteStore.open(
        location.path, create=create or upgrade, readonly=readonly and not upgrade, busy_ms=busy_ms
    )
