"""The decision rule: thresholds per level, highest level reached wins, advice to scale up, down or hold."""

from __future__ import annotations

import pytest

from dso_calamiteit.adapters import config
from dso_calamiteit.domain.assessment import assess
from dso_calamiteit.domain.criteria import CriteriaFile

from .conftest import DATA


@pytest.fixture(scope="module")
def dso() -> CriteriaFile:
    return config.load(config.locate(config.shipped_dir()), use_cache=False).criteria


@pytest.fixture(scope="module")
def grip() -> CriteriaFile:
    return config.load(config.locate(DATA / "grip"), use_cache=False).criteria


def answers(criteria: CriteriaFile, *yes: str) -> dict[str, bool]:
    ids = [c.id for _, c in criteria.all_criteria()]
    assert set(yes) <= set(ids), set(yes) - set(ids)
    return {i: i in yes for i in ids}


def test_shipped_ladder_is_the_source(dso: CriteriaFile) -> None:
    assert [(lv.level, lv.team, len(lv.criteria)) for lv in dso.ordered] == [
        (0, "Serviceketen", 0),
        (1, "OCT", 5),
        (2, "SCT", 9),
    ]
    texts = [c.text for _, c in dso.all_criteria()]
    assert "Afhandeling in de serviceketen is niet (meer) mogelijk of gewenst." in texts
    assert "Politiek-bestuurlijke onrust" in texts


def test_nothing_met_stays_in_the_service_chain(dso: CriteriaFile) -> None:
    result = assess(dso, answers(dso))
    assert result.recommended.level == 0
    assert result.triggered == []
    assert result.decisive == ()


@pytest.mark.parametrize("criterion", ["serviceketen-ontoereikend", "impact-bevoegde-gezagen"])
def test_any_level_one_criterion_reaches_oct(dso: CriteriaFile, criterion: str) -> None:
    result = assess(dso, answers(dso, criterion))
    assert (result.recommended.level, result.recommended.team) == (1, "OCT")
    assert [c.id for c in result.decisive] == [criterion]


def test_level_two_criterion_alone_reaches_sct(dso: CriteriaFile) -> None:
    result = assess(dso, answers(dso, "politiek-bestuurlijke-onrust"))
    assert (result.recommended.level, result.recommended.team) == (2, "SCT")


def test_highest_reached_level_wins(dso: CriteriaFile) -> None:
    result = assess(dso, answers(dso, "snelle-besluitvorming", "pers-en-media"))
    assert result.recommended.level == 2
    assert [(lv.level, c.id) for lv, c in result.triggered] == [
        (1, "snelle-besluitvorming"),
        (2, "pers-en-media"),
    ]
    assert [c.id for c in result.decisive] == ["pers-en-media"]


def test_threshold_of_two_needs_two(grip: CriteriaFile) -> None:
    assert assess(grip, answers(grip, "meerdere-diensten")).recommended.level == 0
    assert assess(grip, answers(grip, "meerdere-diensten", "plaats-incident")).recommended.level == 1


def test_five_level_grip_ladder(grip: CriteriaFile) -> None:
    result = assess(grip, answers(grip, "effectgebied", "welzijn-bevolking", "meerdere-gemeenten"))
    # GRIP 4 needs two of its criteria: only one holds, so GRIP 3 (GBT) is the highest reached.
    assert (result.recommended.level, result.recommended.team) == (3, "GBT")
    result = assess(grip, answers(grip, "meerdere-gemeenten", "bestuurlijke-coordinatie"))
    assert (result.recommended.name, result.recommended.team) == ("GRIP 4", "RBT")


def test_advice_scale_up_names_the_criteria_that_now_hold(dso: CriteriaFile) -> None:
    result = assess(dso, answers(dso, "doorzettingsmacht"), current=0)
    assert result.advice is not None
    assert result.advice.action == "opschalen"
    assert "Doorzettingsmacht om integraal en snel de dreiging te minimaliseren." in result.advice.reason


def test_advice_scale_down_says_what_no_longer_holds(dso: CriteriaFile) -> None:
    result = assess(dso, answers(dso, "snelle-besluitvorming"), current=2)
    assert result.advice is not None
    assert (result.advice.action, result.advice.recommended.level) == ("afschalen", 1)
    assert "Niveau 2: 0 van 9" in result.advice.reason


def test_advice_hold(dso: CriteriaFile) -> None:
    result = assess(dso, answers(dso, "snelle-besluitvorming"), current=1)
    assert result.advice is not None
    assert result.advice.action == "handhaven"
    assert "Niveau 1: 1 van 5" in result.advice.reason


def test_scale_down_several_levels_in_grip(grip: CriteriaFile) -> None:
    result = assess(grip, answers(grip), current=4)
    assert result.advice is not None
    assert (result.advice.action, result.recommended.level) == ("afschalen", 0)
    for name in ("GRIP 1", "GRIP 2", "GRIP 3", "GRIP 4"):
        assert name in result.advice.reason


def test_unknown_current_level_is_refused(dso: CriteriaFile) -> None:
    with pytest.raises(ValueError):
        assess(dso, answers(dso), current=7)
