"""The envelope of every JSON document the tool writes: the schema version and kind first, then the body."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from ..domain.safetext import json_text

SCHEMA_VERSION = 1
INDENT_ENV = "CALAMITEIT_JSON_INDENT"
COMPACT = (",", ":")


def asked_indent() -> int | None:
    """The indentation CALAMITEIT_JSON_INDENT asks for, else None (one compact line): for files such as an
    export, whose form should not depend on whether stdout happens to be a terminal."""
    asked = os.environ.get(INDENT_ENV, "").strip()
    return int(asked) if asked.isdigit() and int(asked) > 0 else None


def chosen_indent() -> int | None:
    """Indented for a person (stdout a terminal, or CALAMITEIT_JSON_INDENT=N asks for it), else one compact
    line: a script does not read the spaces, and Python writes indented JSON with its slow pure-Python encoder
    (`assess --json` on 10,000 contacts: most of its time)."""
    if os.environ.get(INDENT_ENV, "").strip():
        return asked_indent()
    try:
        return 2 if sys.stdout.isatty() else None
    except (AttributeError, ValueError):  # stdout replaced or closed
        return None


def dumps(kind: str, body: dict[str, Any], indent: int | bool | None = True, floatless: bool = False) -> str:
    """One JSON document; C1 and bidi controls escaped as \\uXXXX, so every value stays exact and terminal-safe.
    `indent` True: as `chosen_indent()` says (one line: without blanks after ',' and ':'); None: one line.
    `floatless`: the caller's body holds only text, whole numbers, booleans, None, lists and dicts with text
    keys, so a compact document may be written by orjson (see `compact_text`)."""
    spaces = chosen_indent() if indent is True else indent
    document = {"schema_version": SCHEMA_VERSION, "kind": kind, **body}
    # a whole document for a script: no blank after ',' and ':' either (assess --json at 10,000 contacts: 230 KB
    # less). A caller that asks for one line itself (indent=None: a head that entries are appended to, an
    # export file) keeps json's own separators.
    compact = indent is True and not spaces
    if compact and floatless:
        return json_text(compact_text(document))
    text = json.dumps(document, ensure_ascii=False, indent=spaces, separators=COMPACT if compact else None)
    return json_text(text)


def compact_text(document: Any) -> str:
    """`json.dumps(document, ensure_ascii=False, separators=(",", ":"))`, the very same text, written by orjson
    when it is installed: `assess --json` at 10,000 contacts spent 30 ms of its 60 ms document in Python's
    encoder, orjson 5 ms. Only for a document without floats (orjson writes 1e16 where json writes 1e+16, and
    null for NaN); what orjson refuses (a lone surrogate, a number beyond 64 bits, a key that is not text) goes
    to Python's encoder, which writes it as before."""
    try:
        import orjson
    except ImportError:
        return json.dumps(document, ensure_ascii=False, separators=COMPACT)
    try:
        return orjson.dumps(document).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(document, ensure_ascii=False, separators=COMPACT)
