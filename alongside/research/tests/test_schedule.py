"""The schedule engine: daylight saving, moves, joins, k-weekly days, seeds, dyads, errors."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from alongside.research import schedule
from alongside.research.schedule import (
    Dyad,
    Participant,
    Plan,
    Prompt,
    ScheduleError,
    ScheduleSpec,
    move,
    plan,
)

FOUR_WINDOWS = "09:00-12:00,12:00-15:00,15:00-18:00,18:00-21:00"
ALICE = Participant("alice", "Europe/London")


def prompts(result: Plan) -> list[Prompt]:
    return list(result.prompts())


def plan_for(
    spec: ScheduleSpec,
    person: Participant | Dyad = ALICE,
    start: dt.date = dt.date(2027, 3, 22),
    days: int = 1,
    seed: int = 7,
) -> list[Prompt]:
    return prompts(plan(spec, [person], start=start, days=days, seed=seed, now=None))


def wall_minutes(moment: dt.datetime) -> int:
    return moment.hour * 60 + moment.minute


def assert_inside_windows(spec: ScheduleSpec, found: list[Prompt]) -> None:
    for prompt in found:
        window = spec.windows[prompt.window - 1]
        assert window.start <= wall_minutes(prompt.local) < window.end, prompt


def assert_gap(found: list[Prompt], gap: int) -> None:
    instants = sorted(p.scheduled for p in found)
    for earlier, later in itertools.pairwise(instants):
        assert later - earlier >= dt.timedelta(minutes=gap)


def test_the_public_surface_is_listed() -> None:
    assert sorted(schedule.__all__) == schedule.__all__
    for name in schedule.__all__:
        assert getattr(schedule, name).__doc__


# --- daylight saving -----------------------------------------------------------------

CHANGES = [
    ("Europe/London", dt.date(2027, 3, 28), 23 * 60),
    ("Europe/London", dt.date(2027, 10, 31), 25 * 60),
    ("America/New_York", dt.date(2027, 3, 14), 23 * 60),
    ("America/New_York", dt.date(2027, 11, 7), 25 * 60),
    ("Australia/Sydney", dt.date(2027, 4, 4), 25 * 60),
    ("Australia/Sydney", dt.date(2027, 10, 3), 23 * 60),
]


@pytest.mark.parametrize(("zone", "day", "length"), CHANGES)
def test_the_change_days_are_the_ones_we_think(zone: str, day: dt.date, length: int) -> None:
    tz = ZoneInfo(zone)
    start = dt.datetime.combine(day, dt.time(0), tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tz)
    # Same-zone subtraction in Python is wall-clock arithmetic: compare real instants.
    assert (end.timestamp() - start.timestamp()) / 60 == length


@pytest.mark.parametrize(("zone", "day", "length"), CHANGES)
def test_random_prompts_stay_in_their_windows_across_a_change(
    zone: str, day: dt.date, length: int
) -> None:
    # Windows around the change itself (01:00-04:00 local) and ordinary ones.
    spec = ScheduleSpec.random("00:30-04:00,09:00-12:00,18:00-21:00", per_window=3, min_gap=30)
    for seed in range(40):
        found = plan_for(spec, Participant("p", zone), start=day, seed=seed)
        assert len(found) == 9
        assert_inside_windows(spec, found)
        assert_gap(found, 30)
        assert all(p.local.date() == day for p in found)
        assert len({p.scheduled for p in found}) == len(found)  # nothing twice


def test_a_window_loses_the_hour_that_does_not_exist_in_spring() -> None:
    # London, 28 March 2027: 01:00 GMT jumps to 02:00 BST. 01:00-03:00 lasts 60 minutes.
    spec = ScheduleSpec.random("01:00-03:00", per_window=1, min_gap=60)
    for seed in range(50):
        (prompt,) = plan_for(spec, start=dt.date(2027, 3, 28), seed=seed)
        assert dt.time(2, 0) <= prompt.local.time() < dt.time(3, 0)
        assert prompt.local.utcoffset() == dt.timedelta(hours=1)
        assert prompt.scheduled == dt.datetime(2027, 3, 28, 1, 30, tzinfo=dt.UTC)  # centred


def test_a_window_gains_the_repeated_hour_in_autumn() -> None:
    # London, 31 October 2027: 02:00 BST goes back to 01:00 GMT, so 01:00-02:00 happens
    # twice and the window lasts 120 real minutes; each local time is one instant.
    spec = ScheduleSpec.interval("01:00-02:00", every=30)
    found = plan_for(spec, start=dt.date(2027, 10, 31))
    assert [p.local.isoformat() for p in found] == [
        "2027-10-31T01:00:00+01:00",
        "2027-10-31T01:30:00+01:00",
        "2027-10-31T01:00:00+00:00",
        "2027-10-31T01:30:00+00:00",
    ]
    assert [p.local.fold for p in found] == [0, 0, 1, 1]
    random = ScheduleSpec.random("01:00-02:00", per_window=2, min_gap=30)
    for seed in range(30):
        found = plan_for(random, start=dt.date(2027, 10, 31), seed=seed)
        assert_inside_windows(random, found)
        assert_gap(found, 30)


def test_a_window_in_the_repeated_hour_only_counts_its_own_wall_times() -> None:
    # 01:30-03:00 on the fall-back day: 01:30-02:00 BST, then 01:30-03:00 GMT; the
    # stretch 01:00-01:30 GMT in between is outside the window and never used.
    spec = ScheduleSpec.random("01:30-03:00", per_window=4, min_gap=20)
    for seed in range(60):
        found = plan_for(spec, start=dt.date(2027, 10, 31), seed=seed)
        assert len(found) == 4
        assert_inside_windows(spec, found)
        assert_gap(found, 20)


def test_a_fixed_time_that_does_not_exist_fires_when_the_clock_would_have_shown_it() -> None:
    found = plan_for(ScheduleSpec.daily("01:30"), start=dt.date(2027, 3, 28))
    assert [p.local.isoformat() for p in found] == ["2027-03-28T02:30:00+01:00"]


def test_a_repeated_fixed_time_fires_once_at_its_first_occurrence() -> None:
    for zone, day in (
        ("Europe/London", dt.date(2027, 10, 31)),
        ("America/New_York", dt.date(2027, 11, 7)),
    ):
        found = plan_for(ScheduleSpec.daily("01:30"), Participant("p", zone), start=day)
        assert len(found) == 1
        assert found[0].local.fold == 0
        assert found[0].local.replace(tzinfo=None) == dt.datetime.combine(day, dt.time(1, 30))


def test_a_daily_diary_keeps_its_local_time_across_the_change() -> None:
    found = plan_for(
        ScheduleSpec.daily("21:00"),
        Participant("p", "America/New_York"),
        start=dt.date(2027, 3, 12),
        days=5,
    )
    assert [p.local.time() for p in found] == [dt.time(21, 0)] * 5
    offsets = [p.local.utcoffset() for p in found]
    assert offsets == [dt.timedelta(hours=-5)] * 2 + [dt.timedelta(hours=-4)] * 3


def test_interval_prompts_count_real_minutes() -> None:
    spec = ScheduleSpec.interval("00:00-04:00", every=60)
    found = plan_for(spec, start=dt.date(2027, 3, 28))  # a 180-minute window that day
    assert [p.local.strftime("%H:%M%z") for p in found] == [
        "00:00+0000",
        "02:00+0100",
        "03:00+0100",
    ]
    assert_inside_windows(spec, found)


def test_expiry_and_reminders_are_planned() -> None:
    spec = ScheduleSpec.daily("21:00", expiry=60, reminders=2)
    (prompt,) = plan_for(spec)
    assert prompt.expires - prompt.scheduled == dt.timedelta(minutes=60)
    assert [r - prompt.scheduled for r in prompt.reminders] == [
        dt.timedelta(minutes=20),
        dt.timedelta(minutes=40),
    ]


# --- moving, joining, waking hours ----------------------------------------------------


def test_a_participant_who_moves_keeps_what_was_planned_before() -> None:
    spec = ScheduleSpec.random(FOUR_WINDOWS, per_window=1, min_gap=60)
    start = dt.date(2027, 5, 3)
    before = plan(
        spec, [ALICE, Participant("bob", "Europe/London")], start=start, days=6, seed=3, now=None
    )
    since = dt.datetime(2027, 5, 5, 12, 0, tzinfo=dt.UTC)
    moved = move(
        before,
        spec,
        Participant("alice", "America/New_York"),
        since=since,
        start=start,
        days=6,
        seed=3,
    )
    old = [p for p in prompts(before) if p.participant == "alice"]
    new = [p for p in prompts(moved) if p.participant == "alice"]
    assert [p for p in new if p.scheduled <= since] == [p for p in old if p.scheduled <= since]
    later = [p for p in new if p.scheduled > since]
    assert later and all(p.local.utcoffset() == dt.timedelta(hours=-4) for p in later)
    assert_inside_windows(spec, later)
    assert_gap(new, 60)
    assert [p for p in prompts(moved) if p.participant == "bob"] == [
        p for p in prompts(before) if p.participant == "bob"
    ]


def test_a_participant_who_joins_mid_window_gets_the_rest_of_the_day() -> None:
    spec = ScheduleSpec.random(FOUR_WINDOWS, per_window=2, min_gap=30)
    joined = dt.datetime(2027, 5, 3, 13, 0, tzinfo=ZoneInfo("Europe/London"))  # 12:00-15:00 open
    for seed in range(30):
        late = Participant("late", "Europe/London", joined=joined)
        found = plan_for(spec, late, start=dt.date(2027, 5, 3), seed=seed)
        assert all(p.scheduled > joined for p in found)
        assert [p.window for p in found] == [2, 2, 3, 3, 4, 4]  # 120 minutes left: both fit
        assert_inside_windows(spec, found)
        assert_gap(found, 30)


def test_a_join_too_late_in_a_window_skips_it() -> None:
    spec = ScheduleSpec.random(FOUR_WINDOWS, per_window=2, min_gap=60)
    london = ZoneInfo("Europe/London")
    # 90 minutes left of 12:00-15:00: one prompt fits (each needs 60); 30 left: none.
    one = plan_for(
        spec,
        Participant("p", "Europe/London", joined=dt.datetime(2027, 5, 3, 13, 30, tzinfo=london)),
        start=dt.date(2027, 5, 3),
    )
    assert [p.window for p in one] == [2, 3, 3, 4, 4]
    none = plan_for(
        spec,
        Participant("p", "Europe/London", joined=dt.datetime(2027, 5, 3, 14, 30, tzinfo=london)),
        start=dt.date(2027, 5, 3),
    )
    assert [p.window for p in none] == [3, 3, 4, 4]


def test_waking_hours_move_the_windows() -> None:
    spec = ScheduleSpec.random(FOUR_WINDOWS, per_window=1, min_gap=60)
    owl = Participant("owl", "Europe/London", waking=("11:00", "23:59"))
    found = plan_for(spec, owl)
    moved = ScheduleSpec.random("11:00-14:00,14:00-17:00,17:00-20:00,20:00-23:00", min_gap=60)
    assert_inside_windows(moved, found)
    with pytest.raises(ScheduleError) as error:
        plan_for(spec, Participant("lark", "Europe/London", waking=("07:00", "16:00")))
    assert error.value.field == "waking"


# --- every k days or weeks ------------------------------------------------------------


def test_a_fortnightly_schedule_fires_every_other_week() -> None:
    spec = ScheduleSpec.daily("20:00", every_days=14)
    found = plan_for(spec, start=dt.date(2027, 5, 3), days=42)
    assert [p.day for p in found] == [1, 15, 29]
    assert [p.local.date() for p in found] == [
        dt.date(2027, 5, 3),
        dt.date(2027, 5, 17),
        dt.date(2027, 5, 31),
    ]


def test_every_third_day_with_random_windows() -> None:
    spec = ScheduleSpec.random("09:00-12:00", per_window=1, every_days=3)
    found = plan_for(spec, days=10)
    assert [p.day for p in found] == [1, 4, 7, 10]


# --- determinism ----------------------------------------------------------------------


def test_the_same_seed_gives_the_same_plan() -> None:
    spec = ScheduleSpec.random(FOUR_WINDOWS, per_window=2, min_gap=30)
    people = [Participant(f"p{i}", "Europe/London") for i in range(20)]
    one = plan(spec, people, start=dt.date(2027, 5, 3), days=7, seed=11, now=None)
    two = plan(spec, list(reversed(people)), start=dt.date(2027, 5, 3), days=7, seed=11, now=None)
    assert sorted(map(repr, prompts(one))) == sorted(map(repr, prompts(two)))
    alone = plan(spec, [people[5]], start=dt.date(2027, 5, 3), days=7, seed=11, now=None)
    assert prompts(alone) == [p for p in prompts(one) if p.participant == "p5"]


def test_a_different_seed_or_person_gives_a_different_plan() -> None:
    spec = ScheduleSpec.random(FOUR_WINDOWS, per_window=2, min_gap=30)
    seven = plan_for(spec, days=7, seed=7)
    eight = plan_for(spec, days=7, seed=8)
    assert [p.scheduled for p in seven] != [p.scheduled for p in eight]
    other = plan_for(spec, Participant("bob", "Europe/London"), days=7, seed=7)
    assert [p.scheduled for p in seven] != [p.scheduled for p in other]


# --- dyads ----------------------------------------------------------------------------


def test_partners_in_two_zones_are_prompted_together_inside_both_windows() -> None:
    spec = ScheduleSpec.random(FOUR_WINDOWS, per_window=1, min_gap=60)
    couple = Dyad("d1", Participant("ann", "Europe/London"), Participant("ben", "America/New_York"))
    for seed in range(20):
        found = plan_for(spec, couple, start=dt.date(2027, 3, 8), days=14, seed=seed)
        ann = [p for p in found if p.participant == "ann"]
        ben = [p for p in found if p.participant == "ben"]
        assert ann and [p.scheduled for p in ann] == [p.scheduled for p in ben]
        assert {p.dyad for p in found} == {"d1"}
        assert_inside_windows(spec, ann)
        for prompt in ben:  # inside the union of ben's own windows
            assert 9 * 60 <= wall_minutes(prompt.local) < 21 * 60
        assert_gap(ann, 60)
    # 9-21 London and 9-21 New York share 14:00-21:00 London (13:00-21:00 while the US
    # is already on summer time, 8-27 March 2027): window 1 never has a prompt.
    assert 1 not in {p.window for p in ann}


def test_partners_whose_windows_never_overlap_are_an_error() -> None:
    spec = ScheduleSpec.random("09:00-12:00", per_window=1)
    couple = Dyad("d1", Participant("ann", "Europe/London"), Participant("ben", "Asia/Tokyo"))
    with pytest.raises(ScheduleError) as error:
        plan_for(spec, couple, days=3)
    assert error.value.field == "tz_b"
    assert "never overlap" in error.value.message


def test_partners_in_one_zone_are_prompted_at_every_window() -> None:
    spec = ScheduleSpec.random(FOUR_WINDOWS, per_window=1, min_gap=60)
    couple = Dyad("d1", Participant("ann", "Europe/Paris"), Participant("ben", "Europe/Paris"))
    found = plan_for(spec, couple, days=2)
    assert len(found) == 16


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: ScheduleSpec.random("09:00-12:00,11:00-13:00"), "windows"),
        (lambda: ScheduleSpec.random("09:00-10:00", per_window=2, min_gap=60), "windows"),
        (lambda: ScheduleSpec.random("09:00-09:02", per_window=3), "per_window"),
        (lambda: ScheduleSpec.random("9am-noon"), "windows"),
        (lambda: ScheduleSpec.random("12:00-09:00"), "windows"),
        (lambda: ScheduleSpec.random("09:00-12:60"), "windows"),
        (lambda: ScheduleSpec.daily("25:00"), "times"),
        (lambda: ScheduleSpec.interval("09:00-12:00", every=0), "every"),
        (lambda: ScheduleSpec.daily("21:00", every_days=0), "every_days"),
        (lambda: ScheduleSpec.daily("21:00", expiry=2, reminders=3), "reminders"),
        (lambda: ScheduleSpec.random("09:00-12:00", min_gap=-5), "min_gap"),
    ],
)
def test_bad_schedules_name_the_field(build: object, field: str) -> None:
    with pytest.raises(ScheduleError) as error:
        build()  # type: ignore[operator]
    assert error.value.field == field
    assert str(error.value).startswith(f"{field}: ")


def test_an_unknown_time_zone_is_named() -> None:
    with pytest.raises(ScheduleError) as error:
        plan_for(ScheduleSpec.daily("21:00"), Participant("p", "Europe/Lndon"))
    assert error.value.field == "tz"
    assert "Europe/Lndon" in error.value.message


def test_a_participant_given_twice_is_an_error() -> None:
    with pytest.raises(ScheduleError) as error:
        plan(
            ScheduleSpec.daily("21:00"),
            [ALICE, ALICE],
            start=dt.date(2027, 5, 3),
            days=1,
            seed=1,
            now=None,
        )
    assert error.value.field == "participants"


def test_interval_prompts_for_a_dyad_fall_in_the_shared_hours() -> None:
    spec = ScheduleSpec.interval("09:00-21:00", every=120)
    couple = Dyad("d1", Participant("ann", "Europe/London"), Participant("ben", "Europe/Athens"))
    found = plan_for(spec, couple, start=dt.date(2027, 5, 3))
    # Athens is 2 hours ahead: ben's 09:00-21:00 is 07:00-19:00 in London.
    assert [p.local.strftime("%H:%M") for p in found if p.participant == "ann"] == [
        "09:00", "11:00", "13:00", "15:00", "17:00",
    ]  # fmt: skip
    assert [p.local.strftime("%H:%M") for p in found if p.participant == "ben"] == [
        "11:00", "13:00", "15:00", "17:00", "19:00",
    ]  # fmt: skip


def test_a_study_cannot_start_in_the_past_but_a_preview_can() -> None:
    spec = ScheduleSpec.daily("21:00")
    now = dt.datetime(2027, 5, 10, 12, 0, tzinfo=dt.UTC)
    with pytest.raises(ScheduleError) as error:
        plan(spec, [ALICE], start=dt.date(2027, 5, 9), days=3, seed=1, now=now)
    assert error.value.field == "start"
    assert len(plan(spec, [ALICE], start=dt.date(2027, 5, 10), days=3, seed=1, now=now)) == 3
    assert len(plan(spec, [ALICE], start=dt.date(2027, 5, 9), days=3, seed=1, now=None)) == 3


def test_the_table_has_iso_times_with_offsets() -> None:
    spec = ScheduleSpec.daily("21:00", reminders=1)
    frame = plan(spec, [ALICE], start=dt.date(2027, 3, 27), days=2, seed=1, now=None).to_frame()
    assert list(frame["local_time"]) == ["2027-03-27T21:00:00+00:00", "2027-03-28T21:00:00+01:00"]
    assert list(frame["utc_time"]) == ["2027-03-27T21:00:00+00:00", "2027-03-28T20:00:00+00:00"]
    assert list(frame["reminders_utc"]) == [
        "2027-03-27T21:30:00+00:00",
        "2027-03-28T20:30:00+00:00",
    ]
    assert np.all(frame["day"].to_numpy() == [1, 2])
