"""Every width (issue 23): every table of every human view, with long names, long levels and long routing
labels, laid out at each width from 40 to 200 columns; no cell may lose a word.

The commands run once, with every `layout.records` call recorded; each recorded table is then printed at every
width through the same layout code, and each word of each cell must still be there (counted, so a word that
also appears elsewhere cannot hide a cropped one). A table that cannot show every cell whole must turn into
blocks, never crop.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dso_calamiteit.domain import exitcodes
from dso_calamiteit.views.tables import layout
from dso_calamiteit.views.tables.terminal import console as make_console

from .conftest import all_answers

REPO = Path(__file__).resolve().parents[1]

LONG_PEOPLE = """
  - id: maria-jose
    org: gemeenten
    role: Coördinator informatiebeveiliging en privacy
    name: Maria-José van den Heuvel-Tjoa
    tier: tactisch
    phone: 0612345678
    email: maria-jose.vandenheuvel-tjoa@gemeente-voorbeeld.example.nl
    notes: Bereikbaar via de wachtdienst van de gemeente; bij geen gehoor de teamleider informatievoorziening bellen.
    tags: [bevoegd gezag, piket]
"""
LONG_ROUTE = """
  - id: heel-lange-lijn
    when: "Bij een langdurige landelijke verstoring van het indienen van vergunningaanvragen en meldingen"
    min_level: 1
    max_level: 2
    tiers: [strategisch, tactisch, operationeel]
    to: [iplo, leveranciersmanagement, dso-lv]
    also: [gemeenten, waterschappen, provincies, rijk]
"""


LONG_TARGETS = """timeout_s: 2
max_body_kb: 512
targets:
  - name: Omgevingsloket vergunningcheck en indieningsvoorziening
    url: "{base}/ok"
    env: pre
  - name: Registratie toepasbare regels
    url: "{base}/status/500"
    env: prod
"""
BROKEN_ROUTING = """
  - id: kapotte-lijn
    when: "Bij een verstoring die een organisatie noemt die niet bestaat"
    to: [onbekende-organisatie-met-een-lange-naam]
"""


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> list[Recorded]:
    """Every table, panel and heading the views print, recorded once (module scope: the width tests share it).

    Tables go through the shared layout (`layout.records`, `layout.fitted`): those calls are recorded with their
    rows and laid out again at each width. Everything else a view hands to the console (panels, headings, notes,
    warnings) is recorded as the renderable itself and printed again at each width."""
    import contextlib

    from dso_calamiteit.adapters import config
    from dso_calamiteit.cli import root
    from dso_calamiteit.views.tables.terminal import SafeConsole

    from .servers import serve

    base = tmp_path_factory.mktemp("widths")
    folder = base / "cfg"
    (folder / "config").mkdir(parents=True)
    shipped = config.shipped_dir()
    for name in config.FILES.values():
        (folder / name).write_bytes((shipped / name).read_bytes())
    with (folder / "contacts.yaml").open("a", encoding="utf-8") as fh:
        fh.write(LONG_PEOPLE)
    with (folder / "config" / "routing.yaml").open("a", encoding="utf-8") as fh:
        fh.write(LONG_ROUTE)
    broken = base / "kapot"
    (broken / "config").mkdir(parents=True)
    for name in config.FILES.values():
        (broken / name).write_bytes((folder / name).read_bytes())
    with (broken / "config" / "routing.yaml").open("a", encoding="utf-8") as fh:
        fh.write(BROKEN_ROUTING)
    seen: list[Recorded] = []
    real, real_fitted, real_print = layout.records, layout.fitted, SafeConsole.print
    command: tuple[str, ...] = ()
    inside = 0  # > 0 while the shared layout prints: its own prints are laid out again, not recorded
    made: set[int] = set()  # what layout.fitted returned: printed by a view, laid out again from its rows

    def what(title: object) -> str:
        return f"{' '.join(a for a in command[:2] if not a.startswith('/'))}: {title}"

    def recording(console, title, columns, rows, **kw):  # type: ignore[no-untyped-def]
        nonlocal inside
        seen.append(Table(what(title), title, list(columns), _widest(columns, rows), kw.get("caption")))
        inside += 1
        try:
            return real(console, title, columns, rows, **kw)
        finally:
            inside -= 1

    def fitting(console, title, columns, rows, caption=None, width=None):  # type: ignore[no-untyped-def]
        found = real_fitted(console, title, columns, rows, caption, width)
        if not inside and width is None:  # with a width: inside a panel, printed again with the panel
            seen.append(Table(what(title), title, list(columns), _widest(columns, rows), caption))
            made.add(id(found))
        return found

    def printing(self, *objects, **kw):  # type: ignore[no-untyped-def]
        nonlocal inside
        if not inside and not any(id(o) in made for o in objects):
            inside += 1  # reading its words prints it once more
            try:
                if any(_plain_words(o) for o in objects):
                    seen.append(Printed(what(type(objects[0]).__name__), objects, kw))
            finally:
                inside -= 1
        return real_print(self, *objects, **kw)

    def run(*args: str, codes: tuple[int, ...] = (0, 7)) -> str:
        nonlocal command
        command = args
        out = io.StringIO()
        err = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = root.run(list(args))
        assert code in codes, (args, code, err.getvalue(), out.getvalue()[-600:])
        return out.getvalue()

    with pytest.MonkeyPatch.context() as mp, serve() as (url, _):
        (folder / "config" / "monitor.yaml").write_text(LONG_TARGETS.format(base=url), encoding="utf-8")
        mp.setenv("CALAMITEIT_DATA_DIR", str(base / "data"))
        mp.setenv("CALAMITEIT_NO_CACHE", "1")
        mp.setenv("NO_COLOR", "1")
        for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            mp.delenv(var, raising=False)
        mp.setattr(layout, "records", recording)
        mp.setattr(layout, "fitted", fitting)
        mp.setattr(SafeConsole, "print", printing)
        mp.chdir(base)
        cfg = ("--config-dir", str(folder))
        incident = run(
            "incident", "open", "Omgevingsloket geeft een foutmelding bij het indienen van vergunningaanvragen"
        ).strip()
        run("log", incident, "Bel de leverancier van het zaaksysteem", "--besluit", "--actiehouder", "IPLO")
        run("niveau", incident, "2", "--reden", "Landelijke verstoring, opschalen naar het strategische team", *cfg)
        run("log", incident, "Loket 100% plat", "--beeld")
        run("log", incident, "Loket 50% plat", "--beeld", "--corrigeert", "4")
        for args in (
            ("contacts", *cfg),
            ("contacts", "gemeenten", *cfg),
            ("assess", "--no-input", *all_answers("ja"), *cfg),
            ("assess", "--no-input", *all_answers("ja"), "--current", "1", *cfg),
            ("routes", *cfg),
            ("team", *cfg),
            ("paraatheid", *cfg),
            ("paraatheid", "--van", "2024-01-01", "--tot", "2024-01-02", *cfg),
            ("criteria", *cfg),
            ("incident", "list"),
            ("incident", "show", incident),
            ("acties",),
            ("check", *cfg),
            ("team", "OCT", "--op", "di 22-12-2026 10:00", *cfg),  # a stand-in: "waarnemer voor …" under the name
            ("acties", incident),
            ("oproep", incident, *cfg),
            ("oproep", incident, "--status", *cfg),
            ("gebruik", "import", str(REPO / "voorbeelden" / "gebruik.csv")),
        ):
            run(*args)
        run("check", "--config-dir", str(broken), codes=(exitcodes.CONFIG,))
        for _ in range(2):
            run("monitor", "--record", *cfg, codes=(exitcodes.MONITOR_DOWN,))
        run("monitor", "--history", "--since", "1h", *cfg)
        run("overzicht", *cfg)
    shown = {s.what.split()[0].rstrip(":") for s in seen}
    views = {"overzicht", "monitor", "check", "criteria", "assess", "incident", "paraatheid", "oproep", "gebruik"}
    assert views <= shown, shown
    assert any(isinstance(s, Printed) for s in seen if s.what.startswith("criteria"))
    assert len(seen) >= 12, [s.what for s in seen]
    return seen


@dataclass(frozen=True)
class Table:
    """A call of the shared layout: laid out again from its rows at each width."""

    what: str
    title: str | None
    columns: Sequence[layout.Column]
    rows: Sequence[Sequence[layout.Cell]]
    caption: str | None = None


@dataclass(frozen=True)
class Printed:
    """Anything else a view printed (a panel, a heading, a note): printed again as it is at each width."""

    what: str
    objects: tuple[Any, ...]
    options: dict[str, Any]


Recorded = Table | Printed


def _plain_words(o: object) -> list[str]:
    """The words a renderable holds, read at a width nothing needs to wrap at."""
    out = io.StringIO()
    screen = make_console(False)
    screen.file, screen.width = out, 2000
    screen.print(o)
    return _counted(out.getvalue())


def _counted(text: str) -> list[str]:
    """Words that a reader needs: not box drawing, and not longer than a word the layout keeps whole."""
    found = (w.removesuffix(":") for w in words(text))  # a table's heading is a block's label
    return [w for w in found if len(w) <= layout.READABLE_WORD and any(ch.isalnum() for ch in w)]


def _widest(columns: Sequence[layout.Column], rows: Sequence[Sequence[layout.Cell]]) -> list[list[layout.Cell]]:
    """The rows that set the layout: per column the one with the longest line and the one with the longest word
    (a 25-row table costs 25 times as much to print at 161 widths, and crops where its widest cells are)."""
    keep: set[int] = set()
    for i in range(len(columns)):
        cells = [layout._plain(r[i]) for r in rows]
        if not cells:
            continue
        keep.add(max(range(len(cells)), key=lambda k: max((len(x) for x in cells[k].splitlines()), default=0)))
        keep.add(max(range(len(cells)), key=lambda k: max((len(w) for w in cells[k].split()), default=0)))
    return [list(rows[k]) for k in sorted(keep)]


def words(text: str) -> list[str]:
    return [w for w in re.split(r"\s+", text) if w]


@pytest.mark.parametrize("first", range(40, 201, 23))
def test_no_cell_loses_a_word_at_any_width(tables: list[Recorded], first: int) -> None:
    """Each width from 40 to 200, in seven parts (so that -n 2 can share them)."""
    cropped: list[str] = []
    for width in range(first, min(first + 23, 201)):
        for found in tables:
            out = io.StringIO()
            screen = make_console(False)
            screen.file, screen.width = out, width  # the tool's own console, at this width
            if isinstance(found, Table):
                layout.records(screen, found.title, found.columns, found.rows, caption=found.caption)
                texts = [found.title or "", found.caption or ""]
                texts += [layout._plain(cell) for row in found.rows for cell in row]
                wanted = Counter(w for t in texts for w in _counted(t))
            else:
                screen.print(*found.objects, **found.options)
                wanted = Counter(w for o in found.objects for w in _plain_words(o))
            missing = wanted - Counter(_counted(out.getvalue()))
            if missing:
                cropped.append(f"{found.what} at {width}: {sorted(missing)[:4]}")
    assert not cropped, f"{len(cropped)} cropped tables, e.g.:\n" + "\n".join(cropped[:15])
