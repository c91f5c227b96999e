"""What every file's rules share: where a finding points (a path into the file) and the shapes of ids,
phone numbers and e-mail addresses."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

Loc = tuple[str | int, ...]
Finding = tuple[Loc, str]

ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def unique_ids(items: Iterable[Any], where: Loc, what: str) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        if not ID.match(item.id):
            findings.append(
                ((*where, i, "id"), f"{what} '{item.id}' mag alleen kleine letters, cijfers en '-' bevatten")
            )
        if item.id in seen:
            findings.append(((*where, i, "id"), f"dubbele {what} '{item.id}'"))
        seen.add(item.id)
    return findings


def filled(obj: Any, loc: Loc, *names: str) -> list[Finding]:
    return [((*loc, n), f"'{n}' mag niet leeg zijn") for n in names if not str(getattr(obj, n)).strip()]
