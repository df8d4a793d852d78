"""The prompts: one per theme each week, the same for both, chosen from the week alone."""

from __future__ import annotations

import datetime as dt
import re

from alongside.together.prompts import PROMPTS, THEMES, for_week


def test_each_week_has_one_prompt_per_theme() -> None:
    monday = dt.date(2026, 1, 5)
    for week in range(60):
        chosen = for_week(monday + dt.timedelta(weeks=week))
        assert [p.theme for p in chosen] == [key for key, _label in THEMES]


def test_the_choice_depends_only_on_the_week() -> None:
    assert for_week(dt.date(2026, 4, 13)) == for_week(dt.date(2026, 4, 13))


def test_the_mix_changes_and_every_prompt_comes_round() -> None:
    monday = dt.date(2026, 1, 5)
    weeks = [tuple(p.key for p in for_week(monday + dt.timedelta(weeks=n))) for n in range(9)]
    assert len(set(weeks)) == 9
    assert {key for week in weeks for key in week} == {p.key for p in PROMPTS}


def test_prompt_keys_are_unique_url_safe_and_short() -> None:
    keys = [p.key for p in PROMPTS]
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(r"[a-z-]{1,40}", key) for key in keys)
