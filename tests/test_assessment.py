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


def text(criteria: CriteriaFile, criterion: str) -> str:
    return next(c.text for _, c in criteria.all_criteria() if c.id == criterion)


def test_an_assessment_keeps_the_answers_and_gives_no_advice_without_a_current_level(dso: CriteriaFile) -> None:
    given = answers(dso, "pers-en-media")
    result = assess(dso, given)
    assert result.answers == given
    assert result.advice is None


def test_scale_up_names_only_the_criteria_above_the_current_level(dso: CriteriaFile) -> None:
    # At Niveau 1 already, its own criterion still holding is no reason to go up; the two of Niveau 2 are.
    result = assess(dso, answers(dso, "snelle-besluitvorming", "pers-en-media", "herstelstrategie"), current=1)
    assert result.advice is not None
    assert (result.advice.action, result.advice.current.level, result.advice.recommended.level) == ("opschalen", 1, 2)
    assert result.advice.reason == (
        f"Opschalen van Niveau 1 naar Niveau 2 (SCT): nu geldt '{text(dso, 'pers-en-media')}'; "
        f"'{text(dso, 'herstelstrategie')}'."
    )


def test_scale_down_sums_up_each_level_left_and_not_the_one_it_goes_to(dso: CriteriaFile) -> None:
    result = assess(dso, answers(dso, "snelle-besluitvorming"), current=2)
    assert result.advice is not None
    assert (result.advice.current.level, result.advice.recommended.level) == (2, 1)
    assert result.advice.reason == (
        "Afschalen van Niveau 2 naar Niveau 1 (OCT): de criteria van het huidige niveau gelden niet meer "
        "(Niveau 2: 0 van 9 criteria met 'ja' (drempel 1))."
    )


def test_hold_names_the_level_with_its_team_only_where_the_team_has_another_name(
    dso: CriteriaFile, grip: CriteriaFile
) -> None:
    held = assess(dso, answers(dso), current=0).advice
    assert held is not None
    assert (held.action, held.current.level, held.recommended.level) == ("handhaven", 0, 0)
    assert held.reason == "Handhaven op Serviceketen: geen enkele drempel voor opschalen bereikt."
    routine = assess(grip, answers(grip), current=0).advice
    assert routine is not None
    assert routine.reason == "Handhaven op Routine (Meldkamer): geen enkele drempel voor opschalen bereikt."
    held = assess(dso, answers(dso, "snelle-besluitvorming"), current=1).advice
    assert held is not None
    assert held.reason == (
        "Handhaven op Niveau 1 (OCT): Niveau 1: 1 van 5 criteria met 'ja' (drempel 1); hoger niveau niet bereikt."
    )


def test_an_unknown_current_level_is_named_in_the_refusal(dso: CriteriaFile) -> None:
    with pytest.raises(ValueError, match="unknown level 7"):
        assess(dso, answers(dso), current=7)


def test_scale_down_over_two_levels_sums_up_both(dso: CriteriaFile) -> None:
    result = assess(dso, answers(dso), current=2)
    assert result.advice is not None
    assert result.advice.reason == (
        "Afschalen van Niveau 2 naar Serviceketen: de criteria van het huidige niveau gelden niet meer "
        "(Niveau 1: 0 van 5 criteria met 'ja' (drempel 1); Niveau 2: 0 van 9 criteria met 'ja' (drempel 1))."
    )
