"""Nothing essential is cut, at any width: every table-printing command at 60, 80 and 200 columns."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from .conftest import Invoke, all_answers
from .servers import serve

REALISTIC = """
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


@pytest.fixture
def folder(make_config: Callable[..., Path], shipped: Path) -> str:
    contacts = (shipped / "contacts.yaml").read_text(encoding="utf-8").rstrip() + "\n" + REALISTIC
    return str(make_config(contacts=contacts))


def whole_values(folder: str) -> list[str]:
    data = yaml.safe_load(Path(folder, "contacts.yaml").read_text(encoding="utf-8"))
    return [str(c[k]) for c in data["contacts"] for k in ("phone", "email") if c.get(k)]


def assert_whole(out: str, values: list[str], what: str) -> None:
    """A value that shows up at all shows up whole on one line: never cut, never broken."""
    lines = out.splitlines()
    for value in values:
        local, _, domain = value.partition("@")
        marker = f"{local}@{domain.split('.')[0]}" if domain else value[-5:]  # the part no other value shares
        if marker in out.replace("\n", " "):
            assert any(value in line for line in lines), f"{what}: {value!r} cut or broken"
    assert "…" not in out, f"{what}: something was cut off with an ellipsis"


@pytest.mark.usefixtures("backend")  # touches the logbook: on both engines
@pytest.mark.parametrize("width", [60, 80, 200])
def test_every_table_keeps_phone_numbers_and_addresses_whole(
    calamiteit: Invoke, folder: str, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    values = whole_values(folder)
    incident = calamiteit("incident", "open", "Omgevingsloket geeft 503 bij indienen vergunningaanvraag").out.strip()
    calamiteit("log", incident, "Bel de leverancier van het zaaksysteem", "--besluit", "--actiehouder", "IPLO")
    commands = [
        ("contacts", "--config-dir", folder),
        ("contacts", "gemeenten", "--config-dir", folder),
        ("assess", "--no-input", *all_answers("ja"), "--config-dir", folder),
        ("routes", "--config-dir", folder),
        ("team", "--config-dir", folder),
        ("paraatheid", "--config-dir", folder),
        ("paraatheid", "--van", "2024-01-01", "--tot", "2024-01-02", "--config-dir", folder),
        ("criteria", "--config-dir", folder),
        ("check", "--config-dir", folder),
        ("incident", "list"),
        ("incident", "show", incident),
        ("acties",),
    ]
    for args in commands:
        result = calamiteit(*args)
        assert result.code in (0, 7), (args, result.err)
        assert_whole(result.out, values, " ".join(args[:2]))
        too_wide = [line for line in result.out.splitlines() if len(line) > width]
        # only a single whole value (a path longer than the screen) may be wider, alone on its line
        assert all(" " not in line.strip() for line in too_wide), (args[:2], too_wide)
    assert incident in calamiteit("incident", "list").out  # the id is whole
    checked = calamiteit("check", "--config-dir", folder).out
    assert str(Path(folder, "contacts.yaml")) in checked  # a file path is never cut


@pytest.mark.usefixtures("backend")  # touches the logbook: on both engines
@pytest.mark.parametrize("width", [60, 80, 200])
def test_monitor_tables_at_every_width(calamiteit: Invoke, make_config, width: int, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    with serve() as (base, _):
        config = make_config(
            monitor=f"timeout_s: 2\ntargets:\n  - {{name: Omgevingsloket, env: prod, url: '{base}/ok'}}\n"
            f"  - {{name: Ontwikkelaarsportaal, env: pre, url: '{base}/status/503'}}\n"
        )
        shown = calamiteit("monitor", "--record", "--config-dir", str(config))
        history = calamiteit("monitor", "--history", "--config-dir", str(config))
    for result in (shown, history):
        assert "…" not in result.out
        assert all(len(line) <= width for line in result.out.splitlines())
    assert re.search(r"\d+ ms", shown.out) and "Ontwikkelaarsportaal" in shown.out


@pytest.mark.usefixtures("backend")  # touches the logbook: on both engines
def test_empty_results_read_as_a_sentence(calamiteit: Invoke) -> None:
    assert calamiteit("incident", "list").out.strip().startswith("Geen open incidenten")
    assert calamiteit("acties").out.strip() == "Geen open acties."


@pytest.mark.usefixtures("backend")
@pytest.mark.parametrize("width", range(60, 101, 2))
def test_the_authors_organisation_never_crops_the_timeline(
    calamiteit: Invoke, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """"Fatima el Amrani (Leveranciersmanagement)" is a realistic author of a team logbook: the table makes
    room for it or is printed as blocks, and no word of any entry is cut at the screen's edge."""
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("CALAMITEIT_AUTEUR", "Fatima el Amrani")
    incident = calamiteit("incident", "open", "Omgevingsloket traag").out.strip()
    text = "Leverancier belt terug om 11:30; 0612345678 bereikbaar"
    calamiteit("log", incident, text, "--beeld")
    out = calamiteit("incident", "show", incident).out
    assert all(len(line) <= width for line in out.splitlines()), out
    assert "(Leveranciersmanagement)" in out and "0612345678" in out
    words = set(re.findall(r"[\w:;]+", " ".join(out.split())))
    assert {"Leverancier", "belt", "terug", "11:30;", "bereikbaar", "0612345678"} <= words, out
