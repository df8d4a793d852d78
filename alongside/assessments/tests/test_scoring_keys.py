"""Hand-worked answer sets for every shipped key.

Each expected score is worked out by hand in the comment above it from the published
rule (reverse-keyed answers count as min + max - answer), never by calling the scorer
a second time.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from alongside.assessments.scoring import (
    check_answers,
    missing_required,
    place,
    score,
    score_relationships,
)
from alongside.assessments.spec import AnswerError, AssessmentError, get_instrument, parse_spec


def answers(**values: int) -> dict[str, int]:
    return dict(values)


def test_ecr_r_hand_worked() -> None:
    ecr_r = get_instrument("ecr-r")
    given = {f"q{n}": 6 for n in range(1, 19)}
    given["q9"] = 2  # reverse-keyed: 1 + 7 - 2 = 6
    given["q11"] = 3  # reverse-keyed: 1 + 7 - 3 = 5
    # Avoidance: plain items 19, 21, 23, 24, 25, 32 answered 2; the 12 reverse-keyed
    # items (20, 22, 26-31, 33-36) answered 5, which count 1 + 7 - 5 = 3.
    for n in range(19, 37):
        given[f"q{n}"] = 2 if n in (19, 21, 23, 24, 25, 32) else 5
    result = score(ecr_r, given)
    # Anxiety: (16 x 6 + 6 + 5) / 18 = 107 / 18
    assert result["anxiety"].exact == Fraction(107, 18)
    # Avoidance: (6 x 2 + 12 x 3) / 18 = 48 / 18 = 8 / 3
    assert result["avoidance"].exact == Fraction(8, 3)
    assert result["avoidance"].value == pytest.approx(2.6667, abs=1e-4)


def test_ecr_rs_hand_worked_per_relationship_and_global() -> None:
    ecr_rs = get_instrument("ecr-rs")
    partner = answers(q1=6, q2=7, q3=5, q4=4, q5=3, q6=2, q7=7, q8=6, q9=5)
    mother = {f"q{n}": 4 for n in range(1, 10)}
    scores = score_relationships(ecr_rs, {"partner": partner, "mother": mother})
    # Partner avoidance: items 1-4 reversed -> 2, 1, 3, 4; plus 3 and 2:
    # (2 + 1 + 3 + 4 + 3 + 2) / 6 = 15 / 6 = 5 / 2
    assert scores.by_relationship["partner"]["avoidance"].exact == Fraction(5, 2)
    # Partner anxiety: (7 + 6 + 5) / 3 = 6
    assert scores.by_relationship["partner"]["anxiety"].exact == 6
    # Mother: every answer 4, and 1 + 7 - 4 = 4, so both scores are 4.
    assert scores.by_relationship["mother"]["avoidance"].exact == 4
    # Global = mean across the relationships answered:
    # avoidance (5/2 + 4) / 2 = 13/4; anxiety (6 + 4) / 2 = 5
    assert scores.global_scores["avoidance"].exact == Fraction(13, 4)
    assert scores.global_scores["anxiety"].exact == 5
    assert scores.global_scores["anxiety"].answered == 2


def test_ecr_rs_refuses_an_unknown_relationship() -> None:
    with pytest.raises(AssessmentError, match="'neighbour' is not one of"):
        score_relationships(get_instrument("ecr-rs"), {"neighbour": {}})


def test_ecr_rs_names_the_relationship_and_item_when_answers_are_missing() -> None:
    with pytest.raises(AnswerError) as caught:
        score_relationships(get_instrument("ecr-rs"), {"father": {"q1": 3}})
    assert caught.value.item_ids[0] == "q2"
    assert str(caught.value).startswith("answers[q2]")
    assert "father" in caught.value.detail


def test_csi_4_hand_worked_against_the_cut_off() -> None:
    csi4 = get_instrument("csi-4")
    # 5 + 4 + 3 + 2 = 14, not below 13.5
    above = score(csi4, answers(q1=5, q2=4, q3=3, q4=2))["satisfaction"].exact
    assert above == 14
    assert place(csi4, "satisfaction", above).cutoffs_met == ()
    # 3 + 3 + 3 + 4 = 13, below 13.5
    below = score(csi4, answers(q1=3, q2=3, q3=3, q4=4))["satisfaction"].exact
    assert below == 13
    placed = place(csi4, "satisfaction", below)
    assert [c.id for c in placed.cutoffs_met] == ["notable_dissatisfaction"]
    assert placed.interpretation is not None
    assert "hard right now" in placed.interpretation


def test_csi_4_item_1_runs_0_to_6_and_the_others_0_to_5() -> None:
    csi4 = get_instrument("csi-4")
    assert score(csi4, answers(q1=6, q2=5, q3=5, q4=5))["satisfaction"].exact == 21
    with pytest.raises(AnswerError) as caught:
        score(csi4, answers(q1=6, q2=6, q3=5, q4=5))
    assert caught.value.item_ids == ("q2",)
    assert "6 is outside the scale 0 to 5" in str(caught.value)


def test_csi_16_hand_worked_against_the_cut_off() -> None:
    csi16 = get_instrument("csi-16")
    given = {f"q{n}": 3 for n in range(2, 17)}
    given["q1"] = 4
    # 4 + 15 x 3 = 49, below 51.5
    total = score(csi16, given)["satisfaction"].exact
    assert total == 49
    assert place(csi16, "satisfaction", total).cutoffs_met[0].value == 51.5
    # Raise three items by one each: 49 + 3 = 52, not below 51.5
    given.update(q2=4, q3=4, q4=4)
    total = score(csi16, given)["satisfaction"].exact
    assert total == 52
    assert place(csi16, "satisfaction", total).cutoffs_met == ()


def test_mspss_hand_worked() -> None:
    mspss = get_instrument("mspss")
    given = answers(q1=7, q2=6, q5=5, q10=4, q3=2, q4=3, q8=4, q11=3, q6=5, q7=5, q9=6, q12=6)
    result = score(mspss, given)
    # Significant other (1, 2, 5, 10): (7 + 6 + 5 + 4) / 4 = 22/4 = 11/2
    assert result["significant_other"].exact == Fraction(11, 2)
    # Family (3, 4, 8, 11): (2 + 3 + 4 + 3) / 4 = 3
    assert result["family"].exact == 3
    # Friends (6, 7, 9, 12): (5 + 5 + 6 + 6) / 4 = 11/2
    assert result["friends"].exact == Fraction(11, 2)
    # Total: (22 + 12 + 22) / 12 = 56/12 = 14/3
    assert result["total"].exact == Fraction(14, 3)


def test_need_satisfaction_hand_worked() -> None:
    needs = get_instrument("need-satisfaction")
    given = answers(q1=6, q5=5, q9=2, q2=4, q4=6, q7=3, q3=7, q6=1, q8=7)
    result = score(needs, given)
    # Autonomy (1, 5, 9R): 6 + 5 + (8 - 2 = 6) = 17 -> 17/3
    assert result["autonomy"].exact == Fraction(17, 3)
    # Competence (2, 4R, 7): 4 + (8 - 6 = 2) + 3 = 9 -> 3
    assert result["competence"].exact == 3
    # Relatedness (3, 6R, 8): 7 + (8 - 1 = 7) + 7 = 21 -> 7
    assert result["relatedness"].exact == 7


def test_ras_hand_worked() -> None:
    ras = get_instrument("ras")
    given = answers(q1=5, q2=4, q3=4, q4=2, q5=5, q6=3, q7=1)
    # Items 4 and 7 reversed on 1-5: 6 - 2 = 4 and 6 - 1 = 5.
    # (5 + 4 + 4 + 4 + 5 + 3 + 5) / 7 = 30 / 7
    assert score(ras, given)["satisfaction"].exact == Fraction(30, 7)


def test_safety_needs_hand_worked() -> None:
    safety = get_instrument("alongside-safety-needs")
    given = answers(
        security=5, trust=4, reliability=4, predictability=3, nurturance=5, guidance=2, autonomy=4
    )
    result = score(safety, given)
    # Safety = (5 + 4 + 4 + 3 + 5 + 2) / 6 = 23/6; autonomy stays separate.
    assert result["safety"].exact == Fraction(23, 6)
    assert result["autonomy"].exact == 4
    assert result["guidance"].exact == 2


def test_closeness_scores_the_chosen_step() -> None:
    closeness = get_instrument("alongside-closeness")
    result = score(closeness, {"closeness": 4})
    assert result["closeness"].exact == 4
    assert place(closeness, "closeness", 4).interpretation is not None


# ------------------------------------------------------------ refusing answers


def test_incomplete_answers_are_refused_with_every_missing_item_named() -> None:
    ras = get_instrument("ras")
    with pytest.raises(AnswerError) as caught:
        score(ras, answers(q1=5, q2=4, q3=4, q5=5, q6=3))
    assert caught.value.item_ids == ("q4", "q7")
    assert str(caught.value) == "answers[q4], answers[q7]: no answer given"
    assert missing_required(ras, {"q1": 5}) == ("q2", "q3", "q4", "q5", "q6", "q7")


@pytest.mark.parametrize("bad", [8, 0, -1, "5", 4.5, True, [5]])
def test_answers_off_the_scale_or_not_whole_numbers_are_refused(bad: object) -> None:
    ecr_r = get_instrument("ecr-r")
    given: dict[str, object] = {f"q{n}": 4 for n in range(1, 37)}
    given["q3"] = bad
    with pytest.raises(AnswerError) as caught:
        score(ecr_r, given)
    assert caught.value.item_ids == ("q3",)
    assert str(caught.value).startswith("answers[q3]: ")


def test_unknown_items_are_refused() -> None:
    with pytest.raises(AnswerError) as caught:
        check_answers(get_instrument("csi-4"), {"q1": 3, "q5": 2}, partial=True)
    assert caught.value.item_ids == ("q5",)


def test_partial_answers_can_be_checked_and_kept_while_the_form_is_in_progress() -> None:
    csi4 = get_instrument("csi-4")
    kept = check_answers(csi4, {"q1": 3, "q2": None}, partial=True)
    assert kept == {"q1": 3}


# ----------------------------------------------------------- missing-answer rule


def test_the_missing_answer_rule_scores_the_mean_of_answered_items_above_the_minimum() -> None:
    ecr_r = get_instrument("ecr-r")
    given: dict[str, int | None] = {f"q{n}": 4 for n in range(1, 37)}
    given.update(q1=7, q2=None, q3=None, q4=None)  # 15 of 18 anxiety items answered
    result = score(ecr_r, given, allow_missing=True)
    # (7 + 14 x 4) / 15 = 63/15 = 21/5
    assert result["anxiety"].exact == Fraction(21, 5)
    assert result["anxiety"].answered == 15
    given["q5"] = None  # 14 answered: below the minimum of 15, so no score
    result = score(ecr_r, given, allow_missing=True)
    assert result["anxiety"].exact is None
    assert not result["anxiety"].scored
    assert result["avoidance"].exact == 4


def test_a_sum_needs_every_item_unless_the_file_allows_prorating() -> None:
    csi4 = get_instrument("csi-4")
    result = score(csi4, {"q1": 5, "q2": 4, "q3": 3}, allow_missing=True)
    assert result["satisfaction"].exact is None
    prorated = parse_spec(
        {
            "id": "sum-test",
            "version": 1,
            "title": "Sum test",
            "kind": "reflection",
            "label": "Made up",
            "about": {"kind": "self"},
            "citation": "Made up.",
            "licence": {"name": "Test", "terms": "Test."},
            "scale": {"min": 0, "max": 4},
            "items": [{"id": f"i{n}", "number": n, "wording": "?"} for n in range(1, 5)],
            "subscales": [
                {
                    "id": "total",
                    "label": "Total",
                    "items": ["i1", "i2", "i3", "i4"],
                    "method": "sum",
                    "missing": {"min_answered": 3},
                    "direction": "neutral",
                }
            ],
        }
    )
    result = score(prorated, {"i1": 4, "i2": 2, "i3": 3}, allow_missing=True)
    # Prorated: (4 + 2 + 3) / 3 answered x 4 items = 12
    assert result["total"].exact == 12


def test_place_refuses_a_score_outside_the_range() -> None:
    with pytest.raises(AssessmentError, match="outside the score range"):
        place(get_instrument("ras"), "satisfaction", 5.5)
