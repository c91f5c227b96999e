"""`_` is the tool's word for "in the reader's language" (domain/language.py): a function that also uses `_` as a
throw-away name (`callout, _ = read_token(…)`) makes it a local string, and its `_("…")` then fails with
"'str' object is not callable", an internal error, or an unbound name before the assignment. Found three times
while wrapping messages (app/confirmation, domain/confirmation, web/server.listen); this keeps it from coming back.
A comprehension is a scope of its own: `for _, x in …` there is harmless unless it translates too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "dso_calamiteit"
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
OWN_SCOPES = (*SCOPES, ast.ClassDef)


def _in_scope(scope: ast.AST) -> list[ast.AST]:
    """The nodes of one function's own scope: not those of a nested function, class or comprehension."""
    found: list[ast.AST] = []
    todo = list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        found.append(node)
        if not isinstance(node, OWN_SCOPES):
            todo.extend(ast.iter_child_nodes(node))
    return found


def shadowing(source: str) -> list[int]:
    """Lines of the functions (and comprehensions) that both bind `_` and call `_(…)` in their own scope."""
    out = []
    for scope in ast.walk(ast.parse(source)):
        if not isinstance(scope, SCOPES):
            continue
        nodes = _in_scope(scope)
        binds = any(isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store) for n in nodes)
        calls = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_" for n in nodes)
        if binds and calls:
            out.append(scope.lineno)
    return out


def test_no_function_uses_underscore_as_a_name_and_as_the_translation() -> None:
    found = [f"{path.relative_to(SRC)}:{line}" for path in sorted(SRC.rglob("*.py"))
             for line in shadowing(path.read_text(encoding="utf-8"))]
    assert found == [], f"`_` bound as a name where `_()` translates; call the throw-away something else: {found}"


@pytest.mark.parametrize(("source", "lines"), [
    ("def f(t):\n    a, _ = t\n    return _('x')\n", [1]),  # the bug
    ("def f(t):\n    try:\n        a, _ = t\n    except OSError:\n        raise E(_('x'))\n", [1]),
    ("def f(t):\n    return [_('x') for a in t if [b for _, b in t]]\n", []),  # the inner one's own `_`: fine
    ("def f(t):\n    return [_('x') for _, b in t]\n", [2]),  # translating with the loop's `_`: the bug
    ("def f(t):\n    a, _ = t\n    return a\n", []),  # no translation in it
    ("def f(t):\n    def g():\n        a, _ = t\n    return _('x')\n", []),  # g's own `_`: fine
])
def test_the_check_finds_what_it_should(source: str, lines: list[int]) -> None:
    assert shadowing(source) == lines
