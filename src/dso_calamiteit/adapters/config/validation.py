"""Turning parsed YAML into the domain dataclasses with pydantic, every problem located at its line and said in
the operator's words. What a type cannot say is checked next, by rules/ (one module per file kind).
Imported on cache misses only (pydantic costs start-up), and by `calamiteit schema`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Sequence
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ...domain.callout import CalloutFile
from ...domain.contacts import ContactsFile
from ...domain.criteria import CriteriaFile
from ...domain.errors import Problem, suggest
from ...domain.language import N_, _
from ...domain.logbook import LogbookFile
from ...domain.monitoring import MaintenanceFile, MonitorFile
from ...domain.readiness import ReadinessFile
from ...domain.routing import RoutingFile
from ...domain.sitrap import ReportingFile
from ...domain.teams import TeamsFile
from .yamlfile import Document

MODELS: dict[str, type] = {
    "criteria": CriteriaFile,
    "contacts": ContactsFile,
    "routing": RoutingFile,
    "reporting": ReportingFile,
    "monitor": MonitorFile,
    "readiness": ReadinessFile,
    "teams": TeamsFile,
    "logbook": LogbookFile,
    "callout": CalloutFile,
    "maintenance": MaintenanceFile,
}


@cache
def adapter(model: type) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def json_schema(kind: str) -> dict[str, Any]:
    return adapter(MODELS[kind]).json_schema()


def validate(doc: Document, kind: str) -> tuple[Any, list[Problem]]:
    """The typed object for `doc`, or None and the located problems.

    A text field holding something YAML reads as a number (`phone: 0612345678`, `postcode: 1234`, `id: 007`)
    gets the text as the user wrote it, leading zeros and all: the loader kept it, and it is put back here
    wherever the schema wants text, then validated again.
    """
    model = MODELS[kind]
    for _attempt in range(2):
        try:
            return adapter(model).validate_python(doc.data), []
        except ValidationError as exc:
            errors = exc.errors()
        written = [e for e in errors if e["type"] == "string_type" and hasattr(e.get("input"), "source")]
        if not written:
            break
        for err in written:
            _put_back(doc.data, err["loc"], err["input"].source)
    return None, [doc.problem(err["loc"], _message(err, model)) for err in errors]


def _put_back(data: Any, loc: Sequence[str | int], text: str) -> None:
    """Replace the value at `loc` by `text`; steps that are not in the data (union tags) are passed over."""
    parent: Any = None
    key: str | int | None = None
    current = data
    for step in loc:
        in_dict = isinstance(current, dict) and step in current
        in_list = isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current)
        if in_dict or in_list:
            parent, key, current = current, step, current[step]
    if parent is not None and key is not None:
        parent[key] = text


EXPECTED = (  # pydantic error types (by prefix) → what the field should be, in the operator's words
    ("string_type", N_("tekst"), ""),
    ("int_", N_("een geheel getal"), ""),
    ("time_", N_("een tijd"), N_(" (HH:MM, 00:00-23:59)")),
    ("datetime_", N_("een tijdstip"), N_(" (JJJJ-MM-DD HH:MM)")),
    ("date_", N_("een datum"), N_(" (JJJJ-MM-DD)")),
    ("bool_", N_("true of false"), ""),
    ("float_", N_("een getal"), ""),
)


def _message(err: Any, model: type) -> str:
    kind, loc = err["type"], err["loc"]
    field = loc[-1] if loc else ""
    found = err.get("input")
    shown = (
        _(", niet {found}").format(found=repr(found))
        if isinstance(found, str | int | float | bool) and len(repr(found)) < 40
        else ""
    )
    if kind in ("missing", "missing_argument"):
        return _("verplicht veld '{field}' ontbreekt").format(field=field)
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        allowed = _fields_at(model, loc[:-1])
        hint = suggest(str(field), allowed) or (
            " " + _("Toegestaan: {fields}.").format(fields=", ".join(allowed)) if allowed else ""
        )
        return _("onbekend veld '{field}'.").format(field=field) + hint
    expected = next(((what, form) for prefix, what, form in EXPECTED if kind.startswith(prefix)), None)
    if expected is not None:
        what, form = _(expected[0]), _(expected[1]) if expected[1] else ""
        return _("'{field}' moet {what} zijn").format(field=field, what=what) + form + shown
    if kind == "literal_error":
        choices = str(err["ctx"]["expected"]).replace(" or ", _(" of "))
        return _("'{field}' moet een van {choices} zijn").format(field=field, choices=choices) + shown
    if kind in ("tuple_type", "list_type"):
        return (
            _("'{field}' moet een lijst zijn").format(field=field) if field != "" else _("moet een lijst zijn")
        ) + shown
    if kind in ("dataclass_type", "dataclass_exact_type", "dict_type", "model_type"):
        if isinstance(field, str) and field:
            return _("'{field}' moet een mapping (sleutel: waarde) zijn").format(field=field) + shown
        return _("dit moet een mapping (sleutel: waarde) zijn") + shown
    return str(err["msg"])


def _fields_at(model: type, loc: Sequence[str | int]) -> list[str]:
    """The field names allowed at `loc`, found by following the dataclasses' type hints."""
    current: Any = model
    for step in loc:
        if isinstance(step, int) or not dataclasses.is_dataclass(current):
            continue
        current = _inner_dataclass(typing.get_type_hints(current).get(step))
    return [f.name for f in dataclasses.fields(current)] if dataclasses.is_dataclass(current) else []


def _inner_dataclass(tp: Any) -> Any:
    if dataclasses.is_dataclass(tp):
        return tp
    if typing.get_origin(tp) in (tuple, list, typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            found = _inner_dataclass(arg)
            if found is not None:
                return found
    return None
