"""Reshaping, lags and centring."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alongside.analytics import (
    center_within,
    couple_wide_from_long,
    lag_consecutive,
    long_from_couple_wide,
    long_from_pairwise,
    pairwise_from_long,
)


@st.composite
def _long_people(draw: st.DrawFn) -> pd.DataFrame:
    n_dyads = draw(st.integers(min_value=1, max_value=6))
    rows = []
    for dyad in range(n_dyads):
        size = draw(st.sampled_from([1, 2]))
        for person in range(size):
            value = draw(st.floats(-100, 100, allow_nan=False))
            rows.append({"dyad": dyad * 10, "person": f"p{dyad}-{person}", "x": value})
    frame = pd.DataFrame(rows)
    order = draw(st.permutations(range(len(frame))))
    return frame.iloc[list(order)].reset_index(drop=True)


@settings(max_examples=30, deadline=None)
@given(_long_people())
def test_pairwise_and_back_is_the_identity(people: pd.DataFrame) -> None:
    pairs = pairwise_from_long(people, dyad="dyad", person="person")
    pd.testing.assert_frame_equal(long_from_pairwise(pairs), people)


@settings(max_examples=30, deadline=None)
@given(_long_people())
def test_partner_columns_mirror_the_actor_columns(people: pd.DataFrame) -> None:
    pairs = pairwise_from_long(people, dyad="dyad", person="person")
    for _, dyad in pairs.groupby("dyad"):
        if len(dyad) == 2:
            assert dyad["x_A"].iloc[0] == dyad["x_P"].iloc[1]
            assert dyad["x_A"].iloc[1] == dyad["x_P"].iloc[0]
        else:
            assert dyad["x_P"].isna().all()


def test_pairwise_matches_partners_on_the_same_occasion() -> None:
    people = pd.DataFrame(
        {
            "couple": [1, 1, 1, 1, 1],
            "who": ["ann", "bo", "ann", "bo", "ann"],
            "day": [1, 1, 2, 2, 3],
            "mood": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    pairs = pairwise_from_long(people, dyad="couple", person="who", time="day")
    assert pairs["mood_P"].tolist()[:4] == [2.0, 1.0, 4.0, 3.0]
    assert np.isnan(pairs["mood_P"].iloc[4])


def test_the_real_pairwise_data_goes_back_to_one_row_per_person(married: pd.DataFrame) -> None:
    people = long_from_pairwise(married.drop(columns=["Gender"]))
    assert len(people) == len(married)
    assert "Satisfaction" in people.columns and "Satisfaction_P" not in people.columns
    again = pairwise_from_long(
        people, dyad="CoupleID", person="Partnum", columns=["Satisfaction", "OtherPos"]
    )
    np.testing.assert_allclose(again["OtherPos_P"], married["OtherPos_P"])


def test_pairwise_names_a_dyad_with_three_people() -> None:
    people = pd.DataFrame({"couple": [7, 7, 7], "who": ["a", "b", "c"], "x": [1, 2, 3]})
    with pytest.raises(ValueError, match="dyad 7 has 3 different people in column 'who'"):
        pairwise_from_long(people, dyad="couple", person="who")


def test_pairwise_names_a_repeated_person() -> None:
    people = pd.DataFrame({"couple": [7, 7], "who": ["a", "a"], "x": [1, 2]})
    with pytest.raises(ValueError, match="more than one row for couple = 7, who = 'a'"):
        pairwise_from_long(people, dyad="couple", person="who")


def test_long_from_pairwise_refuses_a_name_clash(married: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="column 'Gender_A' would become 'Gender'"):
        long_from_pairwise(married)


def test_couple_wide_and_back_is_the_identity(diary: pd.DataFrame) -> None:
    long = long_from_couple_wide(
        diary, dyad="ID", time="DIARYDAY", a=["M_Anx.", "M_Sad."], b=["W_Anx.", "W_Sad."]
    )
    assert list(long.columns) == ["ID", "DIARYDAY", "role", "Anx", "Sad"]
    assert len(long) == 2 * len(diary)
    wide = couple_wide_from_long(
        long, dyad="ID", time="DIARYDAY", role="role", values=["Anx", "Sad"]
    )
    expected = diary.sort_values(["ID", "DIARYDAY"]).reset_index(drop=True)
    np.testing.assert_array_equal(wide["Anx_a"], expected["M_Anx."])
    np.testing.assert_array_equal(wide["Sad_b"], expected["W_Sad."])


def test_couple_wide_puts_person_ids_in_order_within_each_couple() -> None:
    people = pd.DataFrame(
        {"couple": [1, 1, 2, 2], "person": [12, 11, 21, 22], "x": [1.0, 2.0, 3.0, 4.0]}
    )
    wide = couple_wide_from_long(people, dyad="couple", role="person", values="x")
    assert wide["x_a"].tolist() == [2.0, 3.0]
    assert wide["x_b"].tolist() == [1.0, 4.0]


def test_couple_wide_names_a_couple_with_three_people() -> None:
    people = pd.DataFrame(
        {"couple": [1, 1, 1, 2], "person": [11, 12, 13, 21], "x": [1.0, 2.0, 3.0, 4.0]}
    )
    with pytest.raises(ValueError, match="dyad 1 has 3 different people"):
        couple_wide_from_long(people, dyad="couple", role="person", values="x")


def test_couple_wide_names_a_duplicated_occasion() -> None:
    people = pd.DataFrame(
        {"couple": [1, 1, 1], "role": ["m", "w", "m"], "day": [0, 0, 0], "x": [1.0, 2.0, 3.0]}
    )
    with pytest.raises(ValueError, match="more than one row for couple = 1, day = 0, role = 'm'"):
        couple_wide_from_long(people, dyad="couple", role="role", values="x", time="day")


def test_couple_wide_names_an_unknown_role() -> None:
    people = pd.DataFrame({"couple": [1, 1], "role": ["m", "x"], "v": [1.0, 2.0]})
    with pytest.raises(ValueError, match="column 'role' holds 'x', which is not one of roles"):
        couple_wide_from_long(people, dyad="couple", role="role", values="v", roles=("m", "w"))


def test_long_from_couple_wide_needs_one_column_per_partner() -> None:
    diary = pd.DataFrame({"ID": [1], "m1": [1.0], "m2": [2.0], "w1": [3.0]})
    with pytest.raises(ValueError, match="a names 2 columns but b names 1"):
        long_from_couple_wide(diary, dyad="ID", a=["m1", "m2"], b=["w1"])


def test_a_lag_needs_the_previous_occasion() -> None:
    diary = pd.DataFrame(
        {"person": [2, 1, 1, 1, 2], "day": [5, 2, 0, 1, 6], "mood": [9.0, 3.0, 1.0, 2.0, 8.0]}
    )
    lagged = lag_consecutive(diary, group="person", time="day", columns="mood")
    # Row order is kept; each lag is the same person's value one day earlier.
    assert lagged["mood_lag"].tolist()[1:4] == [2.0, pytest.approx(np.nan, nan_ok=True), 1.0]
    assert np.isnan(lagged["mood_lag"].iloc[0])
    assert lagged["mood_lag"].iloc[4] == 9.0


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=20, unique=True))
def test_lags_only_pair_consecutive_days(days: list[int]) -> None:
    diary = pd.DataFrame({"person": 1, "day": days, "mood": [float(d) for d in days]})
    lagged = lag_consecutive(diary, group="person", time="day", columns="mood")
    for day, lag in zip(lagged["day"], lagged["mood_lag"], strict=True):
        if day - 1 in days:
            assert lag == day - 1
        else:
            assert np.isnan(lag)


def test_lags_work_with_dates() -> None:
    diary = pd.DataFrame(
        {
            "person": [1, 1, 1],
            "date": pd.to_datetime(["2025-01-30", "2025-01-31", "2025-02-02"]),
            "mood": [1.0, 2.0, 3.0],
        }
    )
    lagged = lag_consecutive(diary, group="person", time="date", columns="mood")
    assert lagged["mood_lag"].iloc[1] == 1.0
    assert np.isnan(lagged["mood_lag"].iloc[2])


def test_a_lag_names_a_duplicated_occasion() -> None:
    diary = pd.DataFrame({"person": [1, 1], "day": [3, 3], "mood": [1.0, 2.0]})
    with pytest.raises(ValueError, match="more than one row for person = 1, day = 3"):
        lag_consecutive(diary, group="person", time="day", columns="mood")


def test_centring_within_person_removes_each_persons_mean() -> None:
    diary = pd.DataFrame({"person": [1, 1, 1, 2, 2], "mood": [1.0, 2.0, np.nan, 5.0, 7.0]})
    centred = center_within(diary, group="person", columns="mood", mean_suffix="_pm")
    np.testing.assert_allclose(centred["mood_cw"], [-0.5, 0.5, np.nan, -1.0, 1.0])
    np.testing.assert_allclose(centred["mood_pm"], [1.5, 1.5, 1.5, 6.0, 6.0])


def test_centring_names_a_non_numeric_column() -> None:
    diary = pd.DataFrame({"person": [1, 1], "mood": ["ok", "low"]})
    with pytest.raises(ValueError, match="column 'mood' must be numeric, but row 0 holds 'ok'"):
        center_within(diary, group="person", columns="mood")


def test_missing_identifiers_are_named() -> None:
    diary = pd.DataFrame({"person": [1, None], "mood": [1.0, 2.0]})
    with pytest.raises(ValueError, match="column 'person' has a missing value in row 1"):
        center_within(diary, group="person", columns="mood")


def test_an_empty_frame_is_refused() -> None:
    with pytest.raises(ValueError, match="data has no rows"):
        center_within(pd.DataFrame({"person": [], "mood": []}), group="person", columns="mood")


def test_a_non_frame_is_refused() -> None:
    with pytest.raises(ValueError, match="data must be a pandas DataFrame, not list"):
        lag_consecutive([1, 2], group="person", time="day", columns="mood")  # type: ignore[arg-type]
