"""What every file's rules share: where a finding points (a path into the file) and the shapes of ids,
phone numbers and e-mail addresses."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ....domain.errors import suggest
from ....domain.language import _

Loc = tuple[str | int, ...]
Finding = tuple[Loc, str]

ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def unique_ids(items: Iterable[Any], where: Loc, what: str) -> list[Finding]:
    """Ids of the right shape, each once; `what` ('organisatie-id') is in the reader's language already."""
    findings: list[Finding] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        if not ID.match(item.id):
            findings.append(
                (
                    (*where, i, "id"),
                    _("{what} '{id}' mag alleen kleine letters, cijfers en '-' bevatten").format(what=what, id=item.id),
                )
            )
        if item.id in seen:
            findings.append(((*where, i, "id"), _("dubbele {what} '{id}'").format(what=what, id=item.id)))
        seen.add(item.id)
    return findings


def filled(obj: Any, loc: Loc, *names: str) -> list[Finding]:
    return [
        ((*loc, n), _("'{field}' mag niet leeg zijn").format(field=n))
        for n in names
        if not str(getattr(obj, n)).strip()
    ]


def unknown_org(org: str, known: Iterable[str]) -> str:
    """'onbekende organisatie 'x'.' and a suggestion: said by five files' rules."""
    return _("onbekende organisatie '{org}'.").format(org=org) + suggest(org, known)


def not_email(value: str) -> str:
    return _("'{value}' is geen e-mailadres").format(value=value)


def twice(level: int) -> str:
    return _("niveau {level} komt twee keer voor").format(level=level)


def no_level(level: int) -> str:
    return _("niveau {level} bestaat niet in criteria.yaml").format(level=level)


def at_least_one() -> str:
    return _("moet minstens 1 zijn")
