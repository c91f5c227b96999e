"""Where the logbook is, as the operator said it: the value every face builds from its flags at start-up.

Apart from app.logbook (which opens it) so that a command module can name it without importing the stores.
"""

from __future__ import annotations

from pathlib import Path

from ..domain.records import record


@record
class Place:
    """What the operator said about where the logbook is: --data-dir and/or --db (both None: the default),
    and the --config-dir where config/logboek.yaml may name it."""

    folder: Path | None = None
    db: str | None = None
    config_dir: Path | None = None


Where = Place | Path | None  # a Place, a logbook folder, or None for the default (never a file or URL alone)
