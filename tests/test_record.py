"""The record under attack, concurrency, crashes, signals and odd permissions: it stays right, or says why not."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from dso_calamiteit.adapters.stores.location import LOGBOOK_FILE as FILE_NAME
from dso_calamiteit.cli import root
from dso_calamiteit.domain import exitcodes
from dso_calamiteit.domain.logbook import GENESIS, canonical, entry_hash

from . import backends
from .conftest import Invoke, all_answers, default_sigint, reaped
from .servers import serve

pytestmark = pytest.mark.usefixtures("backend")  # every test on SQLite and on PostgreSQL

AT = "2026-11-28T10:00:00+00:00"


def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / FILE_NAME


def timeline(calamiteit: Invoke, incident: str) -> dict[str, Any]:
    result = calamiteit("incident", "show", incident, "--json")
    assert result.code == 0, result.err
    return dict(json.loads(result.out))


@contextmanager
def as_nobody() -> Iterator[None]:
    """Root reads and writes anything: act as an ordinary user for the permission cases."""
    as_root = os.geteuid() == 0
    if as_root:
        os.seteuid(65534)
    try:
        yield
    finally:
        if as_root:
            os.seteuid(0)


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A data folder an ordinary user can reach (pytest's tmp_path is private to root)."""
    outer = Path(tempfile.mkdtemp(prefix="calamiteit-perm-"))
    outer.chmod(0o755)
    try:
        yield outer
    finally:
        shutil.rmtree(outer)


# --- concurrency ---------------------------------------------------------------------------------------


def _assessor(data: str, incident: str, worker: int, rounds: int) -> None:
    os.environ["CALAMITEIT_DATA_DIR"] = data
    answers = [all_answers("nee"), all_answers("ja")]
    for i in range(rounds):
        code = root.run(
            [
                "assess",
                "--incident",
                incident,
                "--json",
                "--volg-advies",
                "--auteur",
                f"w{worker}",
                *answers[(i + worker) % 2],
            ]
        )
        assert code == 0


def test_concurrent_assessments_record_the_level_they_changed(calamiteit: Invoke, tmp_path: Path) -> None:
    """Six coordinators assessing the same incident at once: every change starts where the previous one ended."""
    incident = calamiteit("incident", "open", "Belasting").out.strip()
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_assessor, args=(str(tmp_path / "data"), incident, w, 12)) for w in range(6)]
    with reaped(*workers):
        for w in workers:
            w.start()
        for w in workers:
            w.join(120)
            assert w.exitcode == 0
    doc = timeline(calamiteit, incident)
    level, changes = 0, 0
    for e in doc["entries"]:
        if e["kind"] == "level_change":
            assert e["data"]["before"] == level, f"entry {e['n']} says before={e['data']['before']}, was {level}"
            level, changes = e["data"]["after"], changes + 1
    assert sum(e["kind"] == "assessment" for e in doc["entries"]) == 72
    assert changes >= 10 and doc["level"] == level
    assert calamiteit("incident", "verify", incident).code == 0


# --- the incidents row ---------------------------------------------------------------------------------


def test_the_incidents_row_cannot_be_edited_and_an_edit_is_caught(calamiteit: Invoke, tmp_path: Path) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    assert calamiteit("log", incident, "Bel leverancier", "--besluit", "--actiehouder", "IPLO").code == 0
    data = tmp_path / "data"
    with backends.client(data) as conn, pytest.raises(backends.refused(), match="follows its entries"):
        conn.execute("UPDATE incidents SET actions = 0")
    backends.tamper(data, "UPDATE incidents SET actions = 0, level = 2")  # someone with full access
    verified = calamiteit("incident", "verify", incident)
    assert verified.code == exitcodes.TAMPERED
    assert "de incidentregel zegt niveau = 2, de keten zegt 0" in verified.out
    assert "de incidentregel zegt acties = 0, de keten zegt 1" in verified.out
    assert calamiteit("check").code == exitcodes.TAMPERED
    decided = calamiteit("log", incident, "Tweede besluit", "--besluit", "--actiehouder", "DSO-LV", "--json")
    assert json.loads(decided.out)["data"]["action"] == 2  # numbered from the chain, not from the row
    # An append moves the columns its kind changes (a decision: the number of actions), not the others: the edited
    # level stays in view of verify and check until the level itself changes (before session 36 any append wrote
    # the row over and the edit vanished with the next line in the log).
    still = calamiteit("incident", "verify", incident)
    assert still.code == exitcodes.TAMPERED and "de incidentregel zegt niveau = 2, de keten zegt 0" in still.out
    assert "de incidentregel zegt acties" not in still.out
    assert calamiteit("log", incident, "Leverancier gebeld", "--beeld").code == 0
    assert "de incidentregel zegt niveau = 2" in calamiteit("incident", "verify", incident).out
    assert calamiteit("niveau", incident, "1", "--reden", "OCT bijeen").code == 0
    assert calamiteit("incident", "verify", incident).code == 0  # and the row follows the chain again


def test_a_closing_written_behind_the_tools_back_is_undone_by_the_next_entry(
    calamiteit: Invoke, tmp_path: Path
) -> None:
    """`closed_at` follows from the last entry alone, so every append sets it (unlike the level, which would cost
    the look-ups an append leaves out): an open incident made to look closed, and so gone from `incident list`,
    is listed again with the next line in its log."""
    incident = calamiteit("incident", "open", "Storing").out.strip()
    backends.tamper(
        tmp_path / "data", ("UPDATE incidents SET closed_at = ? WHERE id = ?", ("2026-12-01T10:00:00+00:00", incident))
    )
    assert incident not in calamiteit("incident", "list").out
    assert calamiteit("incident", "verify", incident).code == exitcodes.TAMPERED
    assert calamiteit("log", incident, "Nog steeds storing", "--beeld").code == exitcodes.OK
    assert incident in calamiteit("incident", "list").out
    assert calamiteit("incident", "verify", incident).code == exitcodes.OK


def test_a_close_writes_the_row_whole_and_acties_goes_by_the_entries(calamiteit: Invoke, tmp_path: Path) -> None:
    """An append moves only what its kind changes, so two readers that went by the row's other columns could be
    misled by a row edited past the triggers (session 36's review). A close, rare and final, writes every column
    from the chain; and `acties` finds the incidents with a decision in their entries, not by the row's count,
    so an action edited out of the row afterwards is still listed."""
    data = tmp_path / "data"
    incident = calamiteit("incident", "open", "Storing").out.strip()
    assert calamiteit("log", incident, "Bel leverancier", "--besluit", "--actiehouder", "IPLO").code == 0
    backends.tamper(data, ("UPDATE incidents SET actions = 0, level = 2 WHERE id = ?", (incident,)))
    assert calamiteit("incident", "close", incident, "--reden", "opgelost", "--force").code == exitcodes.OK
    assert calamiteit("incident", "verify", incident).code == exitcodes.OK  # the close wrote the row from the chain
    backends.tamper(data, ("UPDATE incidents SET actions = 0 WHERE id = ?", (incident,)))  # after the close
    listed = calamiteit("acties")
    assert "Bel leverancier" in listed.out, (listed.code, listed.out, listed.err)


def test_an_assessment_starts_from_the_chains_level_not_the_rows(calamiteit: Invoke, tmp_path: Path) -> None:
    """`assess --incident` checks `--current` against, works out its advice from, and records against the level
    of the chain: a level edited into the row (which an observation no longer writes over) misleads none of it."""
    incident = calamiteit("incident", "open", "Storing").out.strip()
    backends.tamper(tmp_path / "data", ("UPDATE incidents SET level = 2 WHERE id = ?", (incident,)))
    assert calamiteit("log", incident, "Leverancier gebeld", "--beeld").code == exitcodes.OK
    only = calamiteit("assess", "--incident", incident, "--alleen-advies", "--current", "0", "--no-input",
                      *all_answers("nee"))
    assert only.code == exitcodes.OK, (only.out, only.err)
    followed = calamiteit("assess", "--incident", incident, "--volg-advies", "--no-input", *all_answers("nee"))
    assert followed.code == exitcodes.OK and "blijft 2" not in followed.out + followed.err, followed.out[-400:]


def _rewrite_chain(folder: Path, incident: str, n: int, text: str) -> None:
    """What a careful forger does: change entry n and recompute every hash after it, and the stored head."""
    sql = "SELECT n, at, author, kind, body FROM entries WHERE incident = ? ORDER BY n"
    rows = backends.rows(folder, sql, (incident,))
    prev, changes = GENESIS, []
    for number, at, author, kind, body in rows:
        if number == n:
            body = canonical({**json.loads(body), "text": text})
        digest = entry_hash(incident, number, at, author, kind, body, prev)
        sql = "UPDATE entries SET body = ?, prev_hash = ?, hash = ? WHERE incident = ? AND n = ?"
        changes.append((sql, (body, prev, digest, incident, number)))
        prev = digest
    backends.tamper(folder, *changes, ("UPDATE incidents SET head = ? WHERE id = ?", (prev, incident)))


def test_verify_against_the_head_of_a_sent_sitrap(calamiteit: Invoke, tmp_path: Path) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    calamiteit("log", incident, "Loket geeft 503 sinds 10:40", "--beeld")
    sent = json.loads(calamiteit("rapport", incident, "--format", "json").out)["log"]["head"]
    calamiteit("log", incident, "Later nog een beeld", "--beeld")
    ok = calamiteit("incident", "verify", incident, "--head", sent[:16])
    assert ok.code == 0 and f"hash {sent[:16]} staat erin" in ok.out
    _rewrite_chain(tmp_path / "data", incident, 2, "Loket werkte gewoon")
    assert calamiteit("incident", "verify", incident).code == 0  # the recomputed chain holds on its own
    caught = calamiteit("incident", "verify", incident, "--head", sent[:16])
    assert caught.code == exitcodes.TAMPERED
    assert "herschreven nadat die hash werd verstuurd" in caught.out
    bad = calamiteit("incident", "verify", incident, "--head", "xyz")
    assert bad.code == exitcodes.USAGE


# --- imports -------------------------------------------------------------------------------------------


def _export(incident: str, bodies: list[tuple[str, Any]], *, at: str = AT, author: str = "t") -> dict[str, Any]:
    """A hand-made export whose hash chain verifies, whatever nonsense the bodies hold."""
    entries, prev = [], GENESIS
    for n, (kind, body) in enumerate(bodies, start=1):
        text = canonical(body) if isinstance(body, dict) else json.dumps(body)
        digest = entry_hash(incident, n, at, author, kind, text, prev)
        entries.append(
            {"n": n, "at": at, "author": author, "kind": kind, "body": body, "prev_hash": prev, "hash": digest}
        )
        prev = digest
    return {
        "schema_version": 1,
        "kind": "incident-export",
        "incident": incident,
        "title": "x",
        "head": prev,
        "entries": entries,
    }


OPEN = ("open", {"title": "Storing", "level": 0, "situation": None})
NONSENSE: dict[str, list[tuple[str, Any]]] = {
    "deadline morgen": [OPEN, ("decision", {"text": "Bel", "owner": "IPLO", "deadline": "morgen", "action": 1})],
    "body zonder text": [OPEN, ("observation", {"tekst": "x"})],
    "level abc": [("open", {"title": "Storing", "level": "abc"})],
    "level 1.5": [("open", {"title": "Storing", "level": 1.5})],
    "level 10^30": [("open", {"title": "Storing", "level": 10**30})],
    "title als lijst": [("open", {"title": ["a"], "level": 0})],
    "actie 7 zonder 1..6": [OPEN, ("decision", {"text": "Bel", "owner": "IPLO", "deadline": None, "action": 7})],
    "niveau springt": [OPEN, ("level_change", {"before": 2, "after": 1, "action": "afschalen", "reason": "x"})],
    "regel na sluiten": [OPEN, ("close", {"reason": "klaar"}), ("observation", {"text": "x"})],
    "onbekende soort": [OPEN, ("gossip", {"text": "x"})],
}


@pytest.mark.parametrize("case", sorted(NONSENSE))
def test_an_export_that_verifies_but_holds_nonsense_is_refused(calamiteit: Invoke, tmp_path: Path, case: str):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_export("2026-050", NONSENSE[case])), encoding="utf-8")
    result = calamiteit("incident", "import", str(path))
    assert result.code == exitcodes.USAGE, result.err
    assert "regel " in result.err and "Niets ingelezen" in result.err and "interne fout" not in result.err
    assert not db(tmp_path).exists() or calamiteit("incident", "list", "--all", "--json").out.count("2026-050") == 0
    assert calamiteit("acties").code == 0


def test_a_wrong_timestamp_and_a_lone_surrogate_are_refused(calamiteit: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_export("2026-050", [OPEN], at="garbage")), encoding="utf-8")
    garbage = calamiteit("incident", "import", str(path))
    assert garbage.code == exitcodes.USAGE and "regel 1: at 'garbage' is geen tijdstip" in garbage.err
    text = json.dumps(_export("2026-050", [("open", {"title": "x", "level": 0})])).replace(
        '"title": "x"', '"title": "\\ud800"'
    )
    path.write_text(text, encoding="utf-8")
    surrogate = calamiteit("incident", "import", str(path))
    assert surrogate.code == exitcodes.USAGE and "surrogaat" in surrogate.err


@pytest.mark.parametrize("bad_id", ["../../x", "[/]", "", "a" * 80, 12])
def test_an_unsafe_incident_id_is_refused(calamiteit: Invoke, tmp_path: Path, bad_id: object) -> None:
    doc = _export("2026-050", [OPEN])
    doc["incident"] = bad_id
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = calamiteit("incident", "import", str(path))
    assert result.code == exitcodes.USAGE and "ongeldig incident-id" in result.err


def test_deep_nesting_and_endless_input_end_cleanly(calamiteit: Invoke, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"kind": "incident-export", "x": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    result = calamiteit("incident", "import", str(deep))
    assert result.code == exitcodes.USAGE and "interne fout" not in result.err
    zero = calamiteit("incident", "import", "/dev/zero")
    assert zero.code == exitcodes.USAGE and "geen gewoon bestand" in zero.err  # a device: refused before reading


@pytest.mark.parametrize(("lang", "said"), [("nl", b"calamiteit: onderbroken\n"), ("en", b"calamiteit: interrupted\n")])
def test_endless_json_is_cut_off_and_ctrl_c_ends_an_import(tmp_path: Path, lang: str, said: bytes) -> None:
    """A pipe that never ends: read a chunk at a time, and Ctrl-C ends it with 130 and no traceback."""
    env = {**os.environ, "CALAMITEIT_DATA_DIR": str(tmp_path / "data"), "CALAMITEIT_LANG": lang}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dso_calamiteit", "incident", "import", "/dev/stdin"],
        stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env, preexec_fn=default_sigint,
    )
    with reaped(proc):
        assert proc.stdin is not None
        # The pipe holds 64 KiB: once 10 MB are written the import is certainly reading (no sleep needed)
        proc.stdin.write(b"{" + b" " * 10_000_000)
        proc.stdin.flush()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == exitcodes.INTERRUPTED, err
    assert err == said
    assert not (tmp_path / "data" / FILE_NAME).exists()  # the export is read whole before the logbook is opened


# --- signals -------------------------------------------------------------------------------------------


INTERRUPTED_SAID = {  # Ctrl-C's two lines about the logbook (adapters/interrupts), in each language
    "nl": ("calamiteit: onderbroken", "  er is niets vastgelegd in het logboek",
           "  wat al was vastgelegd, staat in het logboek (niet opnieuw vastleggen; zie 'calamiteit incident show')"),
    "en": ("calamiteit: interrupted", "  nothing was recorded in the logbook",
           "  what was already recorded is in the logbook (do not record it again; see 'calamiteit incident show')"),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_ctrl_c_before_the_commit_says_nothing_was_stored(calamiteit: Invoke, monkeypatch, lang: str) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    from dso_calamiteit.adapters.stores.interface import Store

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:  # whichever engine: the insert is where the entry would go in
        for engine in Store.__subclasses__():
            patched.setattr(engine, "_insert", interrupted)
        result = calamiteit("--lang", lang, "log", incident, "Beeld", "--beeld")
    assert result.code == exitcodes.INTERRUPTED
    assert result.err.splitlines() == list(INTERRUPTED_SAID[lang][:2])
    assert len(timeline(calamiteit, incident)["entries"]) == 1


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_ctrl_c_after_the_commit_says_the_entry_is_stored(calamiteit: Invoke, monkeypatch, lang: str) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    from dso_calamiteit.adapters import interrupts

    real = interrupts.committed

    def signal_at_commit() -> None:
        real()
        os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, while the commit is held from interruption

    monkeypatch.setattr(interrupts, "committed", signal_at_commit)
    result = calamiteit("--lang", lang, "log", incident, "Beeld", "--beeld")
    monkeypatch.setattr(interrupts, "committed", real)
    assert result.code == exitcodes.INTERRUPTED
    said = INTERRUPTED_SAID[lang]
    assert result.err.splitlines() == [said[0], said[2]]
    assert len(timeline(calamiteit, incident)["entries"]) == 2


HELD_IMPORT = """
import sys, time
held = sys.argv.pop(1)
class Hold:  # stops the start-up in the import of `held`, says so, and waits for the Ctrl-C
    def find_spec(self, name, path=None, target=None):
        if name == held:
            sys.meta_path.remove(self)
            sys.stdout.write("importeren\\n")
            sys.stdout.flush()
            time.sleep(60)
sys.meta_path.insert(0, Hold())
sys.argv[0] = "calamiteit"
from dso_calamiteit.cli.entry import main
main()
"""


HELD = (
    "typer",  # the entry point importing the CLI, before cli.run can catch anything itself
    "dso_calamiteit.adapters.interrupts",  # cli.run's own first import, before it has read the language
    "dso_calamiteit.domain.contacts",  # the command's lazy imports
)
ASKED = {
    "nl": ({}, b"calamiteit: onderbroken\n"),
    "--lang en": ({"arguments": ["--lang", "en"]}, b"calamiteit: interrupted\n"),  # before the CLI could read it
    "CALAMITEIT_LANG=en": ({"CALAMITEIT_LANG": "en"}, b"calamiteit: interrupted\n"),
    "--lang xx": ({"arguments": ["--lang", "xx"]}, b"calamiteit: onderbroken\n"),  # no such language: Dutch
}


@pytest.mark.parametrize(
    ("held", "asked", "said"),
    [
        pytest.param(held, *ASKED[name], id=f"{held}-{name}")
        for held in HELD
        for name in ASKED
        if not (name == "--lang xx" and held == HELD[2])  # refused (exit 2) before the command imports anything
    ],
)
def test_ctrl_c_during_start_up_is_a_clean_130(tmp_path: Path, held: str, asked: dict, said: bytes) -> None:
    """Ctrl-C while the program is still importing: 130 and one line, never a traceback, in the language asked
    for even when the CLI had not read it yet. The child is stopped in that import and says so before the signal
    is sent: no guessing at delays (a signal sent before Python has installed its own handler ends any program
    with -2, which says nothing about this one)."""
    env = {**os.environ, "CALAMITEIT_DATA_DIR": str(tmp_path / "data"), "CALAMITEIT_NO_CACHE": "1"}
    for name in ("CALAMITEIT_LANG", "CALAMITEIT_TAAL", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        env.pop(name, None)
    env.update({k: v for k, v in asked.items() if k != "arguments"})
    proc = subprocess.Popen(
        [sys.executable, "-c", HELD_IMPORT, held, *asked.get("arguments", []), "contacts", "iplo"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, preexec_fn=default_sigint,
    )
    with reaped(proc):
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"importeren\n"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out, err) == (exitcodes.INTERRUPTED, b"", said)


# --- permissions, files, encodings ----------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_a_read_only_logbook_file_is_a_clear_error_for_writers(calamiteit: Invoke, monkeypatch) -> None:
    with shared_folder() as outer:
        folder = outer / "data"
        monkeypatch.setenv("CALAMITEIT_DATA_DIR", str(folder))
        incident = calamiteit("incident", "open", "Storing").out.strip()
        folder.chmod(0o777)
        (folder / FILE_NAME).chmod(0o444)
        before = (folder / FILE_NAME).read_bytes()
        with as_nobody():
            written = calamiteit("log", incident, "Beeld", "--beeld")
        assert written.code == exitcodes.CONFIG, written.err
        assert "niet schrijfbaar" in written.err and "interne fout" not in written.err
        assert (folder / FILE_NAME).read_bytes() == before


@pytest.mark.sqlite_only
def test_a_reader_with_read_access_only_can_list_show_and_verify(calamiteit: Invoke, monkeypatch) -> None:
    with shared_folder() as outer:
        folder = outer / "data"
        monkeypatch.setenv("CALAMITEIT_DATA_DIR", str(folder))
        incident = calamiteit("incident", "open", "Storing").out.strip()
        calamiteit("log", incident, "Beeld", "--beeld")
        folder.chmod(0o755)
        (folder / FILE_NAME).chmod(0o644)
        with as_nobody():
            results = [
                calamiteit("incident", "list", "--json"),
                calamiteit("incident", "show", incident),
                calamiteit("incident", "verify", incident),
                calamiteit("incident", "export", incident),
                calamiteit("acties"),
                calamiteit("check"),
            ]
            refused = calamiteit("log", incident, "Nog een", "--beeld")
        for r in results:
            assert r.code == 0, r.err
        assert incident in results[0].out and "klopt: 2 regels" in results[2].out
        assert refused.code == exitcodes.CONFIG


@pytest.mark.sqlite_only
def test_monitor_still_reports_when_it_cannot_record(calamiteit: Invoke, make_config, monkeypatch) -> None:
    with shared_folder() as outer, serve() as (base, _):
        folder = outer / "data"
        folder.mkdir(mode=0o555)
        monkeypatch.setenv("CALAMITEIT_DATA_DIR", str(folder))
        config = make_config(
            monitor=f"timeout_s: 2\ntargets:\n  - {{name: Loket, env: prod, url: '{base}/status/500'}}\n"
        )
        readable = shutil.copytree(config, outer / "cfg")
        calamiteit("monitor", "--config-dir", str(readable))  # imports done as root: Python lives in /root here
        with as_nobody():
            unreadable = calamiteit("monitor", "--config-dir", str(config))  # in root's private tmp folder
            result = calamiteit("monitor", "--record", "--json", "--config-dir", str(readable))
    assert unreadable.code == exitcodes.USAGE and "is niet te lezen" in unreadable.err
    assert result.code == exitcodes.MONITOR_DOWN  # the targets' verdict, not the logbook's
    assert json.loads(result.out)["results"][0]["state"] == "onbeschikbaar"
    assert "uitkomsten niet bewaard" in result.err


@pytest.mark.sqlite_only
def test_an_empty_existing_logbook_file_becomes_private(calamiteit: Invoke, tmp_path: Path) -> None:
    path = db(tmp_path)
    path.parent.mkdir(parents=True)
    path.touch(mode=0o644)
    path.chmod(0o644)
    assert calamiteit("incident", "open", "Storing").code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.sqlite_only
def test_a_symlinked_logbook_is_refused(calamiteit: Invoke, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elders.sqlite"
    elsewhere.write_bytes(b"")
    path = db(tmp_path)
    path.parent.mkdir(parents=True)
    path.symlink_to(elsewhere)
    result = calamiteit("incident", "open", "Storing")
    assert result.code == exitcodes.CONFIG and "symbolische koppeling" in result.err
    assert elsewhere.read_bytes() == b""


def test_arguments_that_are_not_utf8_are_a_usage_error(tmp_path: Path) -> None:
    env = {**os.environ, "CALAMITEIT_DATA_DIR": str(tmp_path / "data")}
    opened = subprocess.run(
        [sys.executable, "-m", "dso_calamiteit", "incident", "open", "x"], env=env, capture_output=True, check=True
    )
    incident = opened.stdout.decode().strip()
    result = subprocess.run(
        [sys.executable.encode(), b"-m", b"dso_calamiteit", b"log", incident.encode(), b"caf\xe9", b"--beeld"],
        env=env,
        capture_output=True,
    )
    assert result.returncode == exitcodes.USAGE
    assert "argument 3" in result.stderr.decode() and "UTF-8" in result.stderr.decode()


# --- the human timeline at scale -----------------------------------------------------------------------


def test_show_pages_the_human_timeline(calamiteit: Invoke) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    for i in range(2, 61):
        calamiteit("log", incident, f"Beeld nummer {i}", "--beeld")
    default = calamiteit("incident", "show", incident)
    assert default.code == 0
    assert "… 10 eerdere regels niet getoond" in default.out
    assert "Beeld nummer 60" in default.out and "Beeld nummer 11 " in default.out + " "
    assert "Beeld nummer 10\n" not in default.out and "Beeld nummer 10 " not in default.out
    five = calamiteit("incident", "show", incident, "--laatste", "5")
    assert "… 55 eerdere regels niet getoond" in five.out and "Beeld nummer 55" not in five.out
    everything = calamiteit("incident", "show", incident, "--alles")
    lines = [line for line in everything.out.splitlines() if "beeld:" in line]
    assert len(lines) == 59 and "Beeld nummer 2" in lines[0] and "Beeld nummer 60" in lines[-1]
    assert calamiteit("incident", "show", incident, "--laatste", "0").code == exitcodes.USAGE


LONG = 5_000  # entries of a long incident: enough that holding them shows (measured: 4 MB against 8 kB)


def test_a_streaming_fold_keeps_no_entries(calamiteit: Invoke, tmp_path: Path) -> None:
    """The view of a long incident holds neither its entries nor its rows: over 5,000 entries the streaming
    fold's peak memory (tracemalloc) is a small part of what the same entries take when kept, and it ends in
    the same state."""
    import tracemalloc

    from dso_calamiteit.domain.logbook import fold

    from .conftest import open_logbook

    notes = [("observation" if i % 2 else "judgement", {"text": f"Regel {i}: " + "loket traag " * 8})
             for i in range(LONG - 2)]
    decision = ("decision", {"text": "Bel", "owner": "IPLO", "deadline": None, "action": 1})
    export = tmp_path / "lang.json"
    export.write_text(json.dumps(_export("2026-050", [OPEN, *notes, decision])), encoding="utf-8")
    assert calamiteit("incident", "import", str(export)).code == 0

    def peak(keep: bool) -> tuple[int, Any]:
        store = open_logbook(tmp_path / "data", readonly=True)
        try:
            tracemalloc.start()
            try:
                state = fold(store.stream("2026-050"), keep=keep)
                return tracemalloc.get_traced_memory()[1], state
            finally:
                tracemalloc.stop()
        finally:
            store.close()

    streamed, state = peak(keep=False)
    kept, full = peak(keep=True)
    assert state.observations == state.judgements == state.decisions == []
    assert len(full.observations) + len(full.judgements) == LONG - 2 and len(full.decisions) == 1
    assert (state.entries, state.head, list(state.actions)) == (full.entries, full.head, list(full.actions))
    assert (state.entries, list(state.actions)) == (LONG, [1])
    assert streamed < kept / 20, (streamed, kept)
