"""The shape of the house: one folder per layer, and no import circle anywhere.

The layers themselves are import-linter's contracts (pyproject.toml, `lint-imports` in .ci/run); these tests
check what a contract cannot say. docs/design.md describes both.
"""

from __future__ import annotations

from pathlib import Path

import grimp

import dso_calamiteit

PACKAGE = Path(dso_calamiteit.__file__).parent
LAYERS = {"cli", "views", "app", "adapters", "domain"}


def test_every_module_lives_in_the_folder_of_its_layer() -> None:
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py"))
    assert loose == [], f"a module beside the layers: put it in one of {sorted(LAYERS)}"
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert folders <= LAYERS | {"web"}, folders - LAYERS


def _circles(graph: grimp.ImportGraph, package: str) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, without recursion)."""
    modules = sorted(m for m in graph.modules if m == package or m.startswith(package + "."))
    edges = {
        m: sorted(x for x in graph.find_modules_directly_imported_by(m) if x == package or x.startswith(package + "."))
        for m in modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in modules:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if i < len(edges[node]):
                work.append((node, i + 1))
                nxt = edges[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def test_no_import_circle_not_even_through_a_function() -> None:
    """grimp's graph holds every import: at the top of a module, inside a function and under TYPE_CHECKING.
    A circle hidden behind an import inside a function (config → validation → stores.location → config, and
    app.incidents ↔ app.logbook, before this house) is found here."""
    assert _circles(grimp.build_graph("dso_calamiteit"), "dso_calamiteit") == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = grimp.ImportGraph()
    for name in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(name)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.c")
    graph.add_import(importer="p.c", imported="p.a")
    assert _circles(graph, "p") == [["p.a", "p.b", "p.c"]]
