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


class Loader(_Base):  # type: ignore[misc]
    """Safe loader with YAML 1.2 scalars: only true/false are booleans (answers like `no` or `ja` stay text),
    no base-60 numbers (YAML 1.1 reads an unquoted 17:00 as the integer 1020), and dates stay text for the
    schema to read, whatever their form."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _INT, _FLOAT, _TIMESTAMP)]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
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


@dataclass(frozen=True)
class Document:
    """A parsed file: the plain data, and the node tree to find the line of any path in it."""

    path: str
    data: Any
    root: Node

    def problem(self, loc: Sequence[str | int], message: str) -> Problem:
        line, column = position(self.root, loc)
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
        _check_structure(root, path)
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
    return Document(path, data, root)


def read(path: Path, shown_as: str | None = None) -> Document:
    """Read and parse a file; an unreadable file is a ConfigError too."""
    name = shown_as or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError([Problem(name, None, None, f"kan niet gelezen worden: {exc.strerror}")]) from None
    return parse(raw, name)


def _check_structure(root: Node, path: str) -> None:
    """Refuse duplicate keys (PyYAML silently keeps the last) and aliases that expand too far or loop."""
    problems: list[Problem] = []
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
            seen: set[str] = set()
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode):
                    if key_node.value in seen:
                        mark = key_node.start_mark
                        problems.append(
                            Problem(path, mark.line + 1, mark.column + 1, f"dubbele sleutel '{key_node.value}'")
                        )
                    seen.add(key_node.value)
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
    if problems:
        raise ConfigError(problems)


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
