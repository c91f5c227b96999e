"""The configuration for scripts: `check --json` (which file of each kind, every problem) and the JSON Schemas
of `schema`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..adapters.config import shown
from .jsondoc import dumps

if TYPE_CHECKING:
    from ..adapters.config import Source
    from ..domain.errors import Disagreement, Problem


def document(
    sources: list[Source],
    problems: list[Problem],
    warnings: list[str] | None = None,
    disagreements: list[Disagreement] | None = None,
) -> str:
    """`warnings`: each as the human `check` says it; `disagreements`: those between one's own files and the
    shipped defaults again, by their parts (the first place, how many more, which files, what to add)."""
    return dumps(
        "check",
        {
            "valid": not problems,
            "files": [{"kind": s.kind, "path": shown(s.path), "origin": s.origin} for s in sources],
            "problems": [{"file": p.path, "line": p.line, "column": p.column, "message": p.message} for p in problems],
            "warnings": list(warnings or []),
            "disagreements": [
                {
                    "file": d.first.path,
                    "line": d.first.line,
                    "column": d.first.column,
                    "message": d.first.message,
                    "more": d.more,
                    "own": d.own,
                    "shipped": d.shipped,
                    "instead": d.instead,
                    "text": str(d),
                }
                for d in disagreements or []
            ],
        },
    )


def schemas(body: dict[str, Any]) -> str:
    """`schema`: JSON Schema for editors; a schema is not a document of the tool, so it has no envelope."""
    return json.dumps(body, ensure_ascii=False, indent=2)
