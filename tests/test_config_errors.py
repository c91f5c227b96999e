"""Bad configuration: every case ends in `file:line:column: what is wrong`, exit 3, never a traceback."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dso_calamiteit.adapters import config
from dso_calamiteit.domain import exitcodes
from dso_calamiteit.domain.errors import ConfigError

from .conftest import Invoke

MakeConfig = Callable[..., Path]


def problems_of(calamiteit: Invoke, folder: Path) -> list[str]:
    result = calamiteit("check", "--config-dir", str(folder))
    assert result.code == exitcodes.CONFIG, result.out + result.err
    assert "Traceback" not in result.out + result.err
    return [line for line in result.out.splitlines() if re.match(r"^\S+\.yaml:\d+(:\d+)?: ", line)]


def one_problem(calamiteit: Invoke, folder: Path, kind: str, line: int, *phrases: str) -> str:
    found = problems_of(calamiteit, folder)
    name = config.FILES[kind]
    assert found, "no located problem printed"
    hit = [p for p in found if p.split(":")[0].endswith(name) and p.split(":")[1] == str(line)]
    assert hit, f"no problem at {name}:{line} in {found}"
    for phrase in phrases:
        assert phrase in hit[0], hit[0]
    return hit[0]


def test_shipped_files_are_valid(calamiteit: Invoke) -> None:
    result = calamiteit("check")
    assert result.code == 0, result.out
    assert "Alles in orde" in result.out
    assert result.out.count("standaard") == len(config.FILES)


def test_yaml_syntax_error(calamiteit: Invoke, make_config: MakeConfig) -> None:
    folder = make_config(contacts="organisations:\n  - id: a\n    name: [unclosed\ncontacts: []\n")
    # the place to change: the "[" left open on line 3, not line 4 where PyYAML gave up
    one_problem(calamiteit, folder, "contacts", 3, "YAML-fout: de [ die hier begint wordt niet gesloten")


def test_empty_file(calamiteit: Invoke, make_config: MakeConfig) -> None:
    folder = make_config(criteria="")
    one_problem(calamiteit, folder, "criteria", 1, "leeg")


def test_comment_only_file_is_empty_too(calamiteit: Invoke, make_config: MakeConfig) -> None:
    folder = make_config(routing="# nothing here yet\n")
    one_problem(calamiteit, folder, "routing", 1, "leeg")


def test_not_utf8(calamiteit: Invoke, make_config: MakeConfig) -> None:
    folder = make_config()
    (folder / "contacts.yaml").write_bytes(b"organisations:\n  - id: x\n    name: Provinci\xebn\n")
    line = one_problem(calamiteit, folder, "contacts", 3, "UTF-8")
    assert line.split(":")[2] == "19"


def test_wrong_type(calamiteit: Invoke, make_config: MakeConfig, shipped: Path) -> None:
    text = (shipped / "criteria.yaml").read_text(encoding="utf-8").replace("threshold: 1", "threshold: veel", 1)
    folder = make_config(criteria=text)
    line_no = text.splitlines().index("    threshold: veel") + 1
    one_problem(calamiteit, folder, "criteria", line_no, "geheel getal", "veel")


def test_unknown_key_suggests_the_right_one(calamiteit: Invoke, make_config: MakeConfig) -> None:
    folder = make_config(
        contacts="""\
        organisations:
          - id: dso-lv
            name: DSO-LV
        contacts:
          - org: dso-lv
            role: Servicedesk
            tier: operationeel
            phnoe: "+31 00 0000 0000"
        """
    )
    one_problem(calamiteit, folder, "contacts", 8, "onbekend veld 'phnoe'", "Bedoelde u 'phone'?")


def test_duplicate_criterion_ids(calamiteit: Invoke, make_config: MakeConfig, shipped: Path) -> None:
    text = (shipped / "criteria.yaml").read_text(encoding="utf-8")
    text = text.replace("- id: pers-en-media", "- id: snelle-besluitvorming")
    folder = make_config(criteria=text)
    line_no = [i for i, t in enumerate(text.splitlines(), 1) if "id: snelle-besluitvorming" in t][1]
    one_problem(calamiteit, folder, "criteria", line_no, "dubbele criterium-id 'snelle-besluitvorming'")


def test_level_without_criteria(calamiteit: Invoke, make_config: MakeConfig) -> None:
    folder = make_config(
        criteria="""\
        definition:
          text: Een definitie.
        levels:
          - level: 0
            name: Basis
            team: Serviceketen
          - level: 1
            name: Niveau 1
            team: OCT
        """
    )
    one_problem(calamiteit, folder, "criteria", 7, "geen criteria")


@pytest.mark.parametrize("threshold", ["0", "6", "-1"])
def test_threshold_out_of_range(calamiteit: Invoke, make_config: MakeConfig, shipped: Path, threshold: str) -> None:
    text = (shipped / "criteria.yaml").read_text(encoding="utf-8").replace("threshold: 1", f"threshold: {threshold}", 1)
    folder = make_config(criteria=text)
    line_no = text.splitlines().index(f"    threshold: {threshold}") + 1
    one_problem(calamiteit, folder, "criteria", line_no, "drempel", "tussen 1 en 5")


def test_route_to_unknown_organisation(calamiteit: Invoke, make_config: MakeConfig, shipped: Path) -> None:
    text = (shipped / "config/routing.yaml").read_text(encoding="utf-8").replace("to: [iplo]", "to: [ipl0]")
    folder = make_config(routing=text)
    line_no = text.splitlines().index("    to: [ipl0]") + 1
    one_problem(calamiteit, folder, "routing", line_no, "onbekende organisatie 'ipl0'", "Bedoelde u 'iplo'?")


def test_contact_of_unknown_organisation(calamiteit: Invoke, make_config: MakeConfig, shipped: Path) -> None:
    text = (shipped / "contacts.yaml").read_text(encoding="utf-8").replace("    org: uvw", "    org: unie")
    folder = make_config(contacts=text)
    line_no = text.splitlines().index("    org: unie") + 1
    one_problem(calamiteit, folder, "contacts", line_no, "onbekende organisatie 'unie'")


def test_duplicate_yaml_key(calamiteit: Invoke, make_config: MakeConfig) -> None:
    folder = make_config(
        contacts="""\
        organisations:
          - id: dso-lv
            name: DSO-LV
            name: Landelijke Voorziening
        """
    )
    one_problem(calamiteit, folder, "contacts", 4, "dubbele sleutel 'name'")


def test_wrong_tier_lists_the_choices(calamiteit: Invoke, make_config: MakeConfig) -> None:
    folder = make_config(
        contacts="""\
        organisations: [{id: dso-lv, name: DSO-LV}]
        contacts:
          - {org: dso-lv, role: Servicedesk, tier: operationaal}
        """
    )
    one_problem(calamiteit, folder, "contacts", 3, "'operationeel'", "operationaal")


def test_top_level_must_be_a_mapping(calamiteit: Invoke, make_config: MakeConfig) -> None:
    folder = make_config(routing="- een\n- lijst\n")
    one_problem(calamiteit, folder, "routing", 1, "mapping")


def test_every_problem_in_every_file_at_once(calamiteit: Invoke, make_config: MakeConfig, shipped: Path) -> None:
    contacts = (shipped / "contacts.yaml").read_text(encoding="utf-8").replace("    org: uvw", "    org: unie")
    folder = make_config(criteria="", contacts=contacts, routing="routes: [\n")
    found = problems_of(calamiteit, folder)
    assert {p.split(":")[0].split("/")[-1] for p in found} >= {
        "criteria.yaml",
        "contacts.yaml",
        "routing.yaml",
    }


def test_other_commands_name_the_first_problem_and_point_to_check(calamiteit: Invoke, make_config: MakeConfig) -> None:
    folder = make_config(criteria="levels: 3\ndefinition: {}\n", routing="")
    result = calamiteit("criteria", "--config-dir", str(folder))
    assert result.code == exitcodes.CONFIG
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 2
    assert "criteria.yaml:" in lines[0]
    assert "calamiteit check" in lines[1]
    # a file a command does not read never stops it (issue 23): contacts reads neither criteria nor routing
    assert calamiteit("contacts", "iplo", "--config-dir", str(folder)).code == 0


def test_alias_bomb_is_refused_quickly(calamiteit: Invoke, make_config: MakeConfig) -> None:
    bomb = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        bomb.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    folder = make_config(contacts="\n".join(bomb) + "\norganisations: *a9\n")
    started = time.monotonic()
    found = problems_of(calamiteit, folder)
    assert time.monotonic() - started < 10
    assert any("aliassen" in p for p in found), found


def test_recursive_alias_is_refused(calamiteit: Invoke, make_config: MakeConfig) -> None:
    folder = make_config(contacts="organisations: &loop [*loop]\n")
    assert any("alias" in p or "YAML-fout" in p for p in problems_of(calamiteit, folder))


def test_file_of_several_megabytes_loads(calamiteit: Invoke, make_config: MakeConfig, shipped: Path) -> None:
    head = (shipped / "contacts.yaml").read_text(encoding="utf-8")
    extra = "".join(
        f"  - org: gemeenten\n    role: Servicedesk gemeente {i}\n    tier: operationeel\n"
        f'    phone: "+31 00 {i:08d}"\n    email: desk{i}@gemeente{i}.example.nl\n'
        f"    notes: Verzonnen contactpunt nummer {i} voor de belasting van het bestand.\n"
        f"    tags: [gemeente, servicedesk, test]\n"
        for i in range(25_000)
    )
    folder = make_config(contacts=head + extra)
    assert (folder / "contacts.yaml").stat().st_size > 5_000_000
    result = calamiteit("contacts", "gemeente 24999", "--json", "--config-dir", str(folder))
    assert result.code == 0, result.err
    assert '"Servicedesk gemeente 24999"' in result.out


def test_unreadable_config_dir_is_a_usage_error(calamiteit: Invoke, tmp_path: Path) -> None:
    result = calamiteit("check", "--config-dir", str(tmp_path / "nope"))
    assert result.code == exitcodes.USAGE
    assert "bestaat niet" in result.err


def test_load_raises_config_error_with_all_problems(make_config: MakeConfig) -> None:
    folder = make_config(criteria="levels: 3\ndefinition: {}\n")
    loaded = config.load(config.locate(folder), use_cache=False)  # a file with problems stops who reads it
    with pytest.raises(ConfigError) as caught:
        loaded.criteria  # noqa: B018
    assert loaded.contacts.contacts  # the others still read
    messages = [p.message for p in caught.value.problems]
    assert any("'levels' moet een lijst zijn" in m for m in messages), messages
    assert any("verplicht veld 'text' ontbreekt" in m for m in messages), messages


def test_cadence_for_an_unknown_level(calamiteit: Invoke, make_config: MakeConfig) -> None:
    folder = make_config(reporting="cadence:\n  - level: 7\n    every_minutes: 0\n")
    found = problems_of(calamiteit, folder)
    assert any(":2:" in p and "niveau 7 bestaat niet" in p for p in found), found
    assert any(":3:" in p and "0 minuten valt buiten" in p for p in found), found
