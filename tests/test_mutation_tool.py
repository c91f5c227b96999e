"""The mutation tool (tools/mutate.py) still aims at what it names: every module and test it lists exists, and its
SQL mutants include each trigger and the documented REVOKE (a renamed file or a reworded block would otherwise make
`--sql` mutate nothing and report a perfect score)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def mutate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutate", REPO / "tools" / "mutate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_listed_module_and_test_exists(mutate: ModuleType) -> None:
    for module, tests in mutate.MODULES.items():
        assert (REPO / mutate.PACKAGE / module).is_file(), module
        for test in tests:
            assert (REPO / test).is_file(), test
    for test in mutate.SQL_TESTS:
        assert (REPO / test).is_file(), test


def test_the_sql_mutants_cover_every_trigger_and_the_documented_revoke(mutate: ModuleType) -> None:
    mutants = mutate.sql_mutants()
    left_out = {(file.rsplit("/", 1)[-1], what) for file, _, _, _, what in mutants if what.startswith("left out")}
    for file in ("sqlite.py", "postgres.py"):
        source = (REPO / mutate.PACKAGE / "adapters" / "stores" / file).read_text(encoding="utf-8")
        for trigger in set(re.findall(r"CREATE TRIGGER (\w+)", source)):
            assert any(f"CREATE TRIGGER {trigger} " in what for f, what in left_out if f == file), (file, trigger)
    assert any(what.startswith("left out: REVOKE DELETE") for f, what in left_out if f == "shared-logbook.md")
    # Each mutant changes the text it claims to and nothing else.
    for file, start, end, new, what in mutants:
        text = (REPO / file).read_text(encoding="utf-8")
        assert text[start:end] != new, what
        if not what.startswith("left out"):
            assert text[start:end].strip() in what, what


def test_the_sql_mutants_are_of_the_guard_in_force(mutate: ModuleType) -> None:
    """A trigger function that a later migration replaces never runs after `db upgrade`: its mutants would
    survive whatever the tests do. Only the last version of each function is mutated, the replacing ones too."""
    mutants = [m for m in mutate.sql_mutants() if m[0].endswith("postgres.py") and not m[4].startswith("left out")]
    source = (REPO / mutate.PACKAGE / "adapters" / "stores" / "postgres.py").read_text(encoding="utf-8")
    for function in ("entry_stored", "incident_follows"):
        last = source.rindex(f"CREATE OR REPLACE FUNCTION calamiteit.{function}()")
        mutated = [start for _, start, _, _, what in mutants if f"calamiteit.{function}()" in what]
        assert mutated and all(start > last for start in mutated), function
    assert not any(" OR REPLACE" in source[start - 12 : start + 12] for _, start, _, _, _ in mutants)


def test_equivalent_mutants_each_say_why(mutate: ModuleType) -> None:
    for name, why in mutate.equivalents().items():
        assert name and len(why) > 10, (name, why)


def test_only_a_change_of_case_in_sql_is_equivalent_by_rule(mutate: ModuleType) -> None:
    before = '-    sql = "SELECT name FROM check_hours WHERE hour >= ?"'
    assert mutate.sql_case_only(f"{before}\n{before.lower().replace('-', '+', 1)}")
    assert not mutate.sql_case_only(f"{before}\n{before.lower().replace('-', '+', 1).replace('>=', '>')}")
    assert not mutate.sql_case_only('-    "Kies een map"\n+    "KIES EEN MAP"')  # text a person reads is not SQL
    upsert = '-    "up = check_hours.up + excluded.up, run_first = excluded.run_first"'
    assert mutate.sql_case_only(f"{upsert}\n{upsert.upper().replace('-', '+', 1)}")  # a SET list on its own line
    assert not mutate.sql_case_only("")


def test_a_score_counts_only_what_was_judged(mutate: ModuleType, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Equivalents written down after the run count as such when the verdicts are scored again (--rescore); a
    mutant left unchecked by a cut-off run counts against the score, never for it."""
    monkeypatch.setattr(mutate, "diff", lambda folder, mutmut, name: "")
    states = {"m.x_f__mutmut_1": "killed", "m.x_f__mutmut_2": "timeout", "m.x_f__mutmut_3": "survived",
              "m.x_f__mutmut_4": "survived", "m.x_f__mutmut_5": "not checked", "m.x_f__mutmut_6": "no tests"}
    counts, lost = mutate.score("m.py", tmp_path, tmp_path / "mutmut", states, {"m.x_f__mutmut_3": "why"}, "test")
    assert lost == ["m.x_f__mutmut_4", "m.x_f__mutmut_5", "m.x_f__mutmut_6"]
    assert (counts["equivalent"], counts["killed"] + counts["timeout"]) == (1, 2)
    assert capsys.readouterr().out.splitlines()[0] == (
        "m.py: 6 mutants, 2 killed, 1 equivalent, 1 survived, 1 without a test, 1 not checked; score 40.0% of "
        "non-equivalent mutants (test)"
    )
    monkeypatch.setattr(mutate, "STAGING", tmp_path)
    with pytest.raises(SystemExit, match=r"no finished run of domain/dutchtime\.py"):
        mutate.rescore("domain/dutchtime.py", {})
