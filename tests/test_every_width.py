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

import pytest

from dso_calamiteit.views.tables import layout
from dso_calamiteit.views.tables.terminal import console as make_console

from .conftest import all_answers

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


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> list[Recorded]:
    """Every table the views print, recorded once (module scope: the width tests share it)."""
    import contextlib

    from dso_calamiteit.adapters import config
    from dso_calamiteit.cli import root

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
    seen: list[Recorded] = []
    real = layout.records
    command: tuple[str, ...] = ()

    def recording(console, title, columns, rows, **kw):  # type: ignore[no-untyped-def]
        seen.append((f"{' '.join(command[:2])}: {title}", list(columns), _widest(columns, rows)))
        return real(console, title, columns, rows, **kw)

    def run(*args: str) -> str:
        nonlocal command
        command = args
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = root.run(list(args))
        assert code in (0, 7), args
        return out.getvalue()

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CALAMITEIT_DATA_DIR", str(base / "data"))
        mp.setenv("CALAMITEIT_NO_CACHE", "1")
        mp.setenv("NO_COLOR", "1")
        mp.setattr(layout, "records", recording)
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
            ("routes", *cfg),
            ("team", *cfg),
            ("paraatheid", *cfg),
            ("paraatheid", "--van", "2024-01-01", "--tot", "2024-01-02", *cfg),
            ("criteria", *cfg),
            ("incident", "list"),
            ("incident", "show", incident),
            ("acties",),
        ):
            run(*args)
    assert len(seen) >= 12, [s[0] for s in seen]
    return seen


Recorded = tuple[str, Sequence[layout.Column], Sequence[Sequence[layout.Cell]]]


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
        for what, columns, rows in tables:
            out = io.StringIO()
            screen = make_console(False)
            screen.file, screen.width = out, width  # the tool's own console, at this width
            layout.records(screen, None, columns, rows)
            printed = Counter(
                w for line in out.getvalue().splitlines() for w in words(line) if len(w) <= layout.READABLE_WORD
            )
            wanted = Counter(
                w
                for row in rows
                for cell in row
                for w in words(layout._plain(cell))
                if len(w) <= layout.READABLE_WORD
            )
            missing = wanted - printed
            if missing:
                cropped.append(f"{what} at {width}: {sorted(missing)[:4]}")
    assert not cropped, f"{len(cropped)} cropped tables, e.g.:\n" + "\n".join(cropped[:15])
