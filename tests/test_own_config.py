"""A partial configuration of one's own (issue 23): a command needs only the files it reads.

At 02:00 a contact lookup must work with a config folder that holds only one's own contacts.yaml; where one's
own file and a shipped default disagree, the command that reads both says so in one line and still answers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dso_calamiteit.domain import exitcodes

from .conftest import Invoke

OWN_CONTACTS = """\
organisations:
  - id: dso-lv
    name: DSO-LV
    kind: beheer
contacts:
  - id: piet-piket
    org: dso-lv
    role: Piketmedewerker
    name: Piet Piket
    tier: operationeel
    phone: +31 00 0000 0999
    email: piet@dso-lv.example.nl
"""


@pytest.fixture
def own(tmp_path: Path) -> Path:
    folder = tmp_path / "eigen"
    folder.mkdir()
    (folder / "contacts.yaml").write_text(OWN_CONTACTS, encoding="utf-8")
    return folder


@pytest.mark.parametrize("cached", [False, True])
def test_only_ones_own_contacts_is_enough_for_a_lookup(
    calamiteit: Invoke, own: Path, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    if not cached:
        monkeypatch.setenv("CALAMITEIT_NO_CACHE", "1")
    for _ in range(2):  # the second run may come from the cache: it must answer and warn the same
        found = calamiteit("contacts", "piet", "--config-dir", str(own))
        assert found.code == 0, found.err
        assert "Piet Piket" in found.out and "+31 00 0000 0999" in found.out
        assert found.err == ""  # contacts reads no other file: nothing to say
        routes = calamiteit("routes", "--config-dir", str(own))
        assert routes.code == 0, routes.err
        said = [line for line in routes.err.splitlines() if line]
        assert len(said) == 1, routes.err  # one line, naming both files and what to add
        assert "onbekende organisatie 'iplo'" in said[0] and "(en nog " in said[0]
        assert str(own / "contacts.yaml") in said[0] and "config/routing.yaml" in said[0]
        assert "vul " in said[0] and "aan" in said[0]


def test_a_broken_file_stops_only_the_commands_that_read_it(calamiteit: Invoke, own: Path) -> None:
    (own / "config").mkdir()
    (own / "config" / "routing.yaml").write_text("routes: [\n", encoding="utf-8")
    assert calamiteit("contacts", "piet", "--config-dir", str(own)).code == 0
    broken = calamiteit("routes", "--config-dir", str(own))
    assert broken.code == exitcodes.CONFIG and "config/routing.yaml" in broken.err
    checked = calamiteit("check", "--config-dir", str(own))
    assert checked.code == exitcodes.CONFIG and "routing.yaml" in checked.out


def test_ones_own_files_that_disagree_are_an_error_not_a_warning(calamiteit: Invoke, own: Path) -> None:
    (own / "config").mkdir()
    (own / "config" / "routing.yaml").write_text(
        "situations: []\nroutes:\n  - id: x\n    when: Iets\n    to: [iplo]\n", encoding="utf-8"
    )
    assert calamiteit("contacts", "piet", "--config-dir", str(own)).code == 0
    refused = calamiteit("routes", "--config-dir", str(own))
    assert refused.code == exitcodes.CONFIG and "onbekende organisatie 'iplo'" in refused.err


def test_check_names_the_disagreements_and_the_rota_calendar_still_writes(
    calamiteit: Invoke, own: Path, tmp_path: Path
) -> None:
    checked = calamiteit("check", "--config-dir", str(own))
    assert checked.code == 0, checked.out
    assert "waarschuwing: " in checked.out and "config/paraatheid.yaml" in checked.out
    calendar = calamiteit("paraatheid", "--ics", str(tmp_path / "piket.ics"), "--config-dir", str(own))
    assert calendar.code == 0, calendar.err  # the shipped rota names people one's own file lacks: left out


def test_check_json_carries_each_disagreement_by_its_parts(calamiteit: Invoke, own: Path) -> None:
    """`check --json` holds what the human `check` says, and the parts a script needs: the first place, how many
    more, one's own file and the shipped one. Both faces say it once: not again on stderr."""
    import json

    human = calamiteit("check", "--config-dir", str(own))
    found = calamiteit("check", "--json", "--config-dir", str(own))
    assert found.code == human.code == 0, found.err
    assert found.err == "" and human.err == ""  # said in the result, not also as a stderr warning
    doc = json.loads(found.out)
    by_file = {"/".join(Path(d["file"]).parts[-2:]): d for d in doc["disagreements"]}
    assert set(by_file) == {"config/routing.yaml", "config/paraatheid.yaml", "config/teams.yaml"}
    routing = by_file["config/routing.yaml"]
    shipped = Path(routing["file"]).read_text(encoding="utf-8").splitlines()  # as shown: absolute or from here
    assert shipped[routing["line"] - 1][routing["column"] - 1 :].startswith("iplo")  # the place named
    assert routing["message"] == "onbekende organisatie 'iplo'." and routing["more"] >= 1
    assert routing["own"] == str(own / "contacts.yaml") and routing["shipped"] == routing["file"]
    assert routing["instead"] == "config/routing.yaml"
    for d in doc["disagreements"]:  # the human lines, word for word
        assert d["text"] in doc["warnings"]
        assert d["text"].replace("\n", " ") in " ".join(human.out.split())


def test_check_names_the_disagreements_beside_a_broken_file(calamiteit: Invoke, own: Path) -> None:
    """A problem in one file does not hide that one's own contacts and the shipped routing disagree."""
    import json

    (own / "config").mkdir()
    (own / "config" / "monitor.yaml").write_text("targets: [\n", encoding="utf-8")
    found = calamiteit("check", "--json", "--config-dir", str(own))
    assert found.code == exitcodes.CONFIG
    doc = json.loads(found.out)
    assert not doc["valid"] and [p["file"] for p in doc["problems"]] == [str(own / "config" / "monitor.yaml")]
    assert any(d["file"].endswith("config/routing.yaml") for d in doc["disagreements"])
    human = calamiteit("check", "--config-dir", str(own))
    assert human.code == exitcodes.CONFIG and "onbekende organisatie 'iplo'" in human.out
