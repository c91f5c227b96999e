"""`record`: a dataclass whose methods cost nothing to create at import.

`dataclasses.dataclass` writes the source of six methods for every frozen class (`__init__`, `__repr__`,
`__eq__`, `__hash__`, `__setattr__`, `__delattr__`) and compiles each with `exec` when the module is imported:
about 1 ms per class on the machines we measure, and a command that reads the configuration imports 40 to 70
such classes, most of which it only unpickles (which calls none of those methods). A `record` is the same
dataclass — `dataclasses.fields`, `replace`, `is_dataclass`, `__match_args__`, pickling and pydantic all see
it as one — with:

- `__repr__`, `__eq__`, `__hash__`, `__setattr__` and `__delattr__` as plain closures over the field names
  (the same results as dataclasses' generated ones: the same tuples compared and hashed, the same text);
- `__init__` written by dataclasses itself, the first time the class is constructed (a class that is only
  unpickled never pays for it).

Only what the domain uses is supported: no `InitVar`, `KW_ONLY`, `__post_init__`, `order`, `slots` or
inheritance between dataclasses (a class needing one of those stays a plain `dataclass`; the record test
compares every record with the dataclass it stands for).
"""

from __future__ import annotations

import dataclasses
import inspect
from _thread import get_ident  # as dataclasses' own recursive repr (threading is the edges')
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")

_REPRS: set[tuple[int, int]] = set()  # (object id, thread id) of the reprs running: a cycle shows as ...


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(*, frozen: bool = True) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: type[T] | None = None, /, *, frozen: bool = True) -> Any:
    """`@record` for `@dataclass(frozen=True)`, `@record(frozen=False)` for `@dataclass`."""

    def wrap(cls: type[T]) -> type[T]:
        return _record(cls, frozen)

    return wrap if cls is None else wrap(cls)


def _record(cls: type[T], frozen: bool) -> type[T]:
    own = {name for name in ("__init__", "__repr__", "__eq__", "__hash__") if name in cls.__dict__}
    if frozen and {"__setattr__", "__delattr__"} & set(cls.__dict__):
        raise TypeError(f"{cls.__name__}: a frozen record cannot define __setattr__ or __delattr__")
    explicit_hash = "__hash__" in own and not (cls.__dict__["__hash__"] is None and "__eq__" in own)
    documented = bool(cls.__dict__.get("__doc__"))
    if not documented:
        cls.__doc__ = "-"  # dataclasses would otherwise ask inspect.signature, which needs __init__; set below
    # the fields, their defaults on the class and __match_args__, with no method written (no exec)
    dataclasses.dataclass(cls, init=False, repr=False, eq=False, frozen=False)
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    params.init, params.repr, params.eq, params.frozen = True, True, True, frozen  # what it stands for
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    names = frozenset(f.name for f in fields)
    if not documented:
        cls.__doc__ = cls.__name__ + _signature(fields)
    if "__init__" not in own:
        _put(cls, "__init__", _lazy_init(cls, fields, frozen))
    if "__repr__" not in own:
        _put(cls, "__repr__", _repr([f.name for f in fields if f.repr]))
    compared = _values([f.name for f in fields if f.compare])
    if "__eq__" not in own:
        _put(cls, "__eq__", _eq(compared))
    if not explicit_hash:
        if frozen:  # eq and frozen: hashed by the compared fields, as dataclasses does
            _put(cls, "__hash__", _hash(_values([f.name for f in fields if (f.compare if f.hash is None else f.hash)])))
        else:  # eq without frozen: unhashable
            cls.__hash__ = None  # type: ignore[assignment]
    if frozen:
        _put(cls, "__setattr__", _frozen_setattr(cls, names))
        _put(cls, "__delattr__", _frozen_delattr(cls, names))
    return cls


def _put(cls: type, name: str, fn: Callable[..., Any]) -> None:
    fn.__name__ = name
    fn.__qualname__ = f"{cls.__qualname__}.{name}"
    setattr(cls, name, fn)


def _signature(fields: tuple[dataclasses.Field[Any], ...]) -> str:
    """What dataclasses puts in `__doc__` of a class without a docstring: the name and `inspect.signature`."""
    parts = []
    for f in fields:
        if not f.init:
            continue
        text = f"{f.name}: {inspect.formatannotation(f.type)}"
        if f.default is not dataclasses.MISSING:
            text += f" = {f.default!r}"
        elif f.default_factory is not dataclasses.MISSING:
            text += " = <factory>"
        parts.append(text)
    return f"({', '.join(parts)})"


def _values(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple dataclasses compares and hashes: `(self.a, self.b, ...)`."""
    if len(names) >= 2:
        return attrgetter(*names)  # a tuple for two or more names
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def _repr(names: list[str]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:
        key = (id(self), get_ident())
        if key in _REPRS:
            return "..."
        _REPRS.add(key)
        try:
            shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
            return f"{self.__class__.__qualname__}({shown})"
        finally:
            _REPRS.discard(key)

    return __repr__


def _eq(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, Any], Any]:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return __eq__


def _hash(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:
        return hash(values(self))

    return __hash__


def _frozen_setattr(cls: type, names: frozenset[str]) -> Callable[[Any, str, Any], None]:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)  # type: ignore[arg-type]  # mypy: cls seen as an instance

    return __setattr__


def _frozen_delattr(cls: type, names: frozenset[str]) -> Callable[[Any, str], None]:
    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)  # type: ignore[arg-type]  # mypy: cls seen as an instance

    return __delattr__


def _lazy_init(cls: type, fields: tuple[dataclasses.Field[Any], ...], frozen: bool) -> Callable[..., None]:
    """An `__init__` that, on the first construction, has dataclasses write the real one (from a stand-in class
    with the same fields and defaults) and puts it in its own place."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        real = cls.__dict__["__init__"]
        if real is __init__:
            namespace: dict[str, Any] = {
                "__annotations__": {f.name: f.type for f in fields},
                "__module__": cls.__module__,
                "__qualname__": cls.__qualname__,
                "__doc__": "-",
            }
            for f in fields:  # the same Field objects: the same defaults and factories, in the same order
                namespace[f.name] = f
            stand_in = type(cls.__name__, (), namespace)
            dataclasses.dataclass(stand_in, init=True, repr=False, eq=False, frozen=frozen)
            real = stand_in.__dict__["__init__"]
            real.__qualname__ = f"{cls.__qualname__}.__init__"
            cls.__init__ = real  # type: ignore[misc]
        real(self, *args, **kwargs)

    return __init__
