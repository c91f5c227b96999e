"""How the contact matrix is packed in the cache of validated files: its contacts as rows of field values, each
contact made from its row the first time it is asked for.

Pickle makes an object field by field through its state dictionary: for 10,000 contacts that was most of
`contacts --json`'s own time (19 ms of unpickling, against 3 ms for the same values as rows). A search reads the
cached search index and makes only the contacts it found; a command that goes through them all makes them in
one loop (7 ms). The cache's key holds this package's code, so a changed `Contact` never meets rows packed for an
older one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any, overload

from ...domain.contacts import Contact, ContactsFile

FIELDS = tuple(f.name for f in dataclasses.fields(Contact))


class Contacts(Sequence[Contact]):
    """A matrix's contacts from the cache, read as its tuple is: by position, in order, equal to the tuple of the
    same contacts (and hashed as it). Each contact is made once; the same position gives the same object."""

    __slots__ = ("_made", "_rows", "_whole")

    def __init__(self, rows: tuple[tuple[Any, ...], ...]) -> None:
        self._rows = rows
        self._made: list[Contact | None] = [None] * len(rows)
        self._whole = False

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Contact: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Contact, ...]: ...

    def __getitem__(self, index: int | slice) -> Contact | tuple[Contact, ...]:
        if isinstance(index, slice):
            return self.whole()[index]
        made = self._made[index]
        if made is None:
            made = self._made[index] = _contact(self._rows[index])
        return made

    def __iter__(self) -> Iterator[Contact]:
        return iter(self.whole())

    def whole(self) -> tuple[Contact, ...]:
        """Every contact, the ones not made yet made now in one loop."""
        if not self._whole:
            self._made = [c if c is not None else _contact(row) for c, row in zip(self._made, self._rows, strict=True)]
            self._whole = True
        return tuple(self._made)  # type: ignore[arg-type]  # none is None any more

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Contacts):
            return self.whole() == other.whole()
        return self.whole() == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.whole())

    def __add__(self, other: tuple[Contact, ...]) -> tuple[Contact, ...]:
        return self.whole() + other

    def __radd__(self, other: tuple[Contact, ...]) -> tuple[Contact, ...]:
        return other + self.whole()

    def __repr__(self) -> str:
        return repr(self.whole())

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (self.whole(),))


def _contact(row: tuple[Any, ...]) -> Contact:
    made = object.__new__(Contact)
    made.__dict__.update(zip(FIELDS, row, strict=True))
    return made


def dumps(value: object) -> bytes:
    """`pickle.dumps`, with a contact matrix packed as rows; only when a set is cached (a cold run)."""
    import copyreg
    import io
    import pickle

    out = io.BytesIO()
    pickler = pickle.Pickler(out, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, ContactsFile: pack}
    pickler.dump(value)
    return out.getvalue()


def pack(matrix: ContactsFile) -> tuple[Any, ...]:
    """`matrix` for pickle (a reducer: `copyreg`'s form): its contacts as rows, its cached indexes as they are,
    except `by_org_tier` and `people`, which hold contacts: made again from `positions` and `numbered` when first
    used, so that they make only the contacts they give."""
    state = dict(vars(matrix))
    contacts = state.pop("contacts")
    state.pop("by_org_tier", None)
    state.pop("people", None)
    rows = tuple(tuple(vars(c)[name] for name in FIELDS) for c in contacts)
    return (unpack, (FIELDS, rows, state))


def unpack(fields: tuple[str, ...], rows: tuple[tuple[Any, ...], ...], state: dict[str, Any]) -> ContactsFile:
    if fields != FIELDS:  # not reached while the cache's key holds the code; a clear failure if it ever is
        raise ValueError("contacts packed for other fields")
    matrix = object.__new__(ContactsFile)
    matrix.__dict__.update(state, contacts=Contacts(rows))
    return matrix
