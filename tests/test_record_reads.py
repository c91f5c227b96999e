"""Every read validates what it reads: hash-valid nonsense in the database (a forger who recomputes the chain)
is a fault of that chain in every command that reads it, named on stderr with its incident and entry, never an
"interne fout" and never a silently wrong answer."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from dso_calamiteit.adapters.stores.location import LOGBOOK_FILE
from dso_calamiteit.domain import exitcodes
from dso_calamiteit.domain.logbook import GENESIS, canonical, entry_hash

from . import backends
from .conftest import Invoke

pytestmark = pytest.mark.usefixtures("backend")  # every test on SQLite and on PostgreSQL


def forge(folder: Path, incident: str, kind: str, body: Any) -> int:
    """Append an entry the rules forbid, with a chain that verifies and the incidents row moved along: what a
    careful forger with full access leaves behind. Returns the entry's number."""
    n, at, prev = backends.rows(
        folder, "SELECT n, at, hash FROM entries WHERE incident = ? ORDER BY n DESC LIMIT 1", (incident,)
    )[0]
    text = canonical(body) if isinstance(body, dict) else json.dumps(body)
    digest = entry_hash(incident, n + 1, at, "vervalser", kind, text, prev)
    backends.tamper(
        folder,
        (
            INSERT_ENTRY,
            (incident, n + 1, at, "vervalser", kind, text, prev, digest),
        ),
        ("UPDATE incidents SET entries = ?, head = ? WHERE id = ?", (n + 1, digest, incident)),
    )
    return int(n + 1)


INSERT_ENTRY = (
    "INSERT INTO entries (incident, n, at, author, kind, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
NONSENSE: dict[str, tuple[str, Any]] = {
    "besluit zonder actiehouder": ("decision", {"text": "Bel de leverancier", "action": 2}),
    "beeld met text null": ("observation", {"text": None}),
    "tweede open-regel": ("open", {"title": "Opnieuw", "level": 0}),
    "niveau buiten de ladder": (
        "level_change",
        {"before": 0, "after": 42, "action": "opschalen", "reason": "x", "decided": True},
    ),
}

# around today: `overzicht` up to now leaves out what was opened in the current second
PERIOD = (
    "--van",
    (date.today() - timedelta(days=2)).isoformat(),
    "--tot",
    (date.today() + timedelta(days=2)).isoformat(),
)
READERS: list[tuple[str, ...]] = [
    ("incident", "show", "{id}"),
    ("incident", "show", "{id}", "--json"),
    ("incident", "show", "{id}", "--alles"),
    ("incident", "list"),
    ("incident", "list", "--json"),
    ("acties",),
    ("acties", "{id}", "--json"),
    ("rapport", "{id}", "--concept"),
    ("oproep", "{id}"),
    ("overzicht", *PERIOD),
    ("overzicht", "--json", *PERIOD),
]


def _said(result: Any, incident: str, n: int) -> None:
    assert "interne fout" not in result.err + result.out
    assert result.code == exitcodes.TAMPERED, (result.code, result.out, result.err)
    assert incident in result.err and f"regel {n}" in result.err, result.err


@pytest.mark.parametrize("case", list(NONSENSE))
def test_hash_valid_nonsense_is_a_chain_fault_everywhere(calamiteit: Invoke, tmp_path: Path, case: str) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    assert calamiteit("log", incident, "Bel IPLO", "--besluit", "--actiehouder", "IPLO").code == 0
    kind, body = NONSENSE[case]
    n = forge(tmp_path / "data", incident, kind, body)

    verified = calamiteit("incident", "verify", incident)
    assert verified.code == exitcodes.TAMPERED, verified.out
    assert f"incident {incident} regel {n}" in verified.out and "interne fout" not in verified.err
    checked = calamiteit("check")
    assert checked.code == exitcodes.TAMPERED and "interne fout" not in checked.err + checked.out
    assert f"incident {incident} regel {n}" in checked.out + checked.err

    for args in READERS:
        result = calamiteit(*(a.format(id=incident) for a in args))
        _said(result, incident, n)

    shown = json.loads(calamiteit("incident", "show", incident, "--json").out)
    assert shown["level"] == 0  # the forged level (42) is not taken for the incident's
    assert [e["n"] for e in shown["entries"]] == [1, 2]  # the forged entry is not shown as if it were sound
    listed = json.loads(calamiteit("incident", "list", "--json").out)["incidents"]
    assert [i["chain_ok"] for i in listed] == [False]
    actions = json.loads(calamiteit("acties", incident, "--json").out)["actions"]
    assert [a["number"] for a in actions] == [1]  # a second `open` does not wipe the actions out
    overview = json.loads(calamiteit("overzicht", "--json", *PERIOD).out)["incidents"]
    assert overview["list"] == [] and [b["incident"] for b in overview["broken"]] == [incident]

    exported = calamiteit("incident", "export", incident, "-o", str(tmp_path / "x.json"))
    assert exported.code == exitcodes.TAMPERED and "interne fout" not in exported.err


def test_an_incidents_row_without_entries_is_a_fault_not_a_crash(calamiteit: Invoke, tmp_path: Path) -> None:
    sound = calamiteit("incident", "open", "Storing").out.strip()
    opened = backends.rows(tmp_path / "data", "SELECT opened_at FROM incidents WHERE id = ?", (sound,))[0][0]
    backends.tamper(
        tmp_path / "data",
        (
            "INSERT INTO incidents (id, title, opened_at, level, entries, head) VALUES (?, ?, ?, ?, ?, ?)",
            ("2026-999-leeg", "Leeg", opened, 0, 0, GENESIS),
        ),
    )
    for args in [("incident", "verify", "2026-999-leeg"), ("check",)]:
        result = calamiteit(*args)
        assert result.code == exitcodes.TAMPERED and "interne fout" not in result.err
        assert "2026-999-leeg regel 1: het incident heeft geen enkele regel" in result.out + result.err
    for args in [
        ("incident", "show", "2026-999-leeg"),
        ("incident", "list"),
        ("acties",),
        ("overzicht", *PERIOD),
        ("overzicht", "--json", *PERIOD),
        ("rapport", "2026-999-leeg", "--concept"),
    ]:
        _said(calamiteit(*args), "2026-999-leeg", 1)
    overview = json.loads(calamiteit("overzicht", "--json", *PERIOD).out)["incidents"]
    assert [i["id"] for i in overview["list"]] == [sound]  # the sound incident is still counted


def test_a_tampered_chain_is_counted_apart_in_the_overview(calamiteit: Invoke, tmp_path: Path) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    calamiteit("log", incident, "Loket geeft 503", "--beeld")
    backends.tamper(
        tmp_path / "data", ("UPDATE entries SET body = ? WHERE incident = ? AND n = 2", ('{"text":"niets"}', incident))
    )
    shortened = calamiteit("incident", "open", "Andere storing").out.strip()
    calamiteit("log", shortened, "Tweede regel", "--beeld")
    backends.tamper(tmp_path / "data", ("DELETE FROM entries WHERE incident = ? AND n = 2", (shortened,)))
    result = calamiteit("overzicht", "--format", "md", *PERIOD)
    _said(result, incident, 2)
    assert f"{shortened} klopt niet: regel 2" in result.err  # the last entry removed: the stored head says so
    assert "Niet meegeteld, hashketen klopt niet (2)" in result.out and "Geen incidenten in deze periode" in result.out


def test_db_copy_refuses_a_nonsense_incident_whole(calamiteit: Invoke, tmp_path: Path) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    forge(tmp_path / "data", incident, "observation", {"text": None})
    sound = calamiteit("incident", "open", "Andere storing").out.strip()
    source = backends.postgres() or str(tmp_path / "data" / LOGBOOK_FILE)
    target = str(tmp_path / "kopie.sqlite")
    copied = calamiteit("db", "copy", "--from", source, "--to", target, "--json")
    assert copied.code == exitcodes.TAMPERED and "interne fout" not in copied.err
    listed = calamiteit("incident", "list", "--json", "--db", target)
    assert [i["id"] for i in json.loads(listed.out)["incidents"]] == [sound]


# --- time runs forward, and the database says so too ----------------------------------------------------


def _forged_at(folder: Path, incident: str, at: str) -> int:
    """An observation at `at` after the last entry, chain and row recomputed, past the triggers."""
    n, prev = backends.rows(
        folder, "SELECT n, hash FROM entries WHERE incident = ? ORDER BY n DESC LIMIT 1", (incident,)
    )[0]
    body = canonical({"text": "Alles was al opgelost"})
    digest = entry_hash(incident, n + 1, at, "vervalser", "observation", body, prev)
    backends.tamper(
        folder,
        (
            INSERT_ENTRY,
            (incident, n + 1, at, "vervalser", "observation", body, prev, digest),
        ),
        ("UPDATE incidents SET entries = ?, head = ? WHERE id = ?", (n + 1, digest, incident)),
    )
    return int(n + 1)


@pytest.mark.parametrize(
    ("at", "said"),
    [("2020-01-01T00:00:00+00:00", "ligt voor de opening"), (None, "tijd loopt terug")],
)
def test_time_running_backwards_is_a_fault(calamiteit: Invoke, tmp_path: Path, at: str | None, said: str) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    calamiteit("log", incident, "Loket traag", "--beeld")
    data = tmp_path / "data"
    _opened, second = (
        r[0] for r in backends.rows(data, "SELECT at FROM entries WHERE incident = ? ORDER BY n", (incident,))
    )
    if at is None:  # after the opening, before the entry before it
        at = second
        backends.tamper(
            data, ("UPDATE entries SET at = ? WHERE incident = ? AND n = 2", ("2099-01-01T00:00:00+00:00", incident))
        )
        _rechain(data, incident)
    n = _forged_at(data, incident, at)
    verified = calamiteit("incident", "verify", incident)
    assert verified.code == exitcodes.TAMPERED and f"regel {n}: " in verified.out and said in verified.out
    _said(calamiteit("incident", "show", incident), incident, n)


def _rechain(folder: Path, incident: str) -> None:
    rows = backends.rows(
        folder, "SELECT n, at, author, kind, body FROM entries WHERE incident = ? ORDER BY n", (incident,)
    )
    prev, changes = GENESIS, []
    for number, at, author, kind, body in rows:
        digest = entry_hash(incident, number, at, author, kind, body, prev)
        changes.append(
            (
                "UPDATE entries SET prev_hash = ?, hash = ? WHERE incident = ? AND n = ?",
                (prev, digest, incident, number),
            )
        )
        prev = digest
    backends.tamper(folder, *changes, ("UPDATE incidents SET head = ? WHERE id = ?", (prev, incident)))


def test_the_database_refuses_an_entry_older_than_the_one_before(calamiteit: Invoke, tmp_path: Path) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    data = tmp_path / "data"
    prev = backends.rows(data, "SELECT hash FROM entries WHERE incident = ?", (incident,))[0][0]
    at, body = "2020-01-01T00:00:00+00:00", canonical({"text": "Achteraf"})
    digest = entry_hash(incident, 2, at, "t", "observation", body, prev)
    sql = "INSERT INTO entries (incident, n, at, author, kind, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    with backends.client(data) as conn, pytest.raises(backends.refused(), match="not older than the one before"):
        conn.execute(
            sql.replace("?", "%s") if backends.postgres() else sql,
            (incident, 2, at, "t", "observation", body, prev, digest),
        )


def test_a_writer_whose_moment_was_taken_before_a_colleagues_entry_writes_at_its_time(tmp_path: Path) -> None:
    from .conftest import open_logbook

    store = open_logbook(tmp_path / "data")
    try:
        opened = store.open_incident("x", {"title": "x", "level": 0}, "t", "2026-12-01T10:00:05+00:00")
        late = store.append(opened.incident, "observation", {"text": "y"}, "t", "2026-12-01T10:00:03+00:00")
    finally:
        store.close()
    assert late.at == "2026-12-01T10:00:05+00:00"


def test_an_entry_stored_by_another_account_says_so(
    calamiteit: Invoke, make_config: Any, shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """contacts.yaml names Anna's database account; an entry written through it in Bert's name shows that
    everywhere it is shown, and `verify` warns (exit 0): logging what a colleague said is allowed, never unseen."""
    monkeypatch.setenv("CALAMITEIT_AUTEUR", "Anna de Vries")
    incident = calamiteit("incident", "open", "Storing").out.strip()
    account = json.loads(calamiteit("incident", "show", incident, "--json").out)["entries"][0]["role"]
    assert account, "the store records the account"
    contacts = (shipped / "contacts.yaml").read_text(encoding="utf-8")
    assert "    name: Anna de Vries\n" in contacts
    contacts = contacts.replace("    name: Anna de Vries\n", f"    name: Anna de Vries\n    account: {account}\n")
    monkeypatch.setenv("CALAMITEIT_CONFIG_DIR", str(make_config(contacts=contacts)))
    said = calamiteit(
        "log", incident, "Niet opschalen", "--besluit", "--actiehouder", "SCT", "--auteur", "Bert Bestuurder"
    )
    assert said.code == 0, said.err
    shown = calamiteit("incident", "show", incident).out
    assert f"Bert Bestuurder, vastgelegd door account {account}" in " ".join(shown.split())
    assert "Anna de Vries (DSO-LV), vastgelegd" not in " ".join(shown.split())
    every = calamiteit("incident", "show", incident, "--alles").out
    assert f"Bert Bestuurder, vastgelegd door account {account}" in every
    seen = calamiteit("log", incident, "Loket weer bereikbaar", "--beeld", "--auteur", "Bert Bestuurder")
    assert seen.code == 0
    report = calamiteit("rapport", incident, "--concept").out
    assert f"(Bert Bestuurder, vastgelegd door account {account})" in report
    verified = calamiteit("incident", "verify", incident)
    assert verified.code == 0, verified.out
    assert f"regel 2: geschreven als 'Bert Bestuurder', vastgelegd door account {account}" in verified.err
    assert "regel 1" not in verified.err


# --- the chain's rules, written down and checked ---------------------------------------------------------


def _doc_blocks(language: str) -> list[str]:
    from .conftest import REPO

    text = (REPO / "docs" / "chain.md").read_text(encoding="utf-8")
    return [part.split("```", 1)[0] for part in text.split(f"```{language}\n")[1:]]


def test_the_documented_chain_rules_and_vectors(calamiteit: Invoke, tmp_path: Path) -> None:
    """docs/chain.md's two vectors hash as the page says (computed here from the page's rule, not with the tool's
    code) and as the tool does; its 20-line script verifies a real export and catches an edited one."""
    import hashlib
    import subprocess
    import sys

    (vectors,) = _doc_blocks("json")
    found = json.loads(vectors)
    assert len(found) == 2
    prev = GENESIS
    for v in found:
        fields = (v["incident"], str(v["n"]), v["at"], v["author"], v["kind"], v["body"], v["prev_hash"])
        assert hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest() == v["hash"]
        assert entry_hash(*fields) == v["hash"]
        assert canonical(json.loads(v["body"])) == v["body"] and v["prev_hash"] == prev
        prev = v["hash"]

    (script,) = _doc_blocks("python")
    assert len(script.strip().splitlines()) <= 20
    (tmp_path / "verify.py").write_text(script, encoding="utf-8")
    incident = calamiteit("incident", "open", "Storing").out.strip()
    calamiteit("log", incident, "Loket geeft 503 \u2014 \u2018\u03a9\u2019 \"x\" \\ \t", "--beeld")
    calamiteit("log", incident, "Bel IPLO", "--besluit", "--actiehouder", "IPLO")
    export = tmp_path / "export.json"
    assert calamiteit("incident", "export", incident, "-o", str(export)).code == 0
    ok = subprocess.run([sys.executable, str(tmp_path / "verify.py"), str(export)], capture_output=True, text=True)
    assert ok.returncode == 0 and "the chain holds" in ok.stdout, ok.stderr
    doc = json.loads(export.read_text(encoding="utf-8"))
    doc["entries"][1]["body"]["text"] = "Loket werkt"
    export.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    bad = subprocess.run([sys.executable, str(tmp_path / "verify.py"), str(export)], capture_output=True, text=True)
    assert bad.returncode != 0 and "entry 2" in bad.stderr


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("author", "Iemand anders"),
        ("at", "2026-11-28T10:00:01+00:00"),
        ("kind", "judgement"),
        ("body", '{"text":"Loket werkt"}'),
        ("n", 7),
    ],
)
def test_editing_any_stored_field_breaks_verify(calamiteit: Invoke, tmp_path: Path, column: str, value: Any) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    calamiteit("log", incident, "Loket geeft 503", "--beeld")
    calamiteit("log", incident, "Nog steeds 503", "--beeld")
    sql = f"UPDATE entries SET {column} = ? WHERE incident = ? AND n = 2"
    backends.tamper(tmp_path / "data", (sql, (value, incident)))
    verified = calamiteit("incident", "verify", incident)
    assert verified.code == exitcodes.TAMPERED, (column, verified.out)
    assert f"incident {incident} regel" in verified.out


@pytest.mark.parametrize(
    ("kind", "unreadable", "needs_it"),
    [
        ("level_change", {"before": 0, "after": None, "action": "opschalen", "reason": ""},
         ("niveau", "{id}", "1", "--reden", "OCT bijeen")),
        ("decision", {"text": "Bel de leverancier", "owner": "IPLO", "deadline": None, "action": None},
         ("log", "{id}", "Tweede besluit", "--besluit", "--actiehouder", "DSO-LV")),
        ("report", {"number": "twee", "next_update": None},
         ("rapport", "{id}")),
        ("level_change", {"before": 0, "after": None, "action": "opschalen", "reason": ""},
         ("incident", "close", "{id}", "--reden", "opgelost")),  # a close reads the whole tip, and is final
    ],
)
def test_a_writer_after_an_unreadable_entry_is_refused_not_crashed(
    calamiteit: Invoke, tmp_path: Path, kind: str, unreadable: dict[str, Any], needs_it: tuple[str, ...]
) -> None:
    """A writer that needs what an unreadable entry should say (the level to change, the number to follow) is
    refused in one line, exit 4; a writer that does not need it (a plain observation reads only where the chain
    ends) is not held up by it, and verify keeps naming the entry."""
    incident = calamiteit("incident", "open", "Storing").out.strip()
    n = forge(tmp_path / "data", incident, kind, unreadable)
    written = calamiteit(*(arg.format(id=incident) for arg in needs_it))
    assert written.code == exitcodes.TAMPERED and "interne fout" not in written.err, written.err
    assert f"de hashketen van {incident} klopt niet" in written.err
    assert calamiteit("log", incident, "Nog een beeld", "--beeld").code == exitcodes.OK
    verified = calamiteit("incident", "verify", incident)
    assert verified.code == exitcodes.TAMPERED and f"regel {n}" in verified.out, verified.out


def test_following_a_timeline_holds_new_entries_to_the_rules(calamiteit: Invoke, tmp_path: Path) -> None:
    """`show --follow`: an entry that breaks its kind's rules, written while a reader follows, stops the reader
    with the chain's fault instead of being shown (or crashing the fold)."""
    from dso_calamiteit.app import incidents
    from dso_calamiteit.app.place import Place
    from dso_calamiteit.domain.errors import TamperedError

    incident = calamiteit("incident", "open", "Storing").out.strip()
    where = Place()  # as the commands find it: CALAMITEIT_DB, else CALAMITEIT_DATA_DIR
    found = incidents.timeline(where, incident, 10)  # the table's --follow
    state, _, faults, check = incidents.each_entry(where, incident, str)  # the JSON Lines' --follow
    assert found.faults == [] and faults == []
    n = forge(tmp_path / "data", incident, "decision", {"text": "Zonder actiehouder", "action": 1})
    for following in (incidents.follow(where, incident, found.state, found.check),
                      incidents.follow(where, incident, state, check)):
        with pytest.raises(TamperedError, match=f"klopt niet bij regel {n}: regel klopt niet als besluit"):
            next(following)
