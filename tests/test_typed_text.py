"""Data that people really type: a plain scalar in a text field is the text the user wrote, never a number."""

from __future__ import annotations

import copy
import dataclasses
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dso_calamiteit.adapters import config
from dso_calamiteit.adapters.config import validation, yamlfile
from dso_calamiteit.domain import exitcodes

from .conftest import Invoke, all_answers

TYPED = "0612345678"  # a Dutch mobile number as people type it: YAML 1.1 makes an invalid octal of it


def text_paths(tp: Any, data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in `data` where the schema `tp` wants text."""
    if tp is str:
        if isinstance(data, str):
            yield path
        return
    if dataclasses.is_dataclass(tp) and isinstance(data, dict):
        hints = typing.get_type_hints(tp)
        for f in dataclasses.fields(tp):
            if f.name in data:
                yield from text_paths(hints[f.name], data[f.name], (*path, f.name))
        return
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (tuple, list) and isinstance(data, list):
        for i, item in enumerate(data):
            yield from text_paths(args[0], item, (*path, i))
    elif origin in (typing.Union, types.UnionType):
        for arg in args:
            if arg is str or (dataclasses.is_dataclass(arg) and isinstance(data, dict)):
                yield from text_paths(arg, data, path)
                return


def value_at(obj: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        obj = obj[step] if isinstance(step, int) else getattr(obj, step)
    return obj


def put(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


EMPTY_SHIPPED = {
    "maintenance": 'windows:\n  - {application: Omgevingsloket, start: "2024-01-13 22:00", end: "2024-01-14 02:00", '
    "description: Release}\n",
}


@pytest.mark.parametrize("kind", sorted(validation.MODELS))
def test_every_text_field_of_every_shipped_schema_keeps_what_was_typed(kind: str) -> None:
    source = config.shipped_dir() / config.FILES[kind]
    doc = yamlfile.read(source)
    if kind in EMPTY_SHIPPED:  # shipped without entries (they would name applications of one's own): an example
        doc = yamlfile.parse(EMPTY_SHIPPED[kind].encode(), str(source))
    typed = yamlfile.parse(f"v: {TYPED}\n".encode(), "x").data["v"]
    assert isinstance(typed, int)  # as the loader reads it: a number that remembers its text
    paths = list(text_paths(validation.MODELS[kind], doc.data))
    assert paths or kind == "reporting", f"no text fields found in {kind}"  # reporting: only levels and minutes
    for path in paths:
        data = copy.deepcopy(doc.data)
        put(data, path, typed)
        obj, problems = validation.validate(yamlfile.Document(str(source), data, doc.text), kind)
        assert problems == [], (path, problems)
        assert value_at(obj, path) == TYPED, path


def test_numbers_stay_numbers_where_the_schema_wants_numbers() -> None:
    data = yamlfile.parse(b"a: 010\nb: 0x1F\nc: -07\nd: 1.50\n", "x").data
    assert data == {"a": 10, "b": 31, "c": -7, "d": 1.5}  # YAML 1.2: decimal with leading zeros, never octal


PHONES = ["0612345678", "0031201234567", "020 1234567", "0201234567", "+31 20 123 4567"]


def test_real_phone_numbers_in_contacts(calamiteit: Invoke, make_config, shipped: Path) -> None:
    text = (shipped / "contacts.yaml").read_text(encoding="utf-8")
    for i, phone in enumerate(PHONES, start=1):
        old = f'phone: "+31 00 0000 010{i}"'
        assert old in text, old
        text = text.replace(old, f"phone: {phone}")
    folder = str(make_config(contacts=text))
    assert calamiteit("check", "--config-dir", folder).code == exitcodes.OK
    found = calamiteit("contacts", "--json", "--config-dir", folder)
    assert found.code == 0
    phones = {c["phone"] for c in __import__("json").loads(found.out)["contacts"]}
    assert set(PHONES) <= phones
    tables = calamiteit("contacts", "--config-dir", folder)
    for phone in PHONES:
        assert phone in tables.out
    assessed = calamiteit("assess", "--no-input", *all_answers("ja"), "--config-dir", folder)
    assert assessed.code == 0 and "interne fout" not in assessed.err
