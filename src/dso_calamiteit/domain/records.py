"""`record`: a dataclass whose methods cost nothing to create at import.

`dataclasses.dataclass` writes the source of six methods for every frozen class (`__init__`, `__repr__`,
`__eq__`, `__hash__`, `__setattr__`, `__delattr__`) and compiles each with `exec` when the module is imported:
about 1 ms per class on the machines we measure, and a command that reads the configuration imports 40 to 70
such classes, most of which it only unpickles (which calls none of those methods). A `record` is the same
dataclass — `dataclasses.fields`, `replace`, `is_dataclass`, `__match_args__`, pickling and pydantic all see
it as one — with:

- `__init__`, `__repr__`, `__eq__` and `__hash__` written by dataclasses itself, each the first time it is
  called on the class (from a stand-in class with the same fields), so a class that is only unpickled never
  pays for them, and one that is hashed 10,000 times runs dataclasses' own code;
- `__setattr__` and `__delattr__` of a frozen record as plain closures (they only ever raise, as dataclasses').

Only what the domain uses is supported: no `InitVar`, `KW_ONLY`, `__post_init__`, `order`, `slots` or
inheritance between dataclasses (a class needing one of those stays a plain `dataclass`; the record test
compares every record with the dataclass it stands for).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")


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
    none = {"init": False, "repr": False, "eq": False}
    if "__init__" not in own:  # frozen: dataclasses sets the fields with object.__setattr__
        _put(cls, "__init__", _lazy(cls, fields, "__init__", **{**none, "init": True, "frozen": frozen}))
    if "__repr__" not in own:
        _put(cls, "__repr__", _lazy(cls, fields, "__repr__", **{**none, "repr": True}))
    if "__eq__" not in own:
        _put(cls, "__eq__", _lazy(cls, fields, "__eq__", **{**none, "eq": True}))
    if not explicit_hash:
        if frozen:  # eq and frozen: hashed by the compared fields, as dataclasses does (unsafe_hash: the same fields)
            _put(cls, "__hash__", _lazy(cls, fields, "__hash__", **{**none, "eq": True, "unsafe_hash": True}))
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


def _lazy(cls: type, fields: tuple[dataclasses.Field[Any], ...], name: str, **params: bool) -> Callable[..., Any]:
    """A method that, the first time it is called, has dataclasses write the real one (on a stand-in class with
    the same fields, defaults and factories, asked for this method alone) and puts it in its own place."""

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        real = cls.__dict__[name]
        if real is method:
            namespace: dict[str, Any] = {
                "__annotations__": {f.name: f.type for f in fields},
                "__module__": cls.__module__,
                "__qualname__": cls.__qualname__,
                "__doc__": "-",  # not asked: dataclasses would work it out with inspect.signature
            }
            for f in fields:  # the same Field objects: the same defaults and factories, in the same order
                namespace[f.name] = f
            stand_in = type(cls.__name__, (), namespace)
            dataclasses.dataclass(stand_in, **params)
            real = stand_in.__dict__[name]
            real.__qualname__ = f"{cls.__qualname__}.{name}"
            setattr(cls, name, real)
        return real(self, *args, **kwargs)

    return method
