"""Usage figures for scripts: the JSON of `gebruik import`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .jsondoc import dumps

if TYPE_CHECKING:
    from ..app.usage_figures import Imported


def import_document(file: Path, done: Imported) -> str:
    """`gebruik import --json`: how many rows, how many new or changed, and applications the monitor does not know.

    `unknown_applications` holds the names as the file wrote them (the same in every language); the worded
    warnings, which are free text, go in `warnings`.
    """
    return dumps(
        "usage-import",
        {"file": str(file), "rows": done.rows, "new": done.new, "changed": done.changed,
         "unknown_applications": done.unknown, "warnings": done.warnings},
    )
