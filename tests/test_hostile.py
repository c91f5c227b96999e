"""Hostile text: markup, escape sequences and control characters through every field of every file and command.

Data is never markup and never a terminal command: in human output it appears literally (control characters as
visible stand-ins), nothing breaks, and JSON carries the exact value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dso_calamiteit.domain import exitcodes
from dso_calamiteit.domain.safetext import visible

from .conftest import Invoke, all_answers
from .servers import serve

MARKUP = "Storing [/b] [link=file:///etc/passwd]x[/link] [bold]vet[/bold] Bel [gemeente Utrecht] terug"
CONTROLS = "\x1b]0;PWNED\x07 \x1b[2J \x9b31m \u202egnirots\x1b]8;;file:///etc\x1b\\"
HOSTILE = f"{MARKUP} {CONTROLS}"
# The same text as a YAML double-quoted scalar (YAML forbids raw control characters in a file).
YAML_HOSTILE = json.dumps(HOSTILE, ensure_ascii=True).replace("\\u001b", "\\e").replace("\\u0007", "\\a")

RAW_CONTROLS = ("\x1b]", "\x1b[2J", "\x9b", "\u202e", "\x07")


def assert_safe(text: str, expect_markup: bool = True) -> None:
    """No raw control sequence of the data reaches the output; the markup words are there as typed."""
    for raw in RAW_CONTROLS:
        assert raw not in text, f"raw {raw!r} in output"
    assert "Traceback" not in text and "interne fout" not in text
    if expect_markup:
        for word in ("[/b]", "[link=file:///etc/passwd]x[/link]", "[bold]vet[/bold]", "[gemeente Utrecht]"):
            assert word in text, f"{word} missing"
        for token in ("␛]0;PWNED␇", "␛[2J", "\\x9b31m", "\\u202egnirots␛]8;;file:///etc␛\\"):
            assert token in text, f"{token} missing"


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wide enough that no cell wraps: these tests are about the characters, not the layout."""
    monkeypatch.setenv("COLUMNS", "3000")


@pytest.fixture(params=["plain", "color"])
def colour(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Once without colour, once with FORCE_COLOR: hyperlinks and styles would only show up in the latter."""
    if request.param == "color":
        monkeypatch.setenv("FORCE_COLOR", "1")
    else:
        monkeypatch.delenv("FORCE_COLOR", raising=False)
    return str(request.param)


def test_json_text_escapes_exactly_the_characters_the_pattern_names() -> None:
    """json_text looks for them in the UTF-8 form by lead byte (fast); it must find exactly what the regex finds:
    every code point below U+3000 and around the ranges, alone and between non-ASCII neighbours, and at the end."""
    from dso_calamiteit.domain.safetext import _JSON_UNSAFE, json_text

    def reference(text: str) -> str:
        return re.compile(_JSON_UNSAFE).sub(lambda m: f"\\u{ord(m.group()):04x}", text)

    points = [*range(0x3000), *range(0xFEFF, 0xFF10), 0x1F600, 0x10FFFF]
    for code in points:
        ch = chr(code)
        for text in (f"ë{ch}", f"{ch}é→x", f"\u2013{ch}\u2014", f'"a\u00e9{ch}"'):
            assert json_text(text) == reference(text), (hex(code), text)
    assert json_text("ë\ud800") == "ë\ud800"  # a lone surrogate (cannot be UTF-8): the regex decides, unchanged
    assert json_text("é\x9b\u202e\x7f") == "é\\u009b\\u202e\\u007f"


def test_safe_text_makes_controls_visible() -> None:
    shown = visible("a\x1b[2Jb\rc\x9bd\u202ee\tf\ng\x7f")
    assert shown == "a␛[2Jb␍c\\x9bd\\u202ee\tf\ng␡"


@pytest.mark.usefixtures("backend")  # touches the logbook: on both engines
def test_logbook_fields_are_shown_literally(calamiteit: Invoke, colour: str, tmp_path: Path) -> None:
    opened = calamiteit("incident", "open", HOSTILE, "--auteur", HOSTILE)
    assert opened.code == 0, opened.err
    incident = opened.out.strip()
    for flag in ("--beeld", "--oordeel"):
        assert calamiteit("log", incident, HOSTILE, flag, "--auteur", HOSTILE).code == 0
    decided = calamiteit("log", incident, HOSTILE, "--besluit", "--actiehouder", HOSTILE, "--auteur", "[/x]")
    assert decided.code == 0, decided.err
    assert_safe(decided.err, expect_markup=False)
    views = [
        calamiteit("incident", "list"),
        calamiteit("incident", "list", "--all"),
        calamiteit("incident", "show", incident),
        calamiteit("acties"),
        calamiteit("acties", incident),
        calamiteit("rapport", incident, "--format", "md"),
        calamiteit("rapport", incident, "--format", "text"),
    ]
    for view in views:
        assert view.code == 0, view.err
        assert_safe(view.out, expect_markup=view is not views[-2])  # Markdown: escaped, checked below
        assert_safe(view.err, expect_markup=False)
    md = views[-2].out
    assert "\\[link=file:///etc/passwd\\]" in md  # escaped for Markdown: never a live link
    assert "[gemeente Utrecht]" in views[-1].out  # plain text keeps every character
    done = calamiteit("actie", incident, "1", "--gereed", "--toelichting", HOSTILE)
    assert done.code == 0
    closed = calamiteit("incident", "close", incident, "--reden", HOSTILE)
    assert closed.code == 0
    final = calamiteit("rapport", incident)
    assert final.code == 0 and "\\[/b\\]" in final.out
    assert_safe(final.out, expect_markup=False)


@pytest.mark.usefixtures("backend")  # touches the logbook: on both engines
def test_json_keeps_the_exact_text(calamiteit: Invoke) -> None:
    incident = calamiteit("incident", "open", HOSTILE, "--auteur", HOSTILE).out.strip()
    calamiteit("log", incident, HOSTILE, "--besluit", "--actiehouder", HOSTILE)
    shown = calamiteit("incident", "show", incident, "--json")
    for raw in ("\x9b", "\u202e"):
        assert raw not in shown.out  # escaped as \\uXXXX: still exactly the same value
    doc = json.loads(shown.out)
    assert doc["title"] == HOSTILE
    assert doc["entries"][0]["author"] == HOSTILE
    assert doc["entries"][1]["data"]["owner"] == HOSTILE
    actions = json.loads(calamiteit("acties", "--json").out)
    assert actions["actions"][0]["text"] == HOSTILE
    sitrap = json.loads(calamiteit("rapport", incident, "--format", "json").out)
    assert sitrap["incident"]["title"] == HOSTILE


def test_hostile_export_imports_and_stays_readable(calamiteit: Invoke, tmp_path: Path, elsewhere) -> None:
    """Into another, empty logbook on the same engine (a colleague's): the incident arrives whole and every
    view of it stays safe."""
    incident = calamiteit("incident", "open", HOSTILE).out.strip()
    calamiteit("log", incident, HOSTILE, "--beeld")
    export = tmp_path / "export.json"
    assert calamiteit("incident", "export", incident, "-o", str(export)).code == 0
    elsewhere("receiver")
    assert json.loads(calamiteit("incident", "list", "--all", "--json").out)["incidents"] == []  # really elsewhere
    imported = calamiteit("incident", "import", str(export))
    assert imported.code == 0, imported.err
    assert_safe(imported.err, expect_markup=False)
    arrived = json.loads(calamiteit("incident", "show", incident, "--json").out)
    assert arrived["title"] == HOSTILE and [e["kind"] for e in arrived["entries"]] == ["open", "observation"]
    assert calamiteit("incident", "verify", incident).code == 0
    for view in (calamiteit("incident", "list"), calamiteit("incident", "show", incident)):
        assert view.code == 0
        assert_safe(view.out)


@pytest.mark.usefixtures("backend")  # touches the logbook: on both engines
def test_unknown_ids_in_messages_are_shown_literally(calamiteit: Invoke) -> None:
    calamiteit("incident", "open", "Storing")
    for args in (("incident", "show", HOSTILE), ("log", HOSTILE, "x", "--beeld"), ("contacts", "--org", HOSTILE)):
        result = calamiteit(*args)
        assert result.code in (exitcodes.USAGE, exitcodes.CONFIG, exitcodes.FAILURE)
        assert_safe(result.err, expect_markup=False)
        assert "[/b]" in result.err


def _hostile_config(make_config: Callable[..., Path], shipped: Path) -> Path:
    def replaced(name: str, pairs: list[tuple[str, str]]) -> str:
        text = (shipped / name).read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text, old
            text = text.replace(old, new)
        return text

    return make_config(
        contacts=replaced(
            "contacts.yaml",
            [
                ("    name: DSO-LV\n", f"    name: {YAML_HOSTILE}\n"),
                ("    name: IPLO\n", f"    name: {YAML_HOSTILE}\n"),
            ],
        ),
        routing=replaced(
            "config/routing.yaml",
            [
                ('when: "Operationeel over (oplossen van) incidenten"', f"when: {YAML_HOSTILE}"),
                ("title: Verstoring in het DSO-LV", f"title: {YAML_HOSTILE}"),
            ],
        ),
        teams=replaced("config/teams.yaml", [("name: Operationeel Calamiteitenteam", f"name: {YAML_HOSTILE}")]),
    )


def test_config_fields_are_shown_literally(calamiteit: Invoke, make_config, shipped: Path, colour: str) -> None:
    folder = str(_hostile_config(make_config, shipped))
    checked = calamiteit("check", "--config-dir", folder)
    assert checked.code == 0, checked.err
    level_one = all_answers("nee")
    level_one[1] = level_one[1].replace("=nee", "=ja")
    level_one[3] = level_one[3].replace("=nee", "=ja")
    level_one[5] = level_one[5].replace("=nee", "=ja")
    views = [
        calamiteit("contacts", "--config-dir", folder),
        calamiteit("routes", "--config-dir", folder),
        calamiteit("team", "--config-dir", folder),
        calamiteit("assess", "--no-input", *all_answers("ja"), "--config-dir", folder),
        calamiteit("assess", "--no-input", *level_one, "--config-dir", folder),
    ]
    for view in views:
        assert view.code == 0, view.err
        assert_safe(view.out)
    contacts = json.loads(calamiteit("contacts", "--json", "--config-dir", folder).out)
    assert HOSTILE in {c["org_name"] for c in contacts["contacts"]}


def test_problem_lines_show_file_text_literally(calamiteit: Invoke, make_config) -> None:
    folder = make_config(contacts=f"organisations: []\ncontacts: []\n{YAML_HOSTILE}: 1\n")
    checked = calamiteit("check", "--config-dir", str(folder))
    assert checked.code == exitcodes.CONFIG
    assert_safe(checked.out, expect_markup=False)
    assert "[/b]" in checked.out


@pytest.mark.usefixtures("backend")  # touches the logbook: on both engines
def test_monitor_target_names_are_shown_literally(calamiteit: Invoke, make_config, colour: str) -> None:
    with serve() as (base, _):
        folder = make_config(
            monitor=f"timeout_s: 2\ntargets:\n  - name: {YAML_HOSTILE}\n    env: prod\n    url: {base}/ok\n"
        )
        assert calamiteit("check", "--config-dir", str(folder)).code == 0
        shown = calamiteit("monitor", "--config-dir", str(folder))
        recorded = calamiteit("monitor", "--record", "--json", "--config-dir", str(folder))
        history = calamiteit("monitor", "--history", "--config-dir", str(folder))
    assert shown.code == 0, shown.err
    assert_safe(shown.out)
    assert json.loads(recorded.out)["results"][0]["name"] == HOSTILE
    assert history.code == 0
    assert_safe(history.out)


# --- what a logbook holds is checked as it is read (issue 21) ------------------------------------------


@pytest.mark.parametrize(
    "body",
    ['{"text":"   "}', '{"text":"a","owner":"x"}', '{"text":"a\nb"}', '{"text":null}', '{"text":"\\u0020"}', "[1]"],
)
def test_a_note_that_only_looks_plain_is_checked_in_full(body: str) -> None:
    """The fast path for plain notes takes only what the full rules take."""
    from dso_calamiteit.domain.logbook import GENESIS, ChainCheck, canonical, chained

    opening = chained("i", 1, "2026-01-01T00:00:00+00:00", "a", "open", canonical({"title": "t", "level": 0}), GENESIS)
    note = chained("i", 2, "2026-01-01T00:00:00+00:00", "a", "observation", body, opening.hash)
    good = chained("i", 3, "2026-01-01T00:00:00+00:00", "a", "observation", '{"text":"goed"}', note.hash)
    check = ChainCheck("i", good.hash, frozenset({0}))
    assert [e.n for e in check.passing([opening, note, good])] == [1, 3]
    assert [f.n for f in check.done()] == [2]


@pytest.mark.parametrize(
    ("field", "pasted"),
    [("password_from", "Zomer2026Welkom"), ("password_from", "zomer_2026"), ("url_from", "https://gw.example.nl/x")],
)
def test_a_pasted_secret_in_a_from_field_is_refused_and_not_repeated(
    calamiteit: Invoke, make_config: Callable[..., Path], field: str, pasted: str
) -> None:
    """A password where a variable's name belongs would pass as a 'name' and end up in the logbook for good."""
    email = "email:\n  host: 127.0.0.1\n  sender: c@dso.example.nl\n  username: oct\n"
    hooks = "webhooks:\n  - id: sms\n    kind: json\n    url_from: SMS_URL\n"
    if field == "password_from":
        email += f"  password_from: {pasted}\n"
    else:
        hooks = hooks.replace("SMS_URL", pasted)
    folder = make_config(callout=email + hooks)
    result = calamiteit("check", "--config-dir", str(folder))
    assert result.code == exitcodes.CONFIG, result.out
    assert field in result.out and "de naam van een omgevingsvariabele" in result.out
    assert pasted not in result.out + result.err


# --- a config cache that cannot run planted code ---------------------------------------------------------


class _Planted:
    """What another user plants: unpickling it creates the marker file (it could as well run anything)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("how", ["folder writable by all", "file of another user", "file writable by all", "wrong key"])
def test_a_planted_cache_file_is_never_unpickled(calamiteit: Invoke, tmp_path: Path, how: str) -> None:
    import os
    import pickle

    from dso_calamiteit.adapters import config

    config.load(config.locate())  # a real cache file: its name and key are what a planter can work out too
    (cached,) = config.cache_dir().glob("config-*.pickle")
    key = cached.read_bytes().split(b"\n", 1)[0]
    marker = tmp_path / "ran"
    header = b"0" * len(key) if how == "wrong key" else key
    cached.write_bytes(header + b"\n" + pickle.dumps(_Planted(str(marker))))
    if how == "folder writable by all":
        config.cache_dir().chmod(0o777)
    elif how == "file of another user":
        if os.geteuid() != 0:
            pytest.skip("only root can give a file to another user")
        os.chown(cached, 65534, 65534)
    elif how == "file writable by all":
        cached.chmod(0o666)
    assert calamiteit("check").code == 0
    assert not marker.exists()
    assert calamiteit("incident", "list").code == 0 and not marker.exists()


def test_the_cache_folder_is_private(calamiteit: Invoke) -> None:
    from dso_calamiteit.adapters import config

    calamiteit("check")
    assert config.cache_dir().stat().st_mode & 0o777 == 0o700
    assert {p.stat().st_mode & 0o777 for p in config.cache_dir().iterdir()} == {0o600}


# --- output files are files ------------------------------------------------------------------------------


def _reading(fifo: Path) -> tuple[Any, list[bytes]]:
    import threading

    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as fh:
            got.append(fh.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader, got


@pytest.mark.parametrize("command", ["export", "rapport", "paraatheid"])
def test_a_fifo_is_written_into_and_stays_a_fifo(calamiteit: Invoke, tmp_path: Path, command: str) -> None:
    import os
    import stat

    incident = calamiteit("incident", "open", "Storing").out.strip()
    fifo = tmp_path / "pijp"
    os.mkfifo(fifo)
    reader, got = _reading(fifo)
    args = {
        "export": ("incident", "export", incident, "-o", str(fifo)),
        "rapport": ("rapport", incident, "--output", str(fifo)),
        "paraatheid": ("paraatheid", "--prometheus", str(fifo)),
    }[command]
    result = calamiteit(*args)
    reader.join(timeout=30)
    assert result.code == 0, result.err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # not replaced by a regular file
    assert got and got[0].strip(), "the reader got the document"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pijp")] == []  # no temporary left


def test_a_device_is_written_to_and_never_replaced(calamiteit: Invoke, tmp_path: Path) -> None:
    """A /dev/null of the test's own (same major/minor), never the system's: as root, a rename over it would
    have put a regular file where the device was."""
    import os
    import stat

    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    node = tmp_path / "null"
    null = os.stat("/dev/null").st_rdev
    os.mknod(node, 0o666 | stat.S_IFCHR, null)
    incident = calamiteit("incident", "open", "Storing").out.strip()
    for args in (("incident", "export", incident, "-o", str(node)), ("rapport", incident, "-o", str(node)),
                 ("paraatheid", "--prometheus", str(node)), ("overzicht", "-o", str(node))):
        assert calamiteit(*args).code == 0, args
        found = os.lstat(node)
        assert stat.S_ISCHR(found.st_mode) and found.st_rdev == null, args


def test_a_symlink_is_refused_and_left_alone(calamiteit: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "iemands-bestand"
    target.write_text("van iemand anders\n")
    link = tmp_path / "link"
    link.symlink_to(target)
    incident = calamiteit("incident", "open", "Storing").out.strip()
    for args in (("incident", "export", incident, "-o", str(link)), ("rapport", incident, "-o", str(link)),
                 ("paraatheid", "--prometheus", str(link))):
        result = calamiteit(*args)
        assert result.code == exitcodes.USAGE and "symbolische koppeling" in result.err, (args, result.err)
        assert link.is_symlink() and target.read_text() == "van iemand anders\n"
    entries = json.loads(calamiteit("incident", "show", incident, "--json").out)["entries"]
    assert [e["kind"] for e in entries] == ["open"]  # the refused rapport recorded no sitrap


@pytest.mark.parametrize("name", ["-", "/dev/stdout"])
def test_dash_and_dev_stdout_are_stdout(calamiteit: Invoke, tmp_path: Path, name: str) -> None:
    incident = calamiteit("incident", "open", "Storing").out.strip()
    result = calamiteit("incident", "export", incident, "-o", name)
    assert result.code == 0 and '"kind": "incident-export"' in result.out and "Geschreven" not in result.err
    assert not (tmp_path / "work" / "-").exists()


def test_an_import_of_a_device_is_refused_and_a_pipe_cut_off(
    calamiteit: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A device is refused before reading; a pipe (`… | incident import /dev/stdin`) is read as it comes and cut
    off at the limit, whatever the writer keeps sending."""
    import contextlib
    import os
    import threading

    result = calamiteit("incident", "import", "/dev/zero")
    assert result.code == exitcodes.USAGE and "geen gewoon bestand" in result.err, result.err
    monkeypatch.setattr("dso_calamiteit.app.handover.MAX_IMPORT_BYTES", 1024 * 1024)
    fifo = tmp_path / "export.json"
    os.mkfifo(fifo)

    keep = os.open(fifo, os.O_RDWR)  # the writer's end is open before the import opens the pipe: no early EOF

    def endless() -> None:  # 4 MiB, far past the limit
        os.write(keep, b"{")
        for _ in range(64):
            os.write(keep, b" " * 65536)

    writer = threading.Thread(target=endless, daemon=True)
    writer.start()
    try:
        result = calamiteit("incident", "import", str(fifo))
        drain = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        while writer.is_alive():  # take what the import left, so the writer ends
            with contextlib.suppress(BlockingIOError):
                os.read(drain, 1024 * 1024)
            writer.join(timeout=0.05)
        os.close(drain)
    finally:
        os.close(keep)
    assert result.code == exitcodes.USAGE and "groter dan 1 MiB" in result.err, result.err


@pytest.mark.parametrize("kind", ["fifo", "groot"])
def test_a_config_file_that_is_no_file_or_too_big_is_refused_before_reading(
    calamiteit: Invoke, make_config: Callable[..., Path], kind: str
) -> None:
    import os

    folder = make_config()
    contacts = folder / "contacts.yaml"
    contacts.unlink()
    if kind == "fifo":
        os.mkfifo(contacts)  # reading it would wait for ever
    else:
        with contacts.open("wb") as fh:
            fh.truncate(40 * 1024 * 1024)
    result = calamiteit("check", "--config-dir", str(folder))
    if kind == "fifo":  # not a file: not taken for one (the lookup passes it by), and nothing waits on it
        assert result.code == 0 and str(contacts) not in result.out
        return
    assert result.code == exitcodes.CONFIG and "contacts.yaml" in result.out + result.err
    assert "groter dan 32 MiB" in result.out + result.err
