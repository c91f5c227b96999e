"""Reading the YAML that coordinators write: safely, with YAML 1.2 booleans, and with line numbers kept.

Only imported when a file must really be parsed (a cache miss or `check`), because PyYAML costs start-up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import ConfigError, Problem

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml parses ~8x faster when present

# Aliases may add at most this many nodes beyond those written: enough for any honest reuse of anchors,
# far below what an "alias bomb" (nested anchors that expand exponentially) would need to hurt.
MAX_ALIAS_EXPANSION = 1_000_000

_BOOL = "tag:yaml.org,2002:bool"


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


_STR = "tag:yaml.org,2002:str"
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


class SourceInt(int):
    """An integer that remembers how it was written: `0612345678` in a text field is that text, not a number."""

    source: str

    def __new__(cls, value: int, source: str) -> SourceInt:
        number = super().__new__(cls, value)
        number.source = source
        return number

    def __reduce__(self) -> tuple[type[SourceInt], tuple[int, str]]:
        return SourceInt, (int(self), self.source)


class SourceFloat(float):
    """A float that remembers how it was written (`1.10` as a version or a postcode part stays `1.10`)."""

    source: str

    def __new__(cls, value: float, source: str) -> SourceFloat:
        number = super().__new__(cls, value)
        number.source = source
        return number

    def __reduce__(self) -> tuple[type[SourceFloat], tuple[float, str]]:
        return SourceFloat, (float(self), self.source)


def _construct_int(loader: Any, node: ScalarNode) -> SourceInt:
    """YAML 1.2 integers: decimal (leading zeros allowed, never octal) or 0x hexadecimal."""
    text = loader.construct_scalar(node)
    unsigned = text.lstrip("+-")
    value = int(unsigned[2:], 16) if unsigned[:2].lower() == "0x" else int(unsigned, 10)
    return SourceInt(-value if text.startswith("-") else value, text)


def _construct_float(loader: Any, node: ScalarNode) -> SourceFloat:
    text = loader.construct_scalar(node)
    return SourceFloat(yaml.constructor.SafeConstructor.construct_yaml_float(loader, node), text)


Loader.add_constructor(_INT, _construct_int)
Loader.add_constructor(_FLOAT, _construct_float)


@dataclass
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
        raise ConfigError([Problem(path, line, column, "geen geldige UTF-8; sla het bestand op als UTF-8")]) from None
    loader = Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise ConfigError([Problem(path, 1, 1, "het bestand is leeg")])
        _check_structure(root, path, anchors=_ANCHOR.search(text) is not None)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "onleesbare YAML"
        at_line = mark.line + 1 if mark else None
        at_column = mark.column + 1 if mark else None
        raise ConfigError([Problem(path, at_line, at_column, f"YAML-fout: {what}")]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([Problem(path, None, None, f"YAML-fout: {exc}")]) from None
    except RecursionError:
        raise ConfigError([Problem(path, None, None, "te diep genest")]) from None
    finally:
        loader.dispose()
    return Document(path, data, text)


def read(path: Path, shown_as: str | None = None) -> Document:
    """Read and parse a file; an unreadable file is a ConfigError too."""
    name = shown_as or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError([Problem(name, None, None, f"kan niet gelezen worden: {exc.strerror}")]) from None
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
            keys: set[str] = set()
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode):
                    if key_node.value in keys:
                        mark = key_node.start_mark
                        problems.append(
                            Problem(path, mark.line + 1, mark.column + 1, f"dubbele sleutel '{key_node.value}'")
                        )
                    keys.add(key_node.value)
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
            raise ConfigError([Problem(path, mark.line + 1, mark.column + 1, "alias verwijst naar zichzelf")])
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
            message = "aliassen (&/*) breiden te ver uit; schrijf de gegevens uit"
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
