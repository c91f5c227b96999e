"""The stores' errors, apart from interface.py so that naming them (or reading a location) does not import the
Store and the logbook's model (benchmarks/callout_status.py)."""

from __future__ import annotations

from ...domain import exitcodes
from ...domain.errors import CalamiteitError


class StorageError(CalamiteitError):
    """The logbook cannot be used as it is; it is left untouched."""

    exit_code = exitcodes.CONFIG


class BusyError(CalamiteitError):
    exit_code = exitcodes.FAILURE
