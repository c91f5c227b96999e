"""The envelope of every JSON document the tool writes: the schema version and kind first, then the body."""

from __future__ import annotations

import json
from typing import Any

from ..domain.safetext import json_text

SCHEMA_VERSION = 1


def dumps(kind: str, body: dict[str, Any], indent: int | None = 2) -> str:
    """One JSON document; C1 and bidi controls escaped as \\uXXXX, so every value stays exact and terminal-safe."""
    text = json.dumps({"schema_version": SCHEMA_VERSION, "kind": kind, **body}, ensure_ascii=False, indent=indent)
    return json_text(text)
