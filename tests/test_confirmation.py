"""Confirmation: the coordinator records who comes (by name or id, accents and case aside), an SMS reply code
from a phone number, a signed token from a confirmation link (a forged one, or one of another call-out,
refused); `oproep --status` shows it per role; every confirmation is an entry in the chain."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dso_calamiteit.adapters import clock
from dso_calamiteit.domain import exitcodes

from .conftest import Invoke
from .mail import Mailbox, smtp_server

pytestmark = pytest.mark.usefixtures("backend")

AT = "2026-11-25T09:00:00+00:00"


@pytest.fixture(autouse=True)
def office_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 25, 9, 0, tzinfo=UTC))


def callout_yaml(port: int) -> str:
    return (
        'confirm_url: "https://oct.example.nl/bevestig"\n'
        f"email:\n  host: 127.0.0.1\n  port: {port}\n  security: geen\n  sender: calamiteiten@dso.example.nl\n"
        "routes:\n  default: [email]\n"
    )


@pytest.fixture
def called(calamiteit: Invoke, make_config: Callable[..., Path]) -> tuple[str, Path, Mailbox]:
    box = Mailbox()
    with smtp_server(box) as port:
        folder = make_config(callout=callout_yaml(port))
        incident = calamiteit("incident", "open", "Storing", "--level", "1").out.strip()
        assert calamiteit("oproep", incident, "--verstuur", "--config-dir", str(folder)).code == 0
    return incident, folder, box


def status(calamiteit: Invoke, incident: str, folder: Path) -> dict[str, dict]:
    doc = json.loads(calamiteit("oproep", incident, "--status", "--json", "--config-dir", str(folder)).out)
    return {r["recipient"]: r for r in doc["called"]}


def test_a_coordinator_records_who_comes_by_name_accents_and_case_aside(calamiteit: Invoke, called) -> None:
    incident, folder, _ = called
    before = status(calamiteit, incident, folder)
    assert before and all(r["answer"] is None for r in before.values())
    said = calamiteit("bevestig", incident, "LOTTE meïjer", "--komt", "--toelichting", "over 20 minuten",
                      "--config-dir", str(folder))
    assert said.code == exitcodes.OK, said.err
    assert "Lotte Meijer" in said.err and "komt" in said.err
    cannot = calamiteit("bevestig", incident, "anna-de-vries", "--kan-niet", "--via", "mail",
                        "--config-dir", str(folder))
    assert cannot.code == exitcodes.OK
    after = status(calamiteit, incident, folder)
    assert after["lotte-meijer"]["answer"] == "komt" and after["lotte-meijer"]["via"] == "telefoon"
    assert after["lotte-meijer"]["note"] == "over 20 minuten"
    assert after["anna-de-vries"]["answer"] == "kan_niet" and after["anna-de-vries"]["via"] == "mail"
    shown = calamiteit("incident", "show", incident).out
    assert "Lotte Meijer komt (via telefoon): over 20 minuten" in shown
    assert calamiteit("incident", "verify", incident).code == 0  # in the chain
    table = calamiteit("oproep", incident, "--status", "--config-dir", str(folder)).out
    assert "Lotte Meijer" in table and "geen antwoord" in table


def test_an_unknown_person_is_refused_with_a_suggestion(calamiteit: Invoke, called) -> None:
    incident, folder, _ = called
    short = incident.rsplit("-", 1)[0]  # typed as the operator may: the id without its logbook's code
    result = calamiteit("bevestig", short, "Lote Meier", "--komt", "--config-dir", str(folder))
    assert result.code == exitcodes.USAGE and "niet opgeroepen" in result.err and "Lotte Meijer" in result.err
    # the hint is the command to run, with the incident's full id, not a placeholder
    assert f"'calamiteit oproep {incident} --status' toont wie opgeroepen is." in " ".join(result.err.split())
    assert " ID " not in result.err
    shown = calamiteit("oproep", incident, "--status", "--config-dir", str(folder))
    assert shown.code == exitcodes.OK and "Lotte Meijer" in shown.out
    nothing = calamiteit("bevestig", incident, "Lotte Meijer", "--config-dir", str(folder))
    assert nothing.code == exitcodes.USAGE and "--komt of --kan-niet" in nothing.err
    entries = json.loads(calamiteit("incident", "show", incident, "--json").out)["entries"]
    assert [e for e in entries if e["kind"] == "confirmation"] == []


def test_an_sms_reply_code_from_the_persons_number(calamiteit: Invoke, called) -> None:
    incident, folder, _ = called
    result = calamiteit("bevestig", incident, "--code", "2", "--telefoon", "+31 (0)0 0000 0105", "--config-dir",
                        str(folder))
    wrong = calamiteit("bevestig", incident, "--code", "1", "--telefoon", "+31 6 9999 9999",
                       "--config-dir", str(folder))
    assert wrong.code == exitcodes.USAGE and "hoort bij niemand" in wrong.err
    assert result.code == exitcodes.OK, result.err
    (who,) = [r for r in status(calamiteit, incident, folder).values() if r["answer"]]
    assert who["answer"] == "kan_niet" and who["via"] == "sms"


def test_the_link_in_each_mail_carries_a_signed_token_and_forgeries_are_refused(calamiteit: Invoke, called) -> None:
    incident, folder, box = called
    tokens = {}
    for rcpts, message in box.messages:
        text = message.get_body(("plain",)).get_content()
        line = next(x for x in text.splitlines() if "https://oct.example.nl/bevestig?t=" in x)
        tokens[rcpts[0]] = line.split("?t=", 1)[1].strip().rstrip(">")
    assert len(set(tokens.values())) == len(box.messages) >= 3  # one per recipient
    token = tokens["l.meijer@dso-lv.example.nl"]
    what, mac = token.split(".")
    forged = what + "." + ("A" if mac[0] != "A" else "B") + mac[1:]
    refused = calamiteit("bevestig", incident, "--komt", "--token", forged, "--config-dir", str(folder))
    assert refused.code == exitcodes.USAGE and "niet door dit logboek ondertekend" in refused.err
    other = calamiteit("incident", "open", "Andere storing", "--level", "1").out.strip()
    elsewhere = calamiteit("bevestig", other, "--komt", "--token", token, "--config-dir", str(folder))
    assert elsewhere.code == exitcodes.USAGE and "hoort niet bij een oproep van dit incident" in elsewhere.err
    ok = calamiteit("bevestig", incident, "--komt", "--token", token, "--config-dir", str(folder))
    assert ok.code == exitcodes.OK, ok.err
    assert status(calamiteit, incident, folder)["lotte-meijer"]["via"] == "link"


def test_the_sitraps_team_section_shows_each_roles_answers_in_every_format(calamiteit: Invoke, called) -> None:
    """Who comes, who cannot, who has not answered, per role and since when: in md, text and JSON alike."""
    incident, folder, _ = called
    people = status(calamiteit, incident, folder)
    assert calamiteit("bevestig", incident, "Lotte Meijer", "--komt", "--config-dir", str(folder)).code == 0
    assert calamiteit("bevestig", incident, "anna-de-vries", "--kan-niet", "--via", "mail",
                      "--config-dir", str(folder)).code == 0
    silent = next(r for k, r in people.items() if k not in ("lotte-meijer", "anna-de-vries"))
    lotte, anna = people["lotte-meijer"], people["anna-de-vries"]
    for fmt in ("md", "text"):
        shown = calamiteit("rapport", incident, "--concept", "--format", fmt, "--config-dir", str(folder)).out
        section = shown[shown.index("Bevestigingen van de oproep"):]
        lines = {line.split(":", 1)[0].lstrip("- "): line for line in section.splitlines() if line.startswith("- ")}
        assert "Lotte Meijer komt (sinds 10:00, telefoon)" in lines[lotte["role"]], fmt
        assert "Anna de Vries kan niet komen (sinds 10:00, mail)" in lines[anna["role"]], fmt
        assert f"{silent['name']} geen antwoord (opgeroepen 10:00)" in lines[silent["role"]], fmt
    doc = json.loads(calamiteit("rapport", incident, "--concept", "--format", "json", "--config-dir", str(folder)).out)
    answers = {a["recipient"]: a for a in doc["confirmations"]}
    assert set(answers) == set(people)
    assert answers["lotte-meijer"] == {"role": lotte["role"], "recipient": "lotte-meijer", "name": "Lotte Meijer",
                                       "answer": "komt", "via": "telefoon", "since": "2026-11-25T09:00:00+00:00"}
    assert answers["anna-de-vries"]["answer"] == "kan_niet" and answers[silent["recipient"]]["answer"] is None
    assert answers[silent["recipient"]]["since"] == "2026-11-25T09:00:00+00:00"  # when last called


def test_a_confirmation_whose_body_is_no_json_is_left_out_without_an_internal_error(
    calamiteit: Invoke, called, tmp_path: Path
) -> None:
    """A confirmation's body edited into text that is not JSON at all: left out and said like any altered one
    (exit 4), not an internal error (the plain read of `--status` parses the body itself)."""
    from . import backends

    incident, folder, _ = called
    assert calamiteit("bevestig", incident, "anna-de-vries", "--komt", "--config-dir", str(folder)).code == 0
    [(anna,)] = backends.rows(tmp_path / "data", "SELECT n FROM entries WHERE kind = 'confirmation' "
                              "AND incident = ?", (incident,))
    backends.tamper(tmp_path / "data", ("UPDATE entries SET body = 'komt {' WHERE incident = ? AND n = ?",
                                        (incident, anna)))
    said = calamiteit("oproep", incident, "--status", "--json", "--config-dir", str(folder))
    assert said.code == exitcodes.TAMPERED and "interne fout" not in said.err, said.err
    assert f"regel {anna} " in said.err
    assert {r["recipient"]: r["answer"] for r in json.loads(said.out)["called"]}["anna-de-vries"] is None


def test_status_imports_neither_the_call_out_nor_its_message(called, backend: str) -> None:
    """`oproep --status` is a plain read (benchmarks/callout_status.py): it loads none of the call-out's message,
    channels or sitrap (the config cache warm, as it normally is). From a SQLite file it reads the rows without
    a Store: not the logbook's model, the chain's entry rules, `check`'s configuration use case or getpass."""
    import os
    import subprocess
    import sys

    incident, folder, _ = called
    heavy: tuple[str, ...] = (
        "dso_calamiteit.app.callout", "dso_calamiteit.domain.callout", "dso_calamiteit.views.sitrap",
        "dso_calamiteit.views.callout", "dso_calamiteit.adapters.config.validation",
        # nor the tokens' HMAC, the criteria, the time zone or Rich for the JSON
        "dso_calamiteit.domain.confirmation", "hmac", "dso_calamiteit.domain.criteria",
        "dso_calamiteit.domain.dutchtime", "rich",
        "dso_calamiteit.app.configuration", "getpass",
    )
    if backend == "sqlite":  # PostgreSQL is read through its Store
        heavy += ("dso_calamiteit.adapters.stores.interface", "dso_calamiteit.adapters.stores.sqlite",
                  "dso_calamiteit.domain.logbook", "dso_calamiteit.domain.entry_rules")
    code = (
        "import sys; from dso_calamiteit.cli import root; "
        f"root.run(['oproep', {incident!r}, '--status', '--json', '--config-dir', {str(folder)!r}]); "
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    for _ in range(2):  # the first may fill the cache of validated files
        done = subprocess.run([sys.executable, "-c", code], env=dict(os.environ), capture_output=True, text=True,
                              check=False)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout[-500:] + done.stderr[-500:]
    assert json.loads("\n".join(done.stdout.strip().splitlines()[:-1]))["kind"] == "callout-status"


def test_status_by_a_short_id_or_an_unknown_one_reads_as_before(calamiteit: Invoke, called) -> None:
    """The plain read takes only the exact id; a short id goes through the Store (the same document), and an
    unknown one is refused as every command refuses it (exit 2, the command that lists them)."""
    incident, folder, _ = called
    full = calamiteit("oproep", incident, "--status", "--json", "--config-dir", str(folder))
    short = calamiteit("oproep", incident.rsplit("-", 1)[0], "--status", "--json", "--config-dir", str(folder))
    assert full.code == short.code == exitcodes.OK and full.out == short.out
    unknown = calamiteit("oproep", "1999-001", "--status", "--json", "--config-dir", str(folder))
    assert unknown.code == exitcodes.USAGE and "onbekend incident '1999-001'" in unknown.err
    assert "incident list --all" in unknown.err and unknown.out == ""


@pytest.mark.sqlite_only
def test_the_plain_read_knows_the_stores_schema_version() -> None:
    """The plain read of `--status` (adapters/stores/reading.py) reads only a logbook of the Store's schema
    version (any other goes through the Store, which migrates or refuses it): a new migration must move it too,
    or every status would quietly take the slow way."""
    from dso_calamiteit.adapters.stores import reading, sqlite

    assert reading.SCHEMA_VERSION == sqlite.SCHEMA_VERSION


def test_status_reads_this_incidents_call_outs_only_in_one_query(calamiteit: Invoke, called) -> None:
    """Every delivery of the incident in one query: not another incident's, and each try of a repeated call-out
    in the JSON (the table shows each channel once)."""
    from dso_calamiteit.app.logbook import opened
    from dso_calamiteit.app.place import Place

    incident, folder, _ = called
    other = calamiteit("incident", "open", "Andere storing", "--level", "1").out.strip()
    with opened(Place(None, None, folder)) as store:
        store.record_intent(other, f"{other}/convocation-1#1", [("email", "elders-1", "<e1@x>")], AT)
        again = f"{incident}/convocation-1#2"
        store.record_intent(incident, again, [("email", "lotte-meijer", "<l2@x>")], AT)
        store.record_outcomes(again, [("email", "lotte-meijer", "refused", "5.1.1 onbekend")], AT)
    mine = status(calamiteit, incident, folder)
    assert "elders-1" not in mine
    assert [d["outcome"] for d in mine["lotte-meijer"]["deliveries"]] == ["accepted", "refused"]
    assert mine["lotte-meijer"]["callout"] == again
    assert list(status(calamiteit, other, folder)) == ["elders-1"]
    table = calamiteit("oproep", incident, "--status", "--config-dir", str(folder)).out
    lotte = next(line for line in table.splitlines() if "Lotte Meijer" in line)
    assert "e-mail: aangenomen" in lotte and lotte.count("e-mail") == 1  # it reached her once


def test_the_concept_sitrap_inside_a_call_out_carries_the_confirmations(calamiteit: Invoke, called) -> None:
    """The message's concept sitrap has the same team section as the sitrap itself: who comes, who cannot,
    who has not answered, per role and since when (issue 22)."""
    incident, folder, _ = called
    assert calamiteit("bevestig", incident, "Lotte Meijer", "--komt", "--config-dir", str(folder)).code == 0
    assert calamiteit("bevestig", incident, "anna-de-vries", "--kan-niet", "--via", "mail",
                      "--config-dir", str(folder)).code == 0
    message = json.loads(calamiteit("oproep", incident, "--allen", "--json", "--config-dir", str(folder)).out)["text"]
    report = calamiteit("rapport", incident, "--concept", "--format", "md", "--config-dir", str(folder)).out

    def section(text: str) -> list[str]:
        part = text[text.index("Bevestigingen van de oproep"):].splitlines()[1:]
        return [line for line in part[: next(i for i, x in enumerate(part) if x.startswith("#"))] if line.strip()]

    inside = section(message)
    assert any("Lotte Meijer komt (sinds 10:00, telefoon)" in line for line in inside)
    assert any("Anna de Vries kan niet komen (sinds 10:00, mail)" in line for line in inside)
    assert inside == section(report)


def test_a_persons_call_out_is_the_latest_even_past_nine_rounds(calamiteit: Invoke, called) -> None:
    """Call-out ids end in '#N': '#10' sorts before '#9' as text. The status (and a confirmation by name) takes
    the latest by time, and lists the tries oldest first."""
    from dso_calamiteit.app.logbook import opened
    from dso_calamiteit.app.place import Place

    incident, folder, _ = called
    with opened(Place(None, None, folder)) as store:
        for n in range(2, 11):
            again, at = f"{incident}/convocation-1#{n}", f"2026-11-25T09:{n:02d}:00+00:00"
            store.record_intent(incident, again, [("email", "lotte-meijer", f"<l{n}@x>")], at)
            store.record_outcomes(again, [("email", "lotte-meijer", "accepted", "")], at)
    lotte = status(calamiteit, incident, folder)["lotte-meijer"]
    assert lotte["callout"] == f"{incident}/convocation-1#10"
    assert [d["at"] for d in lotte["deliveries"]] == sorted(d["at"] for d in lotte["deliveries"])
    assert calamiteit("bevestig", incident, "Lotte Meijer", "--komt", "--config-dir", str(folder)).code == 0
    entries = json.loads(calamiteit("incident", "show", incident, "--json").out)["entries"]
    (said,) = [e for e in entries if e["kind"] == "confirmation"]
    assert said["data"]["callout"] == f"{incident}/convocation-1#10"


def test_a_confirmation_edited_in_the_database_is_not_counted_and_status_says_so(
    calamiteit: Invoke, called, tmp_path: Path
) -> None:
    """Found trying it as an attacker (s30-trial): a "kan niet" turned into "komt" in the database was shown by
    `oproep --status` as an answer, exit 0, and counted by the escalation; a row without its recipient made
    `--status` (and the web's incident page) stop with an internal KeyError. Now neither is counted, the
    status says which entries were altered and exits 4, and the JSON is still whole."""
    from . import backends

    incident, folder, _ = called
    assert calamiteit("bevestig", incident, "anna-de-vries", "--kan-niet", "--config-dir", str(folder)).code == 0
    assert calamiteit("bevestig", incident, "lotte-meijer", "--kan-niet", "--config-dir", str(folder)).code == 0
    [(anna,), (lotte,)] = backends.rows(tmp_path / "data", "SELECT n FROM entries WHERE kind = 'confirmation' "
                                        "AND incident = ? ORDER BY n", (incident,))
    backends.tamper(
        tmp_path / "data",
        ("UPDATE entries SET body = replace(body, '\"kan_niet\"', '\"komt\"') WHERE incident = ? AND n = ?",
         (incident, anna)),
    )
    # the second one rewritten whole, its own hash made to match: only its shape gives it away
    from dso_calamiteit.domain.logbook import entry_hash

    [(at, author, kind, prev)] = backends.rows(
        tmp_path / "data", "SELECT at, author, kind, prev_hash FROM entries WHERE incident = ? AND n = ?",
        (incident, lotte))
    body = '{"answer": "komt"}'
    forged = entry_hash(incident, lotte, at, author, kind, body, prev)
    backends.tamper(tmp_path / "data", ("UPDATE entries SET body = ?, hash = ? WHERE incident = ? AND n = ?",
                                        (body, forged, incident, lotte)))
    said = calamiteit("oproep", incident, "--status", "--json", "--config-dir", str(folder))
    assert said.code == exitcodes.TAMPERED, said.err
    answers = {r["recipient"]: r["answer"] for r in json.loads(said.out)["called"]}
    assert answers["anna-de-vries"] is None and answers["lotte-meijer"] is None
    assert "LET OP" in said.err and f"regels {anna}, {lotte}" in said.err and "interne fout" not in said.err
    table = calamiteit("oproep", incident, "--status", "--config-dir", str(folder))
    assert table.code == exitcodes.TAMPERED and "Toegezegd: 0 van" in table.out
