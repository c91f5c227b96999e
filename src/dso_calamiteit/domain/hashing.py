"""The hash of one logbook entry, apart from logbook.py so that a read which only checks entries' hashes
(`oproep --status`, benchmarks/callout_status.py) does not import the logbook's whole model."""

from __future__ import annotations

import hashlib


def entry_hash(incident: str, n: int, at: str, author: str, kind: str, body: str, prev: str) -> str:
    text = "\x1f".join((incident, str(n), at, author, kind, body, prev))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
