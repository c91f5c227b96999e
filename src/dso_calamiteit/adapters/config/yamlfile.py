"""Reading the YAML that coordinators write: safely, with YAML 1.2 booleans, and with line numbers kept.

Only imported when a file must really be parsed (a cache miss or `check`), because PyYAML costs start-up.

Over 400 lines on purpose: the loader's YAML 1.2 resolver, the rapidyaml fast path that must decide every
scalar exactly as that resolver does, and the structure checks that point at a line are one reader; a test
compares the two paths on ~800 documents.
"""

from __future__ import annotations

import os
import re
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar, Self

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ...domain.errors import ConfigError, Problem, os_reason
from ...domain.language import _
from ...domain.records import record
from .yamlerrors import GENERIC, explain, said

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml parses ~8x faster when present

# Aliases may add at most this many nodes beyond those written: enough for any honest reuse of anchors,
# far below what an "alias bomb" (nested anchors that expand exponentially) would need to hurt.
MAX_ALIAS_EXPANSION = 1_000_000

_BOOL = "tag:yaml.org,2002:bool"


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_MEMO_LENGTH = 40  # short plain scalars repeat (keys, tiers, org ids): their tag is looked up once


class Loader(_Base):  # type: ignore[misc]
    """Safe loader with YAML 1.2 scalars: only true/false are booleans (answers like `no` or `ja` stay text),
    no base-60 numbers (YAML 1.1 reads an unquoted 17:00 as the integer 1020), and dates stay text for the
    schema to read, whatever their form."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._tags: dict[str, str] = {}

    def resolve(self, kind: type[Node], value: str, implicit: tuple[bool, bool]) -> str:
        """PyYAML's resolver, with a fast path: libyaml calls this once per scalar (two million times for
        100,000 contacts), and most scalars start with a letter that no implicit type can start with."""
        if kind is ScalarNode and implicit[0]:
            if value and value[0] not in _SPECIAL_FIRST:
                return _STR
            if len(value) <= _MEMO_LENGTH:
                if value not in self._tags:
                    self._tags[value] = super().resolve(kind, value, implicit)
                return self._tags[value]
        resolved: str = super().resolve(kind, value, implicit)
        return resolved


Loader.yaml_implicit_resolvers = {
    first: kept
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
    if (kept := [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _INT, _FLOAT, _TIMESTAMP)])
}
Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
Loader.add_implicit_resolver(_INT, re.compile(r"^(?:[-+]?[0-9]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
Loader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_SPECIAL_FIRST = frozenset(first for first in Loader.yaml_implicit_resolvers if first)  # '' is the empty scalar


class Sourced:
    """A number that remembers how it was written: `0612345678` in a text field is that text, not a number, and
    `1.10` as a version or a postcode part stays `1.10`. One definition for both kinds of number below."""

    source: str
    number: ClassVar[type[int] | type[float]]  # the kind of number it is

    def __new__(cls, value: float, source: str) -> Self:
        made: Self = cls.number.__new__(cls, value)  # type: ignore[type-var]
        made.source = source
        return made

    def __reduce__(self) -> tuple[type[Self], tuple[float, str]]:
        return type(self), (self.number(self), self.source)  # type: ignore[call-overload,arg-type]


class SourceInt(Sourced, int):
    number = int


class SourceFloat(Sourced, float):
    number = float


def _int(text: str) -> SourceInt:
    """YAML 1.2 integers: decimal (leading zeros allowed, never octal) or 0x hexadecimal."""
    unsigned = text.lstrip("+-")
    value = int(unsigned[2:], 16) if unsigned[:2].lower() == "0x" else int(unsigned, 10)
    return SourceInt(-value if text.startswith("-") else value, text)


def _float(text: str) -> SourceFloat:
    """As PyYAML reads a float (underscores dropped, .inf and .nan), without its YAML 1.1 base-60 form."""
    lowered = text.replace("_", "").lower()
    sign = -1.0 if lowered.startswith("-") else 1.0
    unsigned = lowered.lstrip("+-")
    if unsigned == ".inf":
        return SourceFloat(sign * float("inf"), text)
    if unsigned == ".nan":
        return SourceFloat(float("nan"), text)
    return SourceFloat(sign * float(unsigned), text)


def _construct_int(loader: Any, node: ScalarNode) -> SourceInt:
    return _int(loader.construct_scalar(node))


def _construct_float(loader: Any, node: ScalarNode) -> SourceFloat:
    return _float(loader.construct_scalar(node))


Loader.add_constructor(_INT, _construct_int)
Loader.add_constructor(_FLOAT, _construct_float)


@record(frozen=False)
class Document:
    """A parsed file: the plain data, and (on demand) the node tree to find the line of any path in it.

    The tree is not kept: for 100,000 contacts it is most of a gigabyte (two position marks per scalar).
    The rare file with a problem is composed again to point at the line.
    """

    path: str
    data: Any
    text: str
    _root: Node | None = None

    def problem(self, loc: Sequence[str | int], message: str) -> Problem:
        if self._root is None:
            loader = Loader(self.text)
            try:
                self._root = loader.get_single_node()
            finally:
                loader.dispose()
        line, column = position(self._root, loc) if self._root is not None else (1, 1)
        return Problem(self.path, line, column, message)


def parse(raw: bytes, path: str) -> Document:
    """Parse one document from `raw`; every failure is a ConfigError naming the file, line and column."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = _("geen geldige UTF-8; sla het bestand op als UTF-8")
        raise ConfigError([Problem(path, line, column, message)]) from None
    fast = _rapid(text)
    if fast is not _UNDECIDED:
        return Document(path, fast, text)
    loader = Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise ConfigError([Problem(path, 1, 1, _("het bestand is leeg"))])
        _check_structure(root, path, anchors=_ANCHOR.search(text) is not None)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        raise ConfigError([Problem(path, *explain(exc, text))]) from None
    except yaml.YAMLError:
        raise ConfigError([Problem(path, None, None, said(_(GENERIC)))]) from None
    except RecursionError:
        raise ConfigError([Problem(path, None, None, _("te diep genest"))]) from None
    finally:
        loader.dispose()
    return Document(path, data, text)


_UNDECIDED: Any = object()
# What the fast path leaves to PyYAML: anchors, aliases, tags, reserved indicators, merge keys, directives,
# document markers, comments inside flow collections, tabs and CRs. Matching text in a note only costs the
# slower parse; it never changes what a file means. Searched on "\n" + text: every line starts after "\n".
_UNUSUAL = (  # separate searches: one alternation would try every branch at every character (4x slower)
    re.compile(r"[:\-\[{,\n] *[&*!@`]"),
    re.compile(r"\n(?:%|---|\.\.\.)"),
    re.compile(r"[\[{][^\n]*\s#"),
)


def _unusual(text: str) -> bool:
    if "\t" in text or "\r" in text or "<<" in text:
        return True
    text = "\n" + text
    return any(pattern.search(text) for pattern in _UNUSUAL)


def _rapid(text: str) -> Any:
    """The data of an everyday file through rapidyaml (a C++ parser, ~25x faster than libyaml through
    PyYAML), read with exactly the scalar rules of `Loader`; `_UNDECIDED` for anything unusual, a duplicate
    key or any error, which PyYAML then decides (and reports with line and column).

    rapidyaml only splits the text into maps, sequences and scalars with their style; which scalar is a
    number, a boolean or null is decided here, by the same resolvers as the PyYAML path.
    """
    if _unusual(text):
        return _UNDECIDED
    try:
        import ryml
    except ImportError:  # pragma: no cover - a dependency, but the slow path is always correct
        return _UNDECIDED
    try:
        with _stderr_silenced():  # rapidyaml prints its parse errors to fd 2 before it raises
            tree = ryml.parse_in_arena(text.encode("utf-8"))
    except Exception:  # PyYAML says what and where, in Dutch with file, line and column
        return _UNDECIDED
    root = tree.root_id()
    if tree.is_stream(root):
        if tree.num_children(root) != 1:
            return _UNDECIDED
        root = tree.first_child(root)
    try:
        return _Rapid(tree, int(ryml.MAP), int(ryml.SEQ)).build(root)
    except Exception:  # a duplicate key, an unusual tag, an empty document: never decided here
        return _UNDECIDED


@contextmanager
def _stderr_silenced() -> Iterator[None]:
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all: nothing to silence
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class _Unusual(Exception):
    """Something the fast path does not decide (a duplicate key, an unusual tag): PyYAML will."""


class _Rapid:
    """Walks a rapidyaml tree into Python data."""

    def __init__(self, tree: Any, map_bit: int, seq_bit: int) -> None:
        self.tree = tree
        self.map_bit, self.seq_bit = map_bit, seq_bit  # rapidyaml's NodeType bits MAP and SEQ
        self.tags: dict[str, str] = {}

    def build(self, node: int) -> Any:
        # One call for the node's type bits instead of is_map/is_seq/val_is_null per node, and the tree's
        # methods bound once: a cold check of 10,000 contacts spent 2.5 s of its 2.6 s parse in this walk.
        tree = self.tree
        kind = tree.type(node)
        if kind & self.map_bit:
            data: dict[Any, Any] = {}
            first_child, next_sibling, key_of, key_plain = (
                tree.first_child, tree.next_sibling, tree.key, tree.is_key_plain
            )
            scalar, build = self.scalar, self.build
            child = first_child(node)
            while child != _NONE:  # every child of a map has a key
                key = scalar(bytes(key_of(child)), key_plain(child))
                if not isinstance(key, Hashable) or key in data:
                    raise _Unusual
                data[key] = build(child)
                child = next_sibling(child)
            return data
        if kind & self.seq_bit:
            items = []
            child = tree.first_child(node)
            while child != _NONE:
                items.append(self.build(child))
                child = tree.next_sibling(child)
            return items
        plain = tree.is_val_plain(node)
        raw = tree.val(node)
        if plain and raw is None:  # `key:` with nothing after it; a plain ~ or null is None by the resolvers
            return None
        return self.scalar(bytes(raw), plain)

    def scalar(self, raw: bytes, plain: bool) -> Any:
        value = raw.decode("utf-8")
        if not plain:  # quoted or a block scalar: always text
            return value
        if value and value[0] not in _SPECIAL_FIRST:
            return value
        tag = self.tags.get(value)
        if tag is None:
            tag = _implicit(value)
            if len(value) <= _MEMO_LENGTH:
                self.tags[value] = tag
        return _construct(tag, value)


_NONE = 2**64 - 1  # rapidyaml's "no node" (size_t -1)


def _implicit(value: str) -> str:
    for tag, regexp in Loader.yaml_implicit_resolvers.get(value[:1], []):
        if regexp.match(value):
            return str(tag)
    return _STR


def _construct(tag: str, value: str) -> Any:
    """What `Loader` constructs for a plain scalar with this tag."""
    if tag == _STR:
        return value
    if tag == _INT:
        return _int(value)
    if tag == _FLOAT:
        return _float(value)
    if tag == _BOOL:
        return value.lower() == "true"
    if tag == _NULL:
        return None
    raise _Unusual


def read(path: Path, shown_as: str | None = None) -> Document:
    """Read and parse a file; an unreadable file is a ConfigError too."""
    name = shown_as or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        message = _("kan niet gelezen worden: {reason}").format(reason=os_reason(exc))
        raise ConfigError([Problem(name, None, None, message)]) from None
    return parse(raw, name)


# An anchor (`&name`) stands after white space, a flow indicator or at the start of a line. Text that could
# hold one is checked for aliases; text that cannot (most files) skips that bookkeeping.
_ANCHOR = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]", re.MULTILINE)


def _check_structure(root: Node, path: str, anchors: bool = True) -> None:
    """Refuse duplicate keys (PyYAML silently keeps the last) and aliases that expand too far or loop.

    One iterative pass over the nodes. Only a document with anchors can share a node, so only then are
    nodes remembered and the alias arithmetic done: a 100,000-contact file without anchors costs one walk.
    """
    problems: list[Problem] = []
    seen: set[int] = set()
    shared = False
    stack = [root]
    while stack:
        node = stack.pop()
        if anchors:
            if id(node) in seen:
                shared = True
                continue
            seen.add(id(node))
        if isinstance(node, MappingNode):
            keys: dict[str, int] = {}  # key → the line it first appears on
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode):
                    if key_node.value in keys:
                        mark = key_node.start_mark
                        message = _(
                            "dubbele sleutel '{key}' (ook op regel {line}); haal er één weg of voeg ze samen"
                        ).format(key=key_node.value, line=keys[key_node.value])
                        problems.append(Problem(path, mark.line + 1, mark.column + 1, message))
                    keys.setdefault(key_node.value, key_node.start_mark.line + 1)
                stack.append(value_node)
                stack.append(key_node)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    if shared:
        _check_aliases(root, path)
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise ConfigError(problems)


def _check_aliases(root: Node, path: str) -> None:
    """Aliases that refer to themselves, or that expand a document far beyond what was written."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    distinct = 0

    def size(node: Node) -> int:
        nonlocal distinct
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            mark = node.start_mark
            raise ConfigError([Problem(path, mark.line + 1, mark.column + 1, _("alias verwijst naar zichzelf"))])
        in_progress.add(key)
        distinct += 1
        total = 1
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                total += size(key_node) + size(value_node)
        elif isinstance(node, SequenceNode):
            for item in node.value:
                total += size(item)
        in_progress.discard(key)
        sizes[key] = total
        if total - distinct > MAX_ALIAS_EXPANSION:
            mark = node.start_mark
            message = _("aliassen (&/*) breiden te ver uit; schrijf de gegevens uit")
            raise ConfigError([Problem(path, mark.line + 1, mark.column + 1, message)])
        return total

    size(root)


def position(root: Node, loc: Sequence[str | int]) -> tuple[int, int]:
    """Line and column (1-based) of the deepest node along `loc`; a key's own position when it ends there."""
    node = root
    mark = root.start_mark
    for step in loc:
        if isinstance(node, MappingNode):
            match = next(((k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == str(step)), None)
            if match is None:
                break
            mark = match[0].start_mark
            node = match[1]
        elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
            mark = node.start_mark
        else:
            break
    return mark.line + 1, mark.column + 1
