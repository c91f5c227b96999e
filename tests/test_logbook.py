"""The incident logbook through the CLI: BOB entries, actions, scaling history, sitraps, export/import."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import stat
import tempfile
from pathlib import Path

import pytest

from dso_calamiteit.adapters import clock, output_files
from dso_calamiteit.adapters.stores.location import LOGBOOK_FILE as FILE_NAME
from dso_calamiteit.adapters.stores.sqlite import SCHEMA_VERSION
from dso_calamiteit.domain import dutchtime, exitcodes

from . import backends
from .conftest import Invoke, all_answers

pytestmark = pytest.mark.usefixtures("backend")  # every test on SQLite and on PostgreSQL


def open_incident(calamiteit: Invoke, *args: str) -> str:
    result = calamiteit("incident", "open", "Omgevingsloket onbereikbaar", *args)
    assert result.code == 0, result.err
    return result.out.strip()


def timeline(calamiteit: Invoke, incident: str) -> dict:
    result = calamiteit("incident", "show", incident, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / FILE_NAME


def test_open_gives_short_ids_and_a_private_file(calamiteit: Invoke, tmp_path: Path, backend: str) -> None:
    first, second = open_incident(calamiteit), open_incident(calamiteit, "--level", "1")
    year = clock.now().astimezone(dutchtime.LOCAL).year
    if backend == "sqlite":
        assert stat.S_IMODE(db(tmp_path).stat().st_mode) == 0o600
        with sqlite3.connect(db(tmp_path)) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with backends.client(tmp_path / "data") as conn:
        code = conn.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()[0]
    assert re.fullmatch(r"[a-hj-km-np-z]{4}", code)  # the logbook's own code: no i, l or o
    assert (first, second) == (f"{year}-001-{code}", f"{year}-002-{code}")
    assert timeline(calamiteit, second)["level"] == 1
    assert timeline(calamiteit, f"{year}-002")["incident"] == second  # the short form finds it


def test_open_with_unknown_level(calamiteit: Invoke) -> None:
    result = calamiteit("incident", "open", "x", "--level", "4")
    assert result.code == exitcodes.USAGE and "kies uit 0, 1, 2" in result.err


def test_bob_entries_and_authors(calamiteit: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    incident = open_incident(calamiteit)
    assert calamiteit("log", incident, "Loket geeft 503", "--beeld").code == 0
    assert calamiteit("log", incident, "Landelijk probleem", "--oordeel", "--auteur", "Anna").code == 0
    monkeypatch.delenv("CALAMITEIT_AUTEUR")
    result = calamiteit("log", incident, "IPLO meldt storing", "--besluit", "--actiehouder", "Dirk", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["data"]["action"] == 1
    entries = timeline(calamiteit, incident)["entries"]
    assert [e["kind"] for e in entries] == ["open", "observation", "judgement", "decision"]
    assert [e["author"] for e in entries[:3]] == ["Coördinator Test", "Coördinator Test", "Anna"]
    assert entries[3]["author"]  # the login name


@pytest.mark.parametrize(
    "args,message",
    [
        (["Iets", "--besluit"], "actiehouder"),
        (["Iets"], "precies één"),
        (["Iets", "--beeld", "--oordeel"], "precies één"),
        (["   ", "--beeld"], "lege tekst"),
        (["Iets", "--beeld", "--actiehouder", "X"], "horen bij --besluit"),
        (["Iets", "--besluit", "--actiehouder", "X", "--deadline", "25:00"], "geen geldig tijdstip"),
        (["Iets", "--beeld", "--corrigeert", "9"], "geen regel 9"),
    ],
)
def test_bad_log_input(calamiteit: Invoke, args: list[str], message: str) -> None:
    incident = open_incident(calamiteit)
    result = calamiteit("log", incident, *args)
    assert result.code == exitcodes.USAGE, result.err
    assert message in result.err
    assert len(timeline(calamiteit, incident)["entries"]) == 1  # nothing written


def test_unknown_incident_suggests_the_nearest(calamiteit: Invoke) -> None:
    incident = open_incident(calamiteit)
    wrong = incident[:-1] + "9"
    result = calamiteit("log", wrong, "x", "--beeld")
    assert result.code == exitcodes.USAGE
    assert f"onbekend incident '{wrong}'" in result.err and f"Bedoelde u '{incident}'?" in result.err


@pytest.mark.sqlite_only
def test_no_logbook_yet(calamiteit: Invoke) -> None:
    result = calamiteit("log", "2026-001", "x", "--beeld")
    assert result.code == exitcodes.CONFIG and "nog geen logboek" in result.err


def test_close_waits_for_open_actions(calamiteit: Invoke) -> None:
    incident = open_incident(calamiteit)
    calamiteit("log", incident, "Leveranciers bellen", "--besluit", "--actiehouder", "Fatima", "--deadline", "23:59")
    calamiteit("log", incident, "Persbericht", "--besluit", "--actiehouder", "Eva")
    refused = calamiteit("incident", "close", incident, "--reden", "Opgelost")
    assert refused.code == exitcodes.USAGE and "1 (Fatima), 2 (Eva)" in refused.err
    # the hint is the command to type for this incident's first open action, not a placeholder
    assert f"Meld ze gereed met 'calamiteit actie {incident} 1 --gereed' (en zo voor 2)" in refused.err
    assert "ID N" not in refused.err
    assert calamiteit("actie", incident, "1", "--gereed", "--toelichting", "Allen gebeld").code == 0
    again = calamiteit("actie", incident, "1", "--gereed")
    assert again.code == exitcodes.USAGE and "is al gereed" in again.err
    assert calamiteit("actie", incident, "7", "--gereed").code == exitcodes.USAGE
    open_ones = json.loads(calamiteit("acties", "--json").out)["actions"]
    assert [(a["incident"], a["number"], a["owner"]) for a in open_ones] == [(incident, 2, "Eva")]
    one_left = calamiteit("incident", "close", incident, "--reden", "Opgelost")
    assert f"Meld die gereed met 'calamiteit actie {incident} 2 --gereed', of sluit" in one_left.err
    english = calamiteit("--lang", "en", "incident", "close", incident, "--reden", "Opgelost")
    assert f"Report it done with 'calamiteit actie {incident} 2 --gereed', or close anyway with --force." in english.err
    assert calamiteit("incident", "close", incident, "--reden", "Opgelost", "--force").code == 0
    closed = calamiteit("log", incident, "Nog iets", "--beeld")
    assert closed.code == exitcodes.USAGE and "gesloten" in closed.err
    still = json.loads(calamiteit("acties", "--json").out)["actions"]  # closing does not do an action (issue 23)
    assert [(a["incident"], a["number"], a["incident_closed"]) for a in still] == [(incident, 2, True)]


def test_close_needs_a_reason(calamiteit: Invoke) -> None:
    incident = open_incident(calamiteit)
    assert calamiteit("incident", "close", incident, "--reden", "").code == exitcodes.USAGE


def test_list_open_and_all(calamiteit: Invoke) -> None:
    first, second = open_incident(calamiteit), open_incident(calamiteit)
    calamiteit("incident", "close", first, "--reden", "Dubbel")
    listed = json.loads(calamiteit("incident", "list", "--json").out)["incidents"]
    assert [i["id"] for i in listed] == [second]
    everything = json.loads(calamiteit("incident", "list", "--all", "--json").out)["incidents"]
    assert [i["id"] for i in everything] == [first, second]
    table = calamiteit("incident", "list", "--all").out
    assert "gesloten" in table and second in table


def test_correction_is_a_new_entry(calamiteit: Invoke) -> None:
    incident = open_incident(calamiteit)
    calamiteit("log", incident, "Loket plat sinds 09:00", "--beeld")
    assert calamiteit("log", incident, "Oordeel", "--oordeel", "--corrigeert", "2").code == exitcodes.USAGE
    assert calamiteit("log", incident, "Loket plat sinds 09:30", "--beeld", "--corrigeert", "2").code == 0
    entries = timeline(calamiteit, incident)["entries"]
    assert entries[1]["data"]["text"] == "Loket plat sinds 09:00"  # never changed
    assert entries[2]["data"]["corrects"] == 2
    report = json.loads(calamiteit("rapport", incident, "--format", "json").out)
    assert report["picture"]["text"] == "Loket plat sinds 09:30"


def answers_with(*yes: str) -> list[str]:
    args = all_answers()
    for ident in yes:
        args += ["--answer", f"{ident}=ja"]
    return args


def test_assess_records_scaling_up_and_down(calamiteit: Invoke) -> None:
    incident = open_incident(calamiteit)
    up = calamiteit("assess", "--incident", incident, "--json", "--volg-advies", *answers_with("pers-en-media"))
    assert up.code == 0, up.err
    assert json.loads(up.out)["advice"]["action"] == "opschalen"
    assert "opschalen naar niveau 2" in up.err
    hold = json.loads(
        calamiteit("assess", "--incident", incident, "--json", "--volg-advies", *answers_with("pers-en-media")).out
    )
    assert hold["advice"]["action"] == "handhaven"  # the incident's level is the next --current
    down = calamiteit(
        "assess", "--incident", incident, "--json", "--volg-advies", *answers_with("snelle-besluitvorming")
    )
    assert json.loads(down.out)["advice"]["action"] == "afschalen"
    doc = timeline(calamiteit, incident)
    assert doc["level"] == 1
    changes = [e["data"] for e in doc["entries"] if e["kind"] == "level_change"]
    assert [(c["before"], c["after"], c["action"]) for c in changes] == [(0, 2, "opschalen"), (2, 1, "afschalen")]
    assert changes[0]["now_holding"] == ["pers-en-media"]
    assert changes[1]["no_longer_holding"] == ["pers-en-media"]
    assert sum(e["kind"] == "assessment" for e in doc["entries"]) == 3


def test_assess_incident_refuses_a_different_current(calamiteit: Invoke) -> None:
    incident = open_incident(calamiteit, "--level", "1")
    result = calamiteit("assess", "--incident", incident, "--current", "0", *all_answers())
    assert result.code == exitcodes.USAGE and "staat op niveau 1" in result.err


def test_sitrap_numbering_sections_and_next_update(calamiteit: Invoke, tmp_path: Path) -> None:
    incident = open_incident(calamiteit, "--level", "1", "--situatie", "dso-lv")
    calamiteit("log", incident, "Loket geeft 503", "--beeld")
    calamiteit("log", incident, "IPLO publiceert storing", "--besluit", "--actiehouder", "Dirk Visser")
    first = calamiteit("rapport", incident)
    assert first.code == 0, first.err
    md = first.out
    assert md.startswith(f"# Situatierapport 1 — incident {incident}: Omgevingsloket onbereikbaar")
    for heading in (
        "## Niveauverloop",
        "## Beeld",
        "## Oordeel",
        "## Besluiten",
        "## Open acties",
        "## Routering op dit niveau",
        "## Prognose en volgende update",
    ):
        assert heading in md
    assert "| 1 |" in md and "Dirk Visser" in md and "Verstoringen in DSO-LV: IPLO" in md
    assert "lokale software" not in md  # the incident's situation narrows the routing
    doc = json.loads(calamiteit("rapport", incident, "--format", "json").out)
    assert doc["number"] == 2
    made = dutchtime.datetime.fromisoformat(doc["made_at"])
    assert dutchtime.datetime.fromisoformat(doc["next_update"]) - made == dutchtime.timedelta(minutes=60)
    text = calamiteit("rapport", incident, "--format", "text").out
    assert text.startswith("Situatierapport 3") and "**" not in text and "|---" not in text


@pytest.mark.sqlite_only  # the picture is folded the same on both engines; one is enough here
def test_the_sitrap_picture_is_capped_with_a_count_of_the_rest(calamiteit: Invoke, make_config) -> None:  # type: ignore[no-untyped-def]
    """Issue 27: a sitrap stays readable at any size: the newest `picture_shown` observations since the previous
    sitrap (config/rapport.yaml), and how many earlier ones the logbook holds."""
    folder = make_config(reporting="default_minutes: 60\npicture_shown: 3\n")
    incident = open_incident(calamiteit)
    for i in range(1, 11):
        calamiteit("log", incident, f"Waarneming {i}", "--beeld")
    md = calamiteit("rapport", incident, "--concept", "--config-dir", str(folder)).out
    assert "- … en 7 eerdere waarnemingen: zie het logboek" in md
    assert all(f"Waarneming {i}" in md for i in (8, 9, 10)) and "Waarneming 7" not in md
    doc = json.loads(calamiteit("rapport", incident, "--concept", "--format", "json", "--config-dir", str(folder)).out)
    assert doc["earlier_observations"] == 7 and [o["text"] for o in doc["observations"]][-1] == "Waarneming 10"
    assert len(doc["observations"]) == 3
    bad = make_config(reporting="picture_shown: 0\n")
    checked = calamiteit("check", "--config-dir", str(bad))
    assert checked.code == exitcodes.CONFIG
    assert "minstens 1 waarneming" in checked.out + checked.err


def test_sitrap_of_a_closed_incident_is_a_final_report(calamiteit: Invoke) -> None:
    incident = open_incident(calamiteit)
    calamiteit("incident", "close", incident, "--reden", "Opgelost")
    result = calamiteit("rapport", incident)
    assert result.code == 0 and result.out.startswith("# Eindrapport") and "het incident is gesloten" in result.out


def test_rapport_output_is_never_half_written(
    calamiteit: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = open_incident(calamiteit)
    target = tmp_path / "sitrap.md"
    assert calamiteit("rapport", incident, "--output", str(target)).code == 0
    before = target.read_text(encoding="utf-8")

    def fail(*_: object) -> None:
        raise OSError(28, "No space left on device")

    real_fsync = output_files.os.fsync
    monkeypatch.setattr(output_files.os, "fsync", fail)  # the disk is full while the report is written
    result = calamiteit("rapport", incident, "--output", str(target))
    assert result.code == exitcodes.FAILURE and "de schijf is vol" in result.err  # the OS error in Dutch (issue 23)
    assert target.read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".sitrap")] == []
    monkeypatch.setattr(output_files.os, "fsync", real_fsync)
    again = json.loads(calamiteit("rapport", incident, "--format", "json").out)
    assert again["number"] == 2  # the failed report did not use up number 2
    assert sum(e["kind"] == "report" for e in timeline(calamiteit, incident)["entries"]) == 2


def test_a_sitrap_file_is_published_only_after_its_number_is_committed(
    calamiteit: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failing between commit and publication: the number is used and said so, and no file carries it."""
    incident = open_incident(calamiteit)
    (tmp_path / "out[").mkdir()
    target = tmp_path / "out[/b].md"  # the message naming it once broke Rich after the rename

    def fail(*_: object) -> None:
        raise OSError(13, "Permission denied")

    real_replace = output_files.os.replace
    monkeypatch.setattr(output_files.os, "replace", fail)
    result = calamiteit("rapport", incident, "--output", str(target))
    assert result.code == exitcodes.FAILURE
    assert "situatierapport 1 is vastgelegd in het logboek, maar niet geschreven" in result.err
    assert "out[/b].md" in result.err and "nummer 2" in result.err
    assert not target.exists() and list((tmp_path / "out[").iterdir()) == []
    reports = [e for e in timeline(calamiteit, incident)["entries"] if e["kind"] == "report"]
    assert [r["data"]["number"] for r in reports] == [1]
    monkeypatch.setattr(output_files.os, "replace", real_replace)
    published = calamiteit("rapport", incident, "--output", str(target))
    assert published.code == 0 and "out[/b].md" in published.err
    assert target.read_text(encoding="utf-8").startswith("# Situatierapport 2 ")


def test_times_are_shown_in_amsterdam() -> None:
    assert dutchtime.local("2026-07-01T10:00:00+00:00") == "wo 01-07-2026 12:00"
    assert dutchtime.local("2026-11-28T10:00:00+00:00") == "za 28-11-2026 11:00"
    typed = dutchtime.parse_local("2026-03-29 03:30", clock.now())
    assert dutchtime.stamp(typed) == "2026-03-29T01:30:00+00:00"


# --- export, import, verify -----------------------------------------------------------------------------


def filled(calamiteit: Invoke) -> str:
    incident = open_incident(calamiteit)
    calamiteit("log", incident, "Beeld één", "--beeld")
    calamiteit("log", incident, "Besluit één", "--besluit", "--actiehouder", "Anna")
    calamiteit("log", incident, "Oordeel één", "--oordeel")
    return incident


def test_export_import_roundtrip(calamiteit: Invoke, tmp_path: Path, elsewhere) -> None:
    incident = filled(calamiteit)
    out = tmp_path / "export.json"
    assert calamiteit("incident", "export", incident, "-o", str(out)).code == 0
    elsewhere()
    result = calamiteit("incident", "import", str(out))
    assert result.code == 0, result.err
    assert result.out.strip() == incident
    assert calamiteit("incident", "verify", incident).code == 0
    copied = timeline(calamiteit, incident)
    assert [e["hash"] for e in copied["entries"]] == [e["hash"] for e in json.loads(out.read_text())["entries"]]
    assert calamiteit("log", incident, "Verder na overdracht", "--beeld").code == 0
    twice = calamiteit("incident", "import", str(out))  # an earlier state of what is held now: nothing new
    assert twice.code == 0 and "stond al in dit logboek" in twice.err
    assert len(timeline(calamiteit, incident)["entries"]) == len(copied["entries"]) + 1


def test_import_refuses_a_broken_chain(calamiteit: Invoke, tmp_path: Path, elsewhere) -> None:
    incident = filled(calamiteit)
    doc = json.loads(calamiteit("incident", "export", incident).out)
    doc["entries"][2]["body"]["owner"] = "Iemand anders"
    out = tmp_path / "vervalst.json"
    out.write_text(json.dumps(doc), encoding="utf-8")
    elsewhere()
    result = calamiteit("incident", "import", str(out))
    assert result.code == exitcodes.TAMPERED and "regel 3" in result.err
    assert json.loads(calamiteit("incident", "list", "--all", "--json").out)["incidents"] == []


def test_import_of_something_else(calamiteit: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    out.write_text('{"hello": 1}')
    assert calamiteit("incident", "import", str(out)).code == exitcodes.USAGE


@pytest.mark.parametrize(
    "change",
    [
        "body = replace(body, 'Anna', 'Bram')",
        "author = 'iemand anders'",  # who wrote it is part of the record as much as what
        "at = '2026-01-01T00:00:00+00:00'",
        "kind = 'judgement'",  # the decision made a judgement: same fields, another meaning
    ],
)
def test_edited_entry_is_detected(calamiteit: Invoke, tmp_path: Path, change: str) -> None:
    """Each field the hash covers, changed behind the tool's back in entry 3 only: exactly that entry is named."""
    incident = filled(calamiteit)
    assert calamiteit("incident", "verify", incident).code == 0
    backends.tamper(tmp_path / "data", f"UPDATE entries SET {change} WHERE n = 3")
    result = calamiteit("incident", "verify", incident)
    assert result.code == exitcodes.TAMPERED
    faults = [line for line in result.out.splitlines() if re.search(r"regel \d+:", line)]
    assert len(faults) == 1 and re.search(rf"incident {incident} regel 3: .*gewijzigd", faults[0]), result.out
    checked = calamiteit("check")
    assert checked.code == exitcodes.TAMPERED and "regel 3" in checked.out


@pytest.mark.parametrize("n", [2, 4])
def test_removed_entry_is_detected(calamiteit: Invoke, tmp_path: Path, n: int) -> None:
    incident = filled(calamiteit)
    backends.tamper(tmp_path / "data", f"DELETE FROM entries WHERE n = {n}")
    result = calamiteit("incident", "verify", incident)
    assert result.code == exitcodes.TAMPERED, result.out
    assert "verwijderd" in result.out or "ontbreekt" in result.out


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("DELETE FROM entries WHERE n = 2", "logbook entries are append-only"),
        ("DELETE FROM entries", "logbook entries are append-only"),
        ("UPDATE entries SET author = 'iemand anders' WHERE n = 1", "logbook entries are append-only"),
        ("DELETE FROM incidents", "incidents are never removed"),
        ("UPDATE incidents SET title = 'Iets anders'", "the incidents row follows its entries"),
        ("UPDATE incidents SET entries = entries + 1", "the incidents row follows its entries"),
    ],
)
def test_entries_cannot_be_changed_by_a_plain_client(
    calamiteit: Invoke, tmp_path: Path, change: str, said: str
) -> None:
    """The database itself refuses, with its own trigger's words (not a foreign key's), and nothing changes."""
    refused_unchanged(calamiteit, tmp_path, change, said)


@pytest.mark.postgres_only  # SQLite has no TRUNCATE; its `DELETE FROM entries` above is the same
@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("TRUNCATE entries", "logbook entries are append-only"),
        ("TRUNCATE incidents CASCADE", "incidents are never removed"),
    ],
)
def test_the_logbook_cannot_be_truncated(calamiteit: Invoke, tmp_path: Path, change: str, said: str) -> None:
    refused_unchanged(calamiteit, tmp_path, change, said)


def refused_unchanged(calamiteit: Invoke, tmp_path: Path, change: str, said: str) -> None:
    incident = filled(calamiteit)
    everything = "SELECT * FROM incidents JOIN entries ON entries.incident = incidents.id ORDER BY n"
    before = backends.rows(tmp_path / "data", everything)
    with backends.client(tmp_path / "data") as conn, pytest.raises(backends.refused(), match=said):
        conn.execute(change)
    assert backends.rows(tmp_path / "data", everything) == before and len(before) == 4
    assert calamiteit("incident", "verify", incident).code == 0


# --- a database file the tool must not trust, and a data folder it cannot write ---------------------------


@pytest.mark.sqlite_only
def test_not_a_database(calamiteit: Invoke, tmp_path: Path) -> None:
    db(tmp_path).parent.mkdir(parents=True)
    db(tmp_path).write_bytes(b"dit is een boodschappenlijst\n" * 100)
    before = db(tmp_path).read_bytes()
    for args in (["incident", "list"], ["incident", "open", "x"], ["log", "2026-001", "x", "--beeld"]):
        result = calamiteit(*args)
        assert result.code == exitcodes.CONFIG, args
        assert "geen logboekdatabase" in result.err and "Traceback" not in result.err
    assert db(tmp_path).read_bytes() == before
    assert calamiteit("check").code == exitcodes.CONFIG


@pytest.mark.sqlite_only
def test_database_from_a_newer_version(calamiteit: Invoke, tmp_path: Path) -> None:
    open_incident(calamiteit)
    with sqlite3.connect(db(tmp_path)) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA user_version = 99")
    before = db(tmp_path).read_bytes()
    result = calamiteit("incident", "open", "Nog een")
    assert result.code == exitcodes.CONFIG
    assert "nieuwere versie" in result.err and "schema 99" in result.err
    assert db(tmp_path).read_bytes() == before


@pytest.mark.sqlite_only
def test_read_only_data_folder(calamiteit: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    outer = Path(tempfile.mkdtemp(prefix="calamiteit-ro-"))  # traversable by an ordinary user
    try:
        outer.chmod(0o755)
        folder = outer / "alleen-lezen"
        folder.mkdir(mode=0o555)
        monkeypatch.setenv("CALAMITEIT_DATA_DIR", str(folder))
        as_root = os.geteuid() == 0
        if as_root:  # root writes anywhere: act as an ordinary user for this call
            os.seteuid(65534)
        try:
            result = calamiteit("incident", "list", "--json")
        finally:
            if as_root:
                os.seteuid(0)
    finally:
        shutil.rmtree(outer)
    assert result.code == exitcodes.CONFIG, result.err
    assert "kan het logboek niet aanmaken" in result.err and "--data-dir" in result.err


def test_tables_for_people(calamiteit: Invoke) -> None:
    incident = filled(calamiteit)
    calamiteit("log", incident, "Beeld twee", "--beeld", "--corrigeert", "2")
    shown = calamiteit("incident", "show", incident)
    assert shown.code == 0
    assert f"Incident {incident}: Omgevingsloket onbereikbaar" in shown.out
    assert "besluit" in shown.out and "Besluit één — actie 1: Anna" in shown.out
    assert "Laatste hash:" in shown.out
    listed = calamiteit("acties")
    assert listed.code == 0 and "Besluit één" in listed.out and "Anna" in listed.out


def test_id_year_is_the_dutch_year(tmp_path: Path) -> None:
    from .conftest import open_logbook

    store = open_logbook(tmp_path / "d")
    try:
        entry = store.open_incident("Oud en nieuw", {"title": "x", "level": 0}, "t", "2026-12-31T23:30:00+00:00")
    finally:
        store.close()
    assert entry.incident.startswith("2027-001-")  # 00:30 on 1 January in Amsterdam


def test_a_refused_open_creates_no_logbook(calamiteit: Invoke, tmp_path: Path) -> None:
    """Refused before anything is written: on SQLite no file appears, on PostgreSQL (whose database exists
    already) no row; and the next incident is still the first number of the year."""
    for args in (("  ",), ("x", "--situatie", "nergens"), ("x", "--level", "9")):
        assert calamiteit("incident", "open", *args).code == exitcodes.USAGE
    if backends.postgres():
        assert backends.rows(tmp_path, "SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM entries)") \
            == [(0, 0)]
    else:
        assert not db(tmp_path).exists()
    opened = json.loads(calamiteit("incident", "open", "Storing", "--json").out)["id"]
    assert opened.split("-")[1] == "001"
