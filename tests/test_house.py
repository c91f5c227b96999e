"""The shape of the house: one folder per layer, and no import circle anywhere.

The layers themselves are import-linter's contracts (pyproject.toml, `lint-imports` in .ci/run); these tests
check what a contract cannot say. docs/design.md describes both.
"""

from __future__ import annotations

import ast
import fnmatch
from pathlib import Path

import grimp

import dso_calamiteit

PACKAGE = Path(dso_calamiteit.__file__).parent
LAYERS = {"cli", "web", "views", "app", "adapters", "domain"}


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


# --- imports inside functions: only the documented ones ----------------------------------------------------

DESIGN = Path(__file__).resolve().parent.parent / "docs" / "design.md"


def _module_name(path: Path, root: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _is_module(name: str, root: Path) -> bool:
    """Whether `name` is a module of the package at `root` (a file or a package folder)."""
    if name.split(".")[0] != root.name:
        return False
    folder = root.parent.joinpath(*name.split("."))
    return folder.with_suffix(".py").is_file() or (folder / "__init__.py").is_file()


def _imported(node: ast.Import | ast.ImportFrom, base: list[str], root: Path) -> list[str]:
    """The modules an import statement names, resolved against the importing module's package (`base`)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        source = ".".join(base[: len(base) - node.level + 1] + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    return [f"{source}.{a.name}" if _is_module(f"{source}.{a.name}", root) else source for a in node.names]


def lazy_imports(root: Path = PACKAGE) -> list[tuple[str, str, int]]:
    """(importing module, imported module, line) of every import inside a function body in the package."""
    found: set[tuple[str, str, int]] = set()
    for path in sorted(root.rglob("*.py")):
        module, is_package = _module_name(path, root)
        base = module.split(".") if is_package else module.split(".")[:-1]
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                for node in ast.walk(function):
                    if isinstance(node, ast.Import | ast.ImportFrom):
                        found.update((module, target, node.lineno) for target in _imported(node, base, root))
    return sorted(found)


def documented() -> list[tuple[list[str], list[str], str]]:
    """The rows of the table under '## Lazy imports' in docs/design.md: (importers, imported, why)."""
    section = DESIGN.read_text(encoding="utf-8").split("\n## Lazy imports", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 3 or not cells[0].startswith("`"):
            continue
        importers, imported = ([p.strip(" `") for p in c.split(",")] for c in cells[:2])
        rows.append((importers, imported, cells[2]))
    return rows


def _matches(patterns: list[str], name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def undocumented(imports: list[tuple[str, str, int]]) -> list[str]:
    rules = documented()
    return [
        f"{module}:{line} imports {target}"
        for module, target, line in imports
        if not any(_matches(importers, module) and _matches(imported, target) for importers, imported, _ in rules)
    ]


def test_every_import_inside_a_function_is_a_documented_lazy_import() -> None:
    """An import inside a function is for start-up speed only, and then it is in docs/design.md with its
    reason; anything else goes to the top of its module (where a circle or an upward import would show)."""
    assert documented(), "docs/design.md has no table under '## Lazy imports'"
    stray = undocumented(lazy_imports())
    assert stray == [], "imports inside a function that docs/design.md does not list:\n" + "\n".join(stray)


def test_every_documented_lazy_import_is_still_there() -> None:
    seen = lazy_imports()
    unused = [
        f"{', '.join(importers)} -> {', '.join(imported)}"
        for importers, imported, _ in documented()
        if not any(_matches(importers, m) and _matches(imported, t) for m, t, _ in seen)
    ]
    assert unused == [], "docs/design.md lists lazy imports that no longer exist:\n" + "\n".join(unused)


def test_an_undocumented_import_inside_a_function_is_found(tmp_path: Path) -> None:
    """The check itself, on a package of two modules: a domain module that imports another one inside a
    function (as config.py once imported validation.py, hiding a circle) is reported; the same at the top
    of the module is not an import inside a function at all."""
    domain = tmp_path / "dso_calamiteit" / "domain"
    domain.mkdir(parents=True)
    for folder in (domain.parent, domain):
        (folder / "__init__.py").write_text("", encoding="utf-8")
    (domain / "criteria.py").write_text("X = 1\n", encoding="utf-8")
    (domain / "assessment.py").write_text(
        "from . import criteria\n\n\ndef f() -> int:\n    from .criteria import X\n\n    return X\n",
        encoding="utf-8",
    )
    found = lazy_imports(tmp_path / "dso_calamiteit")
    assert found == [("dso_calamiteit.domain.assessment", "dso_calamiteit.domain.criteria", 5)]
    assert undocumented(found) == ["dso_calamiteit.domain.assessment:5 imports dso_calamiteit.domain.criteria"]
