"""domain/records.py: a `record` is the dataclass it stands for — the same fields, parameters, docstring, and on
real objects the same repr, equality, hash, constructor and frozenness — but importing it compiles nothing
(benchmarks/startup.py: dataclasses' exec of six methods per class was most of the domain's import time)."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

import pytest

import dso_calamiteit
from dso_calamiteit.adapters import config
from dso_calamiteit.domain import records


def _modules() -> list[Any]:
    found = []
    for info in pkgutil.walk_packages(dso_calamiteit.__path__, "dso_calamiteit."):
        if info.name.startswith(("dso_calamiteit.web", "dso_calamiteit.cli")) or info.name.endswith("__main__"):
            continue
        found.append(importlib.import_module(info.name))
    return found


def _records() -> list[type]:
    seen: dict[str, type] = {}
    for module in _modules():
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and dataclasses.is_dataclass(value)
                and getattr(value.__eq__, "__module__", None) == records.__name__
            ):
                seen[f"{value.__module__}.{value.__qualname__}"] = value
    return list(seen.values())


RECORDS = _records()


def stand_for(cls: type) -> type:
    """The dataclass `cls` stands for, made by dataclasses itself from the same fields."""
    namespace: dict[str, Any] = {
        "__annotations__": {f.name: f.type for f in dataclasses.fields(cls)},
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
    }
    doc = cls.__dict__.get("__doc__")
    if doc and doc != "-" and not doc.startswith(cls.__name__ + "("):  # its own docstring; else dataclasses' own
        namespace["__doc__"] = cls.__doc__
    for f in dataclasses.fields(cls):
        namespace[f.name] = dataclasses.field(
            default=f.default, default_factory=f.default_factory, init=f.init, repr=f.repr, hash=f.hash,
            compare=f.compare, metadata=dict(f.metadata) or None, kw_only=f.kw_only,
        )
    frozen = cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    return dataclasses.dataclass(frozen=frozen)(type(cls.__name__, (), namespace))


def test_the_package_uses_records() -> None:
    names = {c.__name__ for c in RECORDS}
    assert len(RECORDS) >= 60 and {"Contact", "ContactsFile", "ReadinessFile", "Route", "Team"} <= names


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: f"{c.__module__.rsplit('.', 1)[-1]}.{c.__qualname__}")
def test_a_record_is_the_dataclass_it_stands_for(cls: type) -> None:
    ref = stand_for(cls)
    assert cls.__doc__ == ref.__doc__
    assert cls.__match_args__ == ref.__match_args__  # type: ignore[attr-defined]
    assert repr(cls.__dataclass_params__) == repr(ref.__dataclass_params__)  # type: ignore[attr-defined]
    assert (cls.__hash__ is None) == (ref.__hash__ is None)
    for mine, theirs in zip(dataclasses.fields(cls), dataclasses.fields(ref), strict=True):
        assert repr(mine) == repr(theirs)
    assert "__init__" not in cls.__dict__ or cls.__init__.__name__ == "__init__"


def _record_objects(value: Any, out: list[Any], seen: set[int]) -> None:
    if id(value) in seen or isinstance(value, (str, bytes, int, float, bool)) or value is None:
        return
    seen.add(id(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out.append(value)
        for f in dataclasses.fields(value):
            _record_objects(getattr(value, f.name), out, seen)
    elif isinstance(value, dict):
        for k, v in value.items():
            _record_objects(k, out, seen)
            _record_objects(v, out, seen)
    elif isinstance(value, (Sequence, set, frozenset)):  # Sequence: the cached contacts (config/packing.py)
        for v in value:
            _record_objects(v, out, seen)


def test_the_shipped_configuration_behaves_as_dataclasses_would() -> None:
    """Every object of the shipped files, unpickled as a command reads it: the same repr, hash and equality as
    the same values in the dataclass the record stands for, constructed anew equal to it, and frozen."""
    loaded = config.load(config.locate(config.shipped_dir()), use_cache=False)
    cached = type(loaded)(loaded.pickled())  # as a warm command has it: every part unpickled on first use
    objects: list[Any] = []
    for kind in config.FILES:
        _record_objects(getattr(cached, kind if kind != "reporting" else "reporting"), objects, set())
    kinds = {type(o).__name__ for o in objects if type(o) in RECORDS}
    assert {"Contact", "Criterion", "Route", "Team", "Member", "Schedule"} <= kinds
    refs = {cls: stand_for(cls) for cls in {type(o) for o in objects} if cls in RECORDS}
    for obj in objects:
        cls = type(obj)
        if cls not in refs:
            continue
        values = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
        theirs = refs[cls](**values)
        assert repr(obj) == repr(theirs)
        again = cls(**values)
        assert again == obj
        assert (again != obj) is False  # __ne__ from __eq__, as for a dataclass
        assert obj.__eq__(theirs) is NotImplemented  # another class: as dataclasses says
        if cls.__dict__.get("__slots__") is None:
            sub = object.__new__(type("Sub", (cls,), {}))
            sub.__dict__.update(obj.__dict__)
            assert obj.__eq__(sub) is NotImplemented and obj != sub  # a subclass is another class too
        assert _hashed(obj) == _hashed(theirs) == _hashed(again)  # a value, or unhashable (a dict field) in both
        if cls.__dataclass_params__.frozen:
            first = dataclasses.fields(obj)[0].name
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(obj, first, None)
            with pytest.raises(dataclasses.FrozenInstanceError):
                delattr(obj, first)
        for f in dataclasses.fields(obj):  # a different value in a compared field: unequal, as dataclasses says
            if f.compare:
                changed = dataclasses.replace(obj, **{f.name: object()})
                assert (changed == obj) == (refs[cls](**{**values, f.name: object()}) == theirs)
                break


def _hashed(obj: Any) -> object:
    try:
        return hash(obj)
    except TypeError as exc:
        return str(exc)


def test_constructing_writes_the_real_constructor_once() -> None:
    from dso_calamiteit.domain.teams import Member

    @records.record
    class Seat:
        role: str
        org: str = "iplo"
        tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)

    lazy = Seat.__dict__["__init__"]
    made = Seat("Woordvoerder")
    real = Seat.__dict__["__init__"]
    assert real is not lazy and Seat("x").__class__ is Seat and Seat.__dict__["__init__"] is real
    shown = "(role: 'str', org: 'str' = 'iplo', tags: 'tuple[str, ...]' = <factory>) -> None"
    assert str(inspect.signature(Seat)) == shown
    assert made == Seat(role="Woordvoerder", org="iplo", tags=())
    Member(group="kernteam", org="iplo", role="Woordvoerder")
    assert str(inspect.signature(Member)) == str(inspect.signature(stand_for(Member)))
    with pytest.raises(TypeError):
        Member(group="kernteam")  # type: ignore[call-arg]  # a required field missing: as dataclasses says


def test_a_cycle_is_shown_as_dots_and_a_mutable_record_is_not_hashable() -> None:
    @records.record(frozen=False)
    class Node:
        name: str
        next: Any = None

    node = Node("a")
    node.next = node
    assert repr(node) == "test_a_cycle_is_shown_as_dots_and_a_mutable_record_is_not_hashable.<locals>.Node(" \
        "name='a', next=...)"
    with pytest.raises(TypeError):
        hash(node)


def test_importing_the_domain_compiles_no_code() -> None:
    """The point of records: no `exec` while the domain's models are imported (dataclasses compiles six
    methods per class that way)."""
    program = (
        "import builtins, sys\n"
        "calls = []\n"
        "real = builtins.exec\n"
        "def counted(*args, **kwargs):\n"
        "    if sys._getframe(1).f_code.co_filename.endswith('dataclasses.py'):\n"
        "        calls.append(1)\n"
        "    return real(*args, **kwargs)\n"
        "builtins.exec = counted\n"
        "import dso_calamiteit.domain.readiness, dso_calamiteit.domain.routing, dso_calamiteit.domain.teams\n"
        "import dso_calamiteit.domain.callout, dso_calamiteit.domain.logbook, dso_calamiteit.domain.monitoring\n"
        "import dso_calamiteit.domain.sitrap, dso_calamiteit.app.readiness, dso_calamiteit.app.callout\n"
        "import dso_calamiteit.domain.errors, dso_calamiteit.domain.assessment, dso_calamiteit.adapters.config\n"
        "print(len(calls))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "0", done.stdout
