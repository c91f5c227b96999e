"""Scripted use: flags, answers files, the JSON documents, exit codes, and the other commands."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from dso_calamiteit import __version__
from dso_calamiteit.adapters import config
from dso_calamiteit.domain import exitcodes

from .conftest import DATA, Invoke, all_answers


def assess_json(calamiteit: Invoke, *args: str) -> dict:
    result = calamiteit("assess", "--no-input", "--json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)


def with_answers(yes: list[str], base: str = "nee") -> list[str]:
    args = all_answers(base)
    for ident in yes:
        args += ["--answer", f"{ident}=ja"]
    return args


def test_version(calamiteit: Invoke) -> None:
    result = calamiteit("--version")
    assert (result.code, result.out.strip()) == (0, f"calamiteit {__version__}")


GROUPS = {
    "incident": ["open", "list", "show", "close", "verify", "export", "import"],
    "db": ["upgrade", "copy"],
    "gebruik": ["import"],
}
TOP = ["assess", "contacts", "criteria", "routes", "check", "schema", "log", "niveau", "acties", "actie", "rapport",
       "monitor", "paraatheid", "team", "oproep", "bevestig", "overzicht", "web", *GROUPS]
COMMANDS = [c for c in TOP if c not in GROUPS] + [f"{g} {sub}" for g, subs in GROUPS.items() for sub in subs]


def listed_commands(help_text: str) -> list[str]:
    """The names in the "Commando's" panel of a --help, each a whole word at the start of its row."""
    panel = help_text[help_text.index("Commando's"):]
    return re.findall(r"^│ (\S+) {2,}", panel, flags=re.MULTILINE)


@pytest.mark.parametrize("group", [None, *GROUPS])
def test_the_command_list_is_complete(calamiteit: Invoke, group: str | None) -> None:
    """Every command, the ones registered only when asked for included, listed by its exact name and nothing
    else (a name inside a longer one, "log" in "logboek", does not count)."""
    result = calamiteit(*([group] if group else []), "--help")
    assert result.code == 0
    # sorted: in one process the order is that of registration, which earlier tests in this process change
    assert sorted(listed_commands(result.out)) == sorted(GROUPS[group] if group else TOP)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(calamiteit: Invoke, command: str) -> None:
    """The help is the command's own (its usage line) and ends in an example that runs that very command."""
    result = calamiteit(*command.split(), "--help")
    assert result.code == 0
    text = " ".join(result.out.split())
    assert f"Gebruik: calamiteit {command} [OPTIES]" in text  # the usage line in Dutch (issue 23)
    example = text[text.index("Voorbeeld"):].split("╭")[0]  # up to the first panel
    assert f"calamiteit {command} " in example, example


def test_json_document_of_an_assessment(calamiteit: Invoke) -> None:
    doc = assess_json(
        calamiteit,
        *with_answers(["snelle-besluitvorming", "coordinatie-meerdere-partijen"]),
        "--current",
        "0",
    )
    assert doc["schema_version"] == 1 and doc["kind"] == "assessment"
    assert (doc["level"], doc["team"]) == (1, "OCT")
    assert doc["answers"]["snelle-besluitvorming"] is True
    assert doc["answers"]["pers-en-media"] is False
    assert len(doc["answers"]) == 14
    assert [(t["id"], t["level"]) for t in doc["triggered"]] == [
        ("snelle-besluitvorming", 1),
        ("coordinatie-meerdere-partijen", 1),
    ]
    assert doc["advice"]["action"] == "opschalen"
    assert doc["advice"]["current"] == 0 and doc["advice"]["recommended"] == 1
    route_ids = [r["id"] for r in doc["routing"]]
    assert "opschalen" in route_ids and "crisiscommunicatie-operationeel" in route_ids
    orgs = {c["org"] for c in doc["contacts"]}
    assert {"dso-lv", "iplo", "leveranciersmanagement"} <= orgs
    assert all(c["phone"] or c["email"] for c in doc["contacts"])


def test_base_level_routes_only_the_service_chain(calamiteit: Invoke) -> None:
    doc = assess_json(calamiteit, *with_answers([]))
    assert (doc["level"], doc["advice"]) == (0, None)
    assert [r["id"] for r in doc["routing"]] == [
        "incidenten",
        "verstoring-dso-lv",
        "verstoring-lokale-software",
    ]


def test_situation_narrows_the_routing(calamiteit: Invoke) -> None:
    doc = assess_json(calamiteit, *with_answers([]), "--situatie", "lokale-software")
    assert [r["id"] for r in doc["routing"]] == ["incidenten", "verstoring-lokale-software"]
    optional = {c["org"] for c in doc["contacts"] if c["optional"]}
    assert optional == {"iplo", "leveranciersmanagement"}


def test_crisis_communication_goes_per_tier(calamiteit: Invoke) -> None:
    doc = assess_json(calamiteit, *with_answers(["politiek-bestuurlijke-onrust"]), "--situatie", "dso-lv")
    lvm = [c for c in doc["contacts"] if c["org"] == "leveranciersmanagement"]
    assert lvm and {c["tier"] for c in lvm} <= {"tactisch", "strategisch"}


@pytest.mark.parametrize(
    "word,expected",
    [
        ("ja", True),
        ("Yes", True),
        ("j", True),
        ("true", True),
        ("nee", False),
        ("NO", False),
        ("n", False),
        ("false", False),
    ],
)
def test_answer_words(calamiteit: Invoke, word: str, expected: bool) -> None:
    doc = assess_json(calamiteit, *all_answers(), "--answer", f"pers-en-media={word}")
    assert doc["answers"]["pers-en-media"] is expected


def test_exit_level(calamiteit: Invoke) -> None:
    assert calamiteit("assess", *with_answers(["herstelstrategie"]), "--exit-level", "--json").code == 12
    assert calamiteit("assess", *with_answers([]), "--exit-level", "--json").code == exitcodes.LEVEL_BASE


def test_missing_answers_without_terminal_list_the_ids(calamiteit: Invoke) -> None:
    result = calamiteit("assess", "--answer", "pers-en-media=ja")
    assert result.code == exitcodes.USAGE
    assert "geen antwoord op 13 criteria" in result.err
    assert "serviceketen-ontoereikend" in result.err and "pers-en-media," not in result.err
    assert result.out == ""


def test_unknown_id_suggests_the_nearest(calamiteit: Invoke) -> None:
    result = calamiteit("assess", "--no-input", "--answer", "pers-en-medai=ja")
    assert result.code == exitcodes.USAGE
    assert "onbekend criterium 'pers-en-medai'" in result.err
    assert "Bedoelde u 'pers-en-media'?" in result.err


def test_bad_answer_value(calamiteit: Invoke) -> None:
    result = calamiteit("assess", "--no-input", "--answer", "pers-en-media=misschien")
    assert result.code == exitcodes.USAGE and "'misschien' is geen antwoord" in result.err


def test_answer_without_equals(calamiteit: Invoke) -> None:
    result = calamiteit("assess", "--no-input", "--answer", "pers-en-media")
    assert result.code == exitcodes.USAGE and "ID=ja" in result.err


def test_unknown_current_level(calamiteit: Invoke) -> None:
    result = calamiteit("assess", *all_answers(), "--current", "5")
    assert result.code == exitcodes.USAGE and "kies uit 0, 1, 2" in result.err


def test_unknown_situation(calamiteit: Invoke) -> None:
    result = calamiteit("assess", *all_answers(), "--situatie", "lokale-sofware")
    assert result.code == exitcodes.USAGE and "Bedoelde u 'lokale-software'?" in result.err


def test_answers_file_yaml_with_yaml11_words(calamiteit: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "antwoorden.yaml"
    lines = [f"{a.split('=')[0]}: no" for a in all_answers()[1::2]]
    path.write_text("\n".join(lines).replace("pers-en-media: no", "pers-en-media: yes") + "\n")
    doc = assess_json(calamiteit, "--answers", str(path))
    assert doc["level"] == 2 and doc["answers"]["pers-en-media"] is True


def test_flags_override_the_answers_file(calamiteit: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({a.split("=")[0]: "ja" for a in all_answers()[1::2]}))
    doc = assess_json(calamiteit, "--answers", str(path), *all_answers("nee"))
    assert doc["level"] == 0


def test_answers_file_can_be_an_earlier_json_document(calamiteit: Invoke, tmp_path: Path) -> None:
    first = calamiteit("assess", "--json", *with_answers(["doorzettingsmacht"]))
    path = tmp_path / "vorige.json"
    path.write_text(first.out)
    doc = assess_json(calamiteit, "--answers", str(path), "--current", "1")
    assert doc["advice"]["action"] == "handhaven"


def test_bad_answers_file_names_file_and_line(calamiteit: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("pers-en-media: ja\nherstelstrategie: soms\n")
    result = calamiteit("assess", "--no-input", "--answers", str(path))
    assert result.code == exitcodes.USAGE
    assert f"{path}:2:" in result.err and "'soms'" in result.err


PLAIN_ANSWERS_RUN = """
import sys
from dso_calamiteit.cli import root
code = root.run(["assess", "--no-input", "--json", "--answers", sys.argv[1]])
print(code, "yaml" in sys.modules, "ryml" in sys.modules, file=sys.stderr)
"""


@pytest.mark.parametrize("form", ["yaml", "json", "json of assess"])
def test_a_plain_answers_file_is_read_without_a_yaml_library(
    calamiteit: Invoke, tmp_path: Path, form: str
) -> None:
    """Issue 27: `assess --answers FILE` at shipped size within 1.3x its floor: a plain file (id: ja a line, or
    JSON) loads neither PyYAML nor rapidyaml, and gives the very document the flags give."""
    import subprocess
    import sys

    flags = with_answers(["pers-en-media", "herstelstrategie"])
    expected = assess_json(calamiteit, *flags)
    pairs = dict(a.split("=") for a in flags[1::2])
    path = tmp_path / "antwoorden"
    if form == "yaml":
        path.write_text("# antwoorden\n" + "".join(f"{k}: {v}  # x\n" for k, v in pairs.items()), encoding="utf-8")
    elif form == "json":
        path.write_text(json.dumps(pairs), encoding="utf-8")
    else:
        path.write_text(calamiteit("assess", "--json", *flags).out, encoding="utf-8")
    assert assess_json(calamiteit, "--answers", str(path)) == expected
    done = subprocess.run([sys.executable, "-c", PLAIN_ANSWERS_RUN, str(path)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0 and json.loads(done.stdout) == expected
    assert done.stderr.strip().splitlines()[-1] == "0 False False", done.stderr


@pytest.mark.parametrize(
    "text,said",
    [
        ("pers-en-media: ja\npers-en-media: nee\n", "pers-en-media"),  # a duplicate: the YAML loader says where
        ("pers-en-media: ja\nherstelstrategie: ~\n", ":2:"),  # null is no answer, named by its line
        ('{"pers-en-media": "ja", "pers-en-media": "nee"}', "pers-en-media"),
    ],
)
def test_an_answers_file_that_is_not_plain_still_gets_its_message(
    calamiteit: Invoke, tmp_path: Path, text: str, said: str
) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    result = calamiteit("assess", "--no-input", "--answers", str(path))
    assert result.code == exitcodes.USAGE and said in result.err and "Traceback" not in result.err


def test_json_is_compact_for_a_script_and_indented_when_asked(calamiteit: Invoke, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 27: JSON for a script is one line (Python's fast encoder; `assess --json` on 10,000 contacts spent
    most of its time indenting); a terminal, or CALAMITEIT_JSON_INDENT=2, gets it indented: the same document."""
    compact = calamiteit("assess", "--json", *all_answers())
    assert compact.code == 0 and len(compact.out.strip().splitlines()) == 1
    monkeypatch.setenv("CALAMITEIT_JSON_INDENT", "2")
    indented = calamiteit("assess", "--json", *all_answers())
    assert len(indented.out.strip().splitlines()) > 20 and '\n  "kind": "assessment"' in indented.out
    assert json.loads(indented.out) == json.loads(compact.out)
    # the same keys in the same order and the same values, byte for byte; for a script without the blanks
    # after ',' and ':' (second pass of issue 27)
    same = json.dumps(json.loads(indented.out), ensure_ascii=False, separators=(",", ":"))
    assert compact.out.strip() == same and '"kind":"assessment"' in compact.out
    contacts = json.loads(compact.out)["contacts"]
    assert contacts and all(
        list(c) == ["org", "org_name", "role", "name", "tier", "phone", "email", "notes", "tags", "route", "optional"]
        for c in contacts
    )



def test_an_export_file_is_compact_unless_asked(calamiteit: Invoke, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An export is a file for another logbook: its form does not depend on the terminal, compact unless
    CALAMITEIT_JSON_INDENT asks; both read back the same."""
    import sys

    incident = calamiteit("incident", "open", "Storing").out.strip()
    compact, indented = tmp_path / "a.json", tmp_path / "b.json"
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)  # as at a terminal: a document on stdout is indented
    assert len(calamiteit("assess", "--json", *all_answers()).out.splitlines()) > 20
    assert calamiteit("incident", "export", incident, "-o", str(compact)).code == 0
    monkeypatch.setenv("CALAMITEIT_JSON_INDENT", "2")
    assert calamiteit("incident", "export", incident, "-o", str(indented)).code == 0
    assert len(compact.read_text().splitlines()) == 1 and len(indented.read_text().splitlines()) > 10
    assert json.loads(compact.read_text()) == json.loads(indented.read_text())


def test_missing_answers_file(calamiteit: Invoke, tmp_path: Path) -> None:
    result = calamiteit("assess", "--no-input", "--answers", str(tmp_path / "weg.yaml"))
    assert result.code == exitcodes.USAGE and "weg.yaml" in result.err


def test_tables_go_to_stdout_and_name_level_and_team(calamiteit: Invoke) -> None:
    result = calamiteit("assess", *with_answers(["langdurig-stilleggen"]), "--current", "1")
    assert result.code == 0
    for text in (
        "Niveau 2",
        "SCT",
        "Advies: opschalen",
        "Routering",
        "Nu bellen",
        "Alle contacten langs deze lijnen",
        "Leveranciersmanagement",
    ):
        assert text in result.out
    assert "\x1b[" not in result.out  # no colour when not on a terminal
    assert result.err == ""


def test_grip_ladder_through_the_cli(calamiteit: Invoke) -> None:
    result = calamiteit(
        "assess",
        "--config-dir",
        str(DATA / "grip"),
        "--no-input",
        "--json",
        "--exit-level",
        "--answer",
        "bron-beperkt=ja",
        "--answer",
        "meerdere-diensten=ja",
        "--answer",
        "plaats-incident=nee",
        "--answer",
        "effectgebied=ja",
        "--answer",
        "welzijn-bevolking=nee",
        "--answer",
        "meerdere-gemeenten=nee",
        "--answer",
        "bestuurlijke-coordinatie=nee",
    )
    assert result.code == exitcodes.LEVEL_BASE + 2, result.err
    doc = json.loads(result.out)
    assert (doc["level"], doc["name"], doc["team"]) == (2, "GRIP 2", "ROT")
    criteria = json.loads(calamiteit("criteria", "--json", "--config-dir", str(DATA / "grip")).out)
    assert [lv["team"] for lv in criteria["levels"]] == ["Meldkamer", "CoPI", "ROT", "GBT", "RBT"]


# --- contacts ------------------------------------------------------------------------------------------


def contacts_json(calamiteit: Invoke, *args: str) -> list[dict]:
    result = calamiteit("contacts", *args, "--json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["kind"] == "contacts" and doc["count"] == len(doc["contacts"])
    return doc["contacts"]


def test_contacts_search_ignores_case_and_accents(calamiteit: Invoke) -> None:
    found = contacts_json(calamiteit, "PROVINCIEN")
    assert {c["org"] for c in found} == {"provincies", "ipo"}


def test_contacts_search_all_words_must_match(calamiteit: Invoke) -> None:
    found = contacts_json(calamiteit, "iplo woordvoering")
    assert [c["name"] for c in found] == ["Eva Smit"]


def test_contacts_filters(calamiteit: Invoke) -> None:
    assert {c["tier"] for c in contacts_json(calamiteit, "--tier", "strategisch")} == {"strategisch"}
    assert {c["org"] for c in contacts_json(calamiteit, "--org", "iplo")} == {"iplo"}
    found = contacts_json(calamiteit, "--org", "dso-lv", "--tier", "tactisch", "--tier", "strategisch")
    assert [c["role"] for c in found] == ["Voorzitter OCT", "Voorzitter SCT", "Voorzitter OCT"]


def test_contacts_no_match(calamiteit: Invoke) -> None:
    result = calamiteit("contacts", "brandweer")
    assert result.code == exitcodes.FAILURE
    assert result.out == "" and "geen contact gevonden voor 'brandweer'" in result.err


def test_contacts_unknown_org_and_tier(calamiteit: Invoke) -> None:
    result = calamiteit("contacts", "--org", "ipl")
    assert result.code == exitcodes.USAGE and "Bedoelde u 'iplo'?" in result.err
    result = calamiteit("contacts", "--tier", "tactish")
    assert result.code == exitcodes.USAGE and "Bedoelde u 'tactisch'?" in result.err


def test_contacts_table(calamiteit: Invoke) -> None:
    result = calamiteit("contacts", "oct")
    assert result.code == 0
    assert "Bram Jansen" in result.out and "+31 00 0000 0103" in result.out


# --- criteria, routes, schema, check --------------------------------------------------------------------


def test_criteria_json_and_table(calamiteit: Invoke) -> None:
    doc = json.loads(calamiteit("criteria", "--json").out)
    assert [len(lv["criteria"]) for lv in doc["levels"]] == [0, 5, 9]
    assert doc["levels"][1]["threshold"] == 1
    table = calamiteit("criteria").out
    assert "Politiek-bestuurlijke onrust" in table and "OCT" in table


def test_routes_json_and_table(calamiteit: Invoke) -> None:
    doc = json.loads(calamiteit("routes", "--json").out)
    crisis = [r for r in doc["routes"] if r["when"] == "Bij calamiteiten / crisis communicatie"]
    assert {tuple(r["tiers"]): tuple(r["to"]) for r in crisis} == {
        ("strategisch", "tactisch"): ("leveranciersmanagement",),
        ("operationeel",): ("iplo", "dso-lv"),
    }
    table = calamiteit("routes").out
    assert "Verstoringen in lokale software" in table and "--situatie lokale-software" in table


@pytest.mark.parametrize("kind", sorted(config.FILES))
def test_schema_matches_the_committed_file(calamiteit: Invoke, kind: str) -> None:
    """The shipped YAML files point editors at schemas/; those files must be what the code generates."""
    result = calamiteit("schema", kind)
    assert result.code == 0
    committed = Path(__file__).resolve().parent.parent / "schemas" / f"{kind}.schema.json"
    assert json.loads(result.out) == json.loads(committed.read_text(encoding="utf-8"))


def test_schema_of_everything_and_unknown_kind(calamiteit: Invoke) -> None:
    assert set(json.loads(calamiteit("schema").out)) == set(config.FILES)
    result = calamiteit("schema", "contact")
    assert result.code == exitcodes.USAGE and "Bedoelde u 'contacts'?" in result.err


def test_check_json(calamiteit: Invoke, make_config: Callable[..., Path]) -> None:
    folder = make_config(criteria="")
    result = calamiteit("check", "--json", "--config-dir", str(folder))
    assert result.code == exitcodes.CONFIG
    doc = json.loads(result.out)
    assert doc["valid"] is False
    assert doc["problems"][0]["line"] == 1 and doc["problems"][0]["file"].endswith("criteria.yaml")
    assert {f["origin"] for f in doc["files"]} == {"--config-dir"}


def test_unknown_option_is_a_usage_error(calamiteit: Invoke) -> None:
    result = calamiteit("contacts", "--bogus")
    assert result.code == exitcodes.USAGE
    assert "--bogus" in result.err and "Traceback" not in result.err


def test_internal_error_has_no_traceback(calamiteit: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object) -> None:
        raise RuntimeError("kapot")

    monkeypatch.setattr("dso_calamiteit.app.configuration.load", boom)
    result = calamiteit("criteria")
    assert result.code == exitcodes.FAILURE
    assert "interne fout: RuntimeError: kapot" in result.err and "Traceback" not in result.err
