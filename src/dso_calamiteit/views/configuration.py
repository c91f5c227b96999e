"""The configuration for scripts: `check --json` (which file of each kind, every problem) and the JSON Schemas
of `schema`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..adapters.config import shown
from .jsondoc import dumps

if TYPE_CHECKING:
    from ..adapters.config import Source
    from ..domain.errors import Problem


def document(sources: list[Source], problems: list[Problem], warnings: list[str] | None = None) -> str:
    return dumps(
        "check",
        {
            "valid": not problems,
            "files": [{"kind": s.kind, "path": shown(s.path), "origin": s.origin} for s in sources],
            "problems": [{"file": p.path, "line": p.line, "column": p.column, "message": p.message} for p in problems],
            "warnings": list(warnings or []),
        },
    )


def schemas(body: dict[str, Any]) -> str:
    """`schema`: JSON Schema for editors; a schema is not a document of the tool, so it has no envelope."""
    return json.dumps(body, ensure_ascii=False, indent=2)
