"""The logbook itself for scripts: the JSON of `db upgrade` and `db copy`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .jsondoc import dumps

if TYPE_CHECKING:
    from ..app.database import Copied, Upgraded


def upgrade_document(done: Upgraded) -> str:
    return dumps("db-upgrade", {"database": done.where, "before": done.before, "after": done.after})


def copy_document(done: Copied) -> str:
    return dumps(
        "db-copy",
        {
            "from": done.source,
            "to": done.target,
            "incidents": [
                {"id": i.id, "entries": i.entries, "new": i.new, "problem": i.problem} for i in done.incidents
            ],
            "checks": done.checks,
            "checks_new": done.checks_new,
            "usage": done.usage,
            "usage_new": done.usage_new,
        },
    )
