"""config/logboek.yaml: a logbook the tool can open, never with a password in the file."""

from __future__ import annotations

from ....domain.errors import UsageError
from ....domain.logbook import LogbookFile
from ...stores import location
from .common import Finding


def check(f: LogbookFile) -> list[Finding]:
    """A URL the tool can use, and never a password in a file that others may read or a backup may keep."""
    if not f.database.strip():
        return []
    try:
        location.parse(f.database, "database", password_allowed=False, in_file=True)
    except UsageError as exc:
        message = exc.message.removeprefix("database: ")
        return [(("database",), message + (f" ({exc.hint})" if exc.hint else ""))]
    return []
