"""An answers file read without a YAML library when it is plain: `criterium-id: ja` a line, or JSON.

Most answers files are a list of ids with ja/nee, written by hand or by `assess --json`. Such a file is read
here in a few lines; anything else (quotes, anchors, a value that is no answer, a duplicate id, a document
marker) returns None and goes through the full YAML loader, which names the line of what is wrong. So a
plain file costs no import of PyYAML or rapidyaml, and every other file gets the messages it always got.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..domain import answers
from ..domain.errors import UsageError

MAX_PLAIN_BYTES = 256 * 1024  # an answers file is a few dozen lines; a bigger one goes the full way
# A key YAML would read as a string too (an id starts with a letter; true, false, null are not strings there)
_LINE = re.compile(r"((?!(?:true|false|null)\b)[a-z][a-z0-9_-]*)[ \t]*:[ \t]+([A-Za-z0-9]+)[ \t]*(?:#.*)?")


def plain(path: Path) -> dict[str, bool] | None:
    """The answers of a plain file, or None when the file needs the YAML loader (or cannot be read here)."""
    try:
        raw = path.read_bytes()[: MAX_PLAIN_BYTES + 1]
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    if len(raw) > MAX_PLAIN_BYTES:
        return None
    if text.lstrip().startswith("{"):
        return _json(text)
    found: dict[str, bool] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.fullmatch(line)  # not indented: a top-level key
        if match is None or match[1] in found:
            return None
        value = answers.parse_answer(match[2])
        if value is None:
            return None
        found[match[1]] = value
    return found or None


def _json(text: str) -> dict[str, bool] | None:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in items]
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate key")
        return dict(items)

    try:
        data = json.loads(text, object_pairs_hook=pairs)
        return answers.from_mapping(data, lambda loc, message: message)
    except (ValueError, UsageError):
        return None
