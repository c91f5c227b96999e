"""Warm start-up (benchmarks/startup.py): what a command imports that it does not need. Each test runs the
console script's entry point in a fresh interpreter, the cache of validated files warm where a command reads
configuration (its normal state), and looks at which modules it imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from dso_calamiteit.adapters import process

CONFIG_MACHINERY = (
    "dso_calamiteit.adapters.config",
    "dso_calamiteit.adapters.config.cache",
    "dso_calamiteit.adapters.config.finding",
    "dso_calamiteit.adapters.config.loading",
    "hashlib",
    "pickle",
)


def imported(*argv: str, code: int = 0) -> set[str]:
    """The modules `calamiteit ARGV` imported (through cli.entry, as the console script runs it)."""
    program = (
        "import json, sys\n"
        f"sys.argv = ['calamiteit', *{list(argv)!r}]\n"
        "from dso_calamiteit.cli.entry import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as ended:\n"
        "    sys.stderr.write('EXIT %s MODULES %s' % (ended.code, json.dumps(sorted(sys.modules))))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], env=dict(os.environ), capture_output=True, text=True,
                          check=False)
    _head, _, tail = done.stderr.rpartition("EXIT ")
    exit_code, _, modules = tail.partition(" MODULES ")
    assert exit_code == str(code), done.stderr[-2000:]
    return set(json.loads(modules))


@pytest.mark.parametrize("argv", [["--version"], ["--lang", "en", "--version"], ["--help"]])
def test_version_and_help_import_none_of_the_configuration_machinery(argv: list[str]) -> None:
    """`--version` and `--help` read no configuration: the config cache (pickle, hashlib) and the finding of files
    are not imported. `--version` also builds no command group."""
    modules = imported(*argv)
    assert "dso_calamiteit.cli.root" in modules  # it did run the CLI
    ours = [m for m in CONFIG_MACHINERY if m.startswith("dso_calamiteit")]
    assert sorted(m for m in CONFIG_MACHINERY if m in modules and m in ours) == []
    if "--version" in argv:  # (the help page's Markdown and Rich bring pickle of their own)
        assert sorted(m for m in CONFIG_MACHINERY if m in modules) == []
        assert sorted(m for m in modules if m.startswith("dso_calamiteit.cli.") and m not in {
            "dso_calamiteit.cli.entry", "dso_calamiteit.cli.root"}) == []


def test_a_warm_command_reads_and_hashes_no_config_file() -> None:
    """With the cache warm and the files' stats unchanged, `contacts --json` takes the cache's key from the kept
    stats: hashlib (OpenSSL) is not loaded, and no YAML parser or validation either."""
    imported("contacts", "iplo", "--json")  # may validate and fill the cache; the shipped files are old enough
    modules = imported("contacts", "iplo", "--json")
    assert "dso_calamiteit.adapters.config.cache" in modules  # it did use the cache
    assert sorted(m for m in ("hashlib", "_hashlib", "dso_calamiteit.adapters.config.yamlfile", "pydantic",
                              "platformdirs", "tempfile") if m in modules) == []


def test_a_warm_assessment_writes_nothing_and_loads_no_tempfile() -> None:
    """`assess` loads the holidays adapter, whose cache of Dutch dates is written atomically (output_files) when
    cold; warm it writes nothing, so tempfile (with random) is not imported."""
    from dso_calamiteit.adapters import config

    answers = [a for _, c in config.load(config.locate()).criteria.all_criteria() for a in ("--answer", f"{c.id}=nee")]
    imported("assess", *answers, "--json")  # may fill the caches of validated files and of holidays
    modules = imported("assess", *answers, "--json")
    assert "dso_calamiteit.adapters.output_files" in modules  # the writer is there, ready for a cold cache
    assert sorted(m for m in ("tempfile", "random", "holidays", "platformdirs") if m in modules) == []
    assert "_pickle" in modules and "pickle" not in modules  # the C unpickler alone: pickle.py is ~1 ms


def test_a_warm_json_assessment_compiles_none_of_the_tools_own_patterns() -> None:
    """The times an operator types and the text made safe for a terminal or Markdown are read with patterns
    compiled when first used (domain/patterns.py): compiled at import they were 3 % of `assess --json`'s
    instructions, and a JSON assessment uses none of them. A time typed still compiles its own."""
    from dso_calamiteit.adapters import config
    from dso_calamiteit.domain import dutchtime, safetext

    ours = {dutchtime._DATE, dutchtime._TIME, dutchtime._PLUS, dutchtime._OVER, safetext._UNSAFE,
            safetext._JSON_UNSAFE, safetext._MARKDOWN}
    answers = [a for _, c in config.load(config.locate()).criteria.all_criteria() for a in ("--answer", f"{c.id}=nee")]
    program = (
        "import json, re, sys\n"
        "seen = []\n"
        "real = re.compile\n"
        "re.compile = lambda source, flags=0: seen.append(str(source)) or real(source, flags)\n"
        "sys.argv = ['calamiteit', *sys.argv[1:]]\n"
        "from dso_calamiteit.cli.entry import main\n"
        "from dso_calamiteit.domain.dutchtime import read as read_moment\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as ended:\n"
        "    assessed = list(seen)\n"
        "    read_moment('2027-01-05 08:00', __import__('datetime').datetime.now(__import__('datetime').UTC))\n"
        "    sys.stderr.write('EXIT %s SEEN %s' % (ended.code, json.dumps([assessed, seen])))\n"
    )
    for _ in range(2):  # the first may fill the caches
        done = subprocess.run([sys.executable, "-c", program, "assess", "--no-input", "--json", *answers],
                              env=dict(os.environ), capture_output=True, text=True, check=False)
    exit_code, _, tail = done.stderr.rpartition("EXIT ")[2].partition(" SEEN ")
    assert exit_code == "0", done.stderr[-2000:]
    assessed, after_reading = json.loads(tail)
    assert sorted(ours & set(assessed)) == []
    assert {dutchtime._DATE, dutchtime._TIME} <= set(after_reading)  # the wrapper does see them when used


def test_an_assessment_with_answer_flags_tables_loads_no_answers_file_reader() -> None:
    """The answers file's plain reader (with json and its line pattern) is for `--answers FILE`: `assess` with
    `--answer` flags and tables needs neither (nothing else in it imports json); with a file it is used."""
    from dso_calamiteit.adapters import config

    ids = [c.id for _, c in config.load(config.locate()).criteria.all_criteria()]
    answers = [a for i in ids for a in ("--answer", f"{i}=nee")]
    imported("assess", "--no-input", *answers)  # may fill the caches
    modules = imported("assess", "--no-input", *answers)
    assert "dso_calamiteit.app.assessment" in modules  # it did assess
    assert "dso_calamiteit.adapters.answers_file" not in modules  # (json: this test's own program imports it)
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "antwoorden.yaml"
        file.write_text("".join(f"{i}: nee\n" for i in ids), encoding="utf-8")
        assert "dso_calamiteit.adapters.answers_file" in imported("assess", "--no-input", "--answers", str(file))


def test_a_warm_command_with_only_home_set_finds_its_folders_without_platformdirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An operator's usual environment: no XDG variables, no CALAMITEIT_*_DIR, just HOME."""
    for variable in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "CALAMITEIT_CACHE_DIR",
                     "CALAMITEIT_DATA_DIR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    imported("contacts", "iplo", "--json")
    modules = imported("contacts", "iplo", "--json")
    assert (tmp_path / "home" / ".cache" / "calamiteit" / "config-stats.marshal").is_file()
    assert sorted(m for m in ("platformdirs", "tempfile", "hashlib") if m in modules) == []


ENVIRONMENTS = {
    "XDG absolute": {"XDG_CONFIG_HOME": "/x/conf", "XDG_CACHE_HOME": "/x/cache/", "XDG_DATA_HOME": "/x//data"},
    "XDG relative": {"XDG_CONFIG_HOME": "rel/conf", "XDG_CACHE_HOME": "./c", "XDG_DATA_HOME": "d"},
    "XDG empty": {"XDG_CONFIG_HOME": "", "XDG_CACHE_HOME": "", "XDG_DATA_HOME": ""},
    "HOME only": {},
    "HOME with a slash": {"HOME": "/home/anna/"},
    "HOME is /": {"HOME": "/"},
    "HOME relative": {"HOME": "anna"},
    "no HOME": {"HOME": None},
}


@pytest.mark.parametrize("name", list(ENVIRONMENTS))
def test_the_user_folders_are_the_ones_platformdirs_gives(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    from dso_calamiteit import APP
    from dso_calamiteit.adapters import userdirs

    for variable in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", "/home/anna")
    for variable, value in ENVIRONMENTS[name].items():
        if value is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, value)
    for kind in ("config", "cache", "data"):
        assert userdirs.user_path(kind) == getattr(platformdirs, f"user_{kind}_path")(APP), kind


def test_the_collector_is_off_for_the_start_up_and_on_again_for_the_command() -> None:
    """cli.entry holds the cyclic garbage collector off while Typer, the CLI and the command's module load and
    the command is built (tens of collections walked those objects again and again); just before the command
    runs, what the start-up made is frozen out of the collector and the collector is on again, its youngest
    generation collected every process.YOUNG_THRESHOLD new objects: a command that runs until it is stopped
    (web, monitor, oproep --bewaak, log --volg) still collects the garbage cycles it makes."""
    program = (
        "import gc, json, sys\n"
        "from dso_calamiteit.adapters import process\n"
        "seen = []  # collections while the start-up holds the collector off (before it: this program's own)\n"
        "gc.callbacks.append(lambda phase, info: seen.append(1) if phase == 'start' and process.START_PAUSED[0] "
        "else None)\n"
        "sys.argv = ['calamiteit', 'contacts', 'iplo', '--json']\n"
        "real, state = process.start_done, {}\n"
        "def done():\n"
        "    state.update(before=len(seen), paused=process.START_PAUSED[0], was_on=gc.isenabled())\n"
        "    real()\n"
        "    state.update(on=gc.isenabled(), frozen=gc.get_freeze_count(), still_paused=process.START_PAUSED[0])\n"
        "    young = []  # a long-running command (web, monitor, --bewaak, log --volg) makes cycles: collected\n"
        "    gc.callbacks.append(lambda phase, info: young.append(1) if phase == 'start' else None)\n"
        "    for _ in range(process.YOUNG_THRESHOLD * 3):\n"
        "        cycle = []\n"
        "        cycle.append(cycle)\n"
        "    state.update(threshold=gc.get_threshold()[0], collected=len(young))\n"
        "process.start_done = done\n"
        "from dso_calamiteit.cli.entry import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as ended:\n"
        "    sys.stderr.write('EXIT %s STATE %s' % (ended.code, json.dumps(state)))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], env=dict(os.environ), capture_output=True, text=True,
                          check=False)
    exit_code, _, state = done.stderr.rpartition("EXIT ")[2].partition(" STATE ")
    assert exit_code == "0", done.stderr[-2000:]
    found = json.loads(state)
    assert found["before"] == 0 and found["paused"] and not found["was_on"]  # no collection during the start-up
    assert found["on"] and not found["still_paused"] and found["frozen"] > 1000  # on for the command, start frozen
    # the youngest generation collected every YOUNG_THRESHOLD new objects, not every 700: still collected
    assert found["threshold"] == process.YOUNG_THRESHOLD >= 10_000
    assert 2 <= found["collected"] <= 4


def test_the_holidays_are_read_once_per_process_and_from_a_utf8_file(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    """`assess` asks for the Dutch holidays twice (now, and the week ahead); the kept dates are read once. The
    file is read as UTF-8, which needs no codec of its own (ASCII's was imported for this one file)."""
    from datetime import date

    from dso_calamiteit.adapters import holidays

    monkeypatch.setenv("CALAMITEIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(holidays, "_READ", {})
    first = holidays.dutch_holidays(2026, 2027)
    assert date(2026, 12, 25) in first and date(2027, 4, 27) in first  # Kerstmis, Koningsdag
    kept = list(tmp_path.glob("holidays-nl-2026-2027-*.txt"))
    assert len(kept) == 1
    kept[0].write_text("2026-01-02\n", encoding="utf-8")  # a change now is not read again in this process
    assert holidays.dutch_holidays(2026, 2027) is first
    monkeypatch.setattr(holidays, "_READ", {})  # a new process reads the file
    assert holidays.dutch_holidays(2026, 2027) == frozenset({date(2026, 1, 2)})
