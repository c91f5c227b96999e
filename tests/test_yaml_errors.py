"""A malformed YAML file is said in Dutch (issue 23): file, line, column, what is wrong and what to change.

PyYAML's own words ("mapping values are not allowed in this context", "found unexpected end of stream") and
its place (the end of the file for a quote left open) reach nobody; the place given is where to make the change.
"""

from __future__ import annotations

import re

import pytest

from dso_calamiteit.adapters.config import yamlfile
from dso_calamiteit.domain import exitcodes
from dso_calamiteit.domain.errors import ConfigError

from .conftest import Invoke

ENGLISH = re.compile(
    r"\b(found|expected|mapping|scanning|while|allowed|context|stream|token|character|indicator|block|flow)\b", re.I
)

CASES = [
    pytest.param(
        "organisations:\n\t- id: dso-lv\n", (2, 1), ["een tab in de inspringing", "vervang de tab door spaties"],
        id="tab-indent",
    ),
    pytest.param(
        "contacts:\n  - org: dso-lv\n\trole: Piket\n", (3, 1), ["een tab in de inspringing"], id="tab-in-block"
    ),
    pytest.param(
        'contacts:\n  - name: "Piet Piket\n    role: Piketmedewerker\n', (2, 11),
        ['het aanhalingsteken " dat hier begint wordt nergens gesloten', 'zet een " aan het eind'],
        id="unclosed-double-quote",
    ),
    pytest.param(  # found trying it (s30-trial): the next quoted value closed it, a wrong line was blamed
        'contacts:\n  - name: "Piet Piket\n    phone: "+31 00 0000 0102"\n    role: Piket\n', (2, 11),
        ['het aanhalingsteken " dat hier begint wordt pas op regel 3 gesloten', 'zet een " aan het eind'],
        id="unclosed-quote-closed-by-the-next-value",
    ),
    pytest.param(
        "contacts:\n  - name: 'Piet Piket\n    role: Piketmedewerker\n  - name: Klaas\n", (2, 11),
        ["het aanhalingsteken ' dat hier begint"], id="unclosed-single-quote",
    ),
    pytest.param(
        "contacts:\n  - org dso-lv\n    role: Piketmedewerker\n", (2, 5),
        ["na de sleutel 'org' ontbreekt de dubbele punt", "schrijf: - org: dso-lv"], id="missing-colon-in-list",
    ),
    pytest.param(
        "organisations:\n  - id: dso-lv\n    name DSO-LV\n    kind: beheer\n", (3, 5),
        ["na de sleutel 'name' ontbreekt de dubbele punt", "schrijf: name: DSO-LV"], id="missing-colon",
    ),
    pytest.param(
        "routes:\n  - id: x\n    when: Bel: direct de leverancier\n", (3, 14),
        ['de waarde bevat een dubbele punt', 'when: "Bel: direct de leverancier"'], id="colon-in-value",
    ),
    pytest.param(
        "contacts: []\norganisations: []\ncontacts: []\n", (3, 1),
        ["dubbele sleutel 'contacts' (ook op regel 1)", "haal er één weg of voeg ze samen"], id="duplicate-key",
    ),
    pytest.param(
        "routes:\n  - id: x\n    to: [iplo, dso-lv\n  - id: y\n", (3, 9),
        ["de [ die hier begint wordt niet gesloten", "zet een ]"], id="unclosed-bracket",
    ),
    pytest.param(
        "contacts:\n  - org: dso-lv\n   role: Piket\n", (3, 4), ["de inspringing klopt niet"], id="indentation",
    ),
]


@pytest.mark.parametrize(("text", "place", "phrases"), CASES)
def test_a_typical_mistake_is_said_in_dutch_where_to_change_it(
    text: str, place: tuple[int, int], phrases: list[str]
) -> None:
    with pytest.raises(ConfigError) as raised:
        yamlfile.parse(text.encode(), "contacts.yaml")
    (problem,) = raised.value.problems
    assert (problem.line, problem.column) == place, str(problem)
    for phrase in phrases:
        assert phrase in problem.message, str(problem)
    assert not ENGLISH.search(problem.message), str(problem)


def test_check_and_a_command_say_it_with_file_line_and_column(calamiteit: Invoke, make_config) -> None:
    folder = make_config(contacts="organisations:\n  - id: dso-lv\n    name: \"DSO-LV\n    kind: beheer\n")
    checked = calamiteit("check", "--config-dir", str(folder))
    assert checked.code == exitcodes.CONFIG
    line = next(x for x in checked.out.splitlines() if "contacts.yaml:" in x and "YAML-fout" in x)
    assert line.endswith(
        'contacts.yaml:3:11: YAML-fout: het aanhalingsteken " dat hier begint wordt nergens gesloten; zet een " '
        "aan het eind van de tekst op deze regel"
    ), line
    looked_up = calamiteit("contacts", "piet", "--config-dir", str(folder))
    assert looked_up.code == exitcodes.CONFIG and "contacts.yaml:3:11: YAML-fout: het aanhalingsteken" in looked_up.err
    assert len(looked_up.err.strip().splitlines()) <= 2 and not ENGLISH.search(looked_up.err.split("YAML-fout")[1])
