"""Properties of every plan, on random windows, gaps, zones, dates and seeds."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from alongside.research.schedule import Dyad, Participant, ScheduleSpec, Window, move, plan

ZONES = [
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # a 30-minute change
    "Asia/Kolkata",
    "America/Sao_Paulo",
    "UTC",
]
# Days around the 2027 changes, so that many examples cross one.
STARTS = [
    dt.date(2027, 3, 12),
    dt.date(2027, 3, 26),
    dt.date(2027, 4, 2),
    dt.date(2027, 10, 1),
    dt.date(2027, 10, 30),
    dt.date(2027, 11, 5),
]


@st.composite
def schedules(draw: st.DrawFn) -> ScheduleSpec:
    count = draw(st.integers(1, 4))
    edges = sorted(draw(st.sets(st.integers(0, 1440), min_size=2 * count, max_size=2 * count)))
    windows = tuple(Window(edges[i], edges[i + 1]) for i in range(0, 2 * count, 2))
    per_window = draw(st.integers(1, 3))
    shortest = min(w.minutes for w in windows)
    if shortest < per_window:
        per_window = 1
    gap = draw(st.integers(0, min(120, shortest // per_window)))
    return ScheduleSpec("random", windows=windows, per_window=per_window, min_gap=gap)


@settings(max_examples=150, deadline=None)
@given(
    spec=schedules(),
    zone=st.sampled_from(ZONES),
    start=st.sampled_from(STARTS),
    seed=st.integers(0, 2**32),
)
def test_every_prompt_is_inside_its_window_and_apart(
    spec: ScheduleSpec, zone: str, start: dt.date, seed: int
) -> None:
    people = [Participant("p1", zone), Participant("p2", zone)]
    result = plan(spec, people, start=start, days=4, seed=seed, now=None)
    by_person: dict[str, list[dt.datetime]] = {}
    per_slot: dict[tuple[str, int, int], int] = {}
    for prompt in result.prompts():
        window = spec.windows[prompt.window - 1]
        local = prompt.local
        assert local.utcoffset() == prompt.scheduled.astimezone(local.tzinfo).utcoffset()
        assert window.start <= local.hour * 60 + local.minute < window.end
        assert local.date() == start + dt.timedelta(days=prompt.day - 1)
        by_person.setdefault(prompt.participant, []).append(prompt.scheduled)
        slot = (prompt.participant, prompt.day, prompt.window)
        per_slot[slot] = per_slot.get(slot, 0) + 1
    assert all(n <= spec.per_window for n in per_slot.values())
    frame = result.to_frame()
    expected = [(p.local.isoformat(), p.scheduled.isoformat()) for p in result.prompts()]
    assert list(zip(frame["local_time"], frame["utc_time"], strict=True)) == expected
    for instants in by_person.values():
        assert instants == sorted(instants)
        assert len(set(instants)) == len(instants)
        for earlier, later in itertools.pairwise(instants):
            assert later - earlier >= dt.timedelta(minutes=spec.min_gap)
    # Most windows get all their prompts: only change days and short windows lose any.
    if all(w.minutes >= spec.per_window * max(spec.min_gap, 1) + 60 for w in spec.windows):
        assert len(result) >= 2 * 3 * len(spec.windows) * spec.per_window


@settings(max_examples=60, deadline=None)
@given(
    spec=schedules(),
    zones=st.tuples(st.sampled_from(ZONES), st.sampled_from(ZONES)),
    start=st.sampled_from(STARTS),
    seed=st.integers(0, 2**32),
)
def test_partners_are_always_prompted_together_inside_their_windows(
    spec: ScheduleSpec, zones: tuple[str, str], start: dt.date, seed: int
) -> None:
    couple = Dyad("d", Participant("a", zones[0]), Participant("b", zones[1]))
    try:
        result = plan(spec, [couple], start=start, days=3, seed=seed, now=None)
    except ValueError as error:
        assert "never overlap" in str(error)
        return
    found = list(result.prompts())
    a = [p for p in found if p.participant == "a"]
    b = [p for p in found if p.participant == "b"]
    assert [p.scheduled for p in a] == [p.scheduled for p in b]
    for prompt in b:
        minute = prompt.local.hour * 60 + prompt.local.minute
        assert any(w.start <= minute < w.end for w in spec.windows)
    for prompt in a:
        window = spec.windows[prompt.window - 1]
        assert window.start <= prompt.local.hour * 60 + prompt.local.minute < window.end


@settings(max_examples=40, deadline=None)
@given(spec=schedules(), seed=st.integers(0, 2**32))
def test_the_same_seed_gives_the_same_plan(spec: ScheduleSpec, seed: int) -> None:
    people = [Participant("p1", "Europe/London")]
    one = plan(spec, people, start=dt.date(2027, 3, 26), days=3, seed=seed, now=None)
    two = plan(spec, people, start=dt.date(2027, 3, 26), days=3, seed=seed, now=None)
    assert list(one.prompts()) == list(two.prompts())


@settings(max_examples=60, deadline=None)
@given(
    spec=schedules(),
    zones=st.tuples(st.sampled_from(ZONES), st.sampled_from(ZONES)),
    hours=st.integers(0, 5 * 24),
    seed=st.integers(0, 2**32),
)
def test_a_move_keeps_the_past_and_plans_the_rest_in_the_new_zone(
    spec: ScheduleSpec, zones: tuple[str, str], hours: int, seed: int
) -> None:
    start = dt.date(2027, 3, 26)
    before = plan(spec, [Participant("p", zones[0])], start=start, days=6, seed=seed, now=None)
    since = dt.datetime(2027, 3, 25, 12, tzinfo=dt.UTC) + dt.timedelta(hours=hours)
    after = move(
        before, spec, Participant("p", zones[1]), since=since, start=start, days=6, seed=seed
    )
    old, new = list(before.prompts()), list(after.prompts())
    assert [p for p in new if p.scheduled <= since] == [p for p in old if p.scheduled <= since]
    instants = [p.scheduled for p in new]
    assert instants == sorted(instants)
    for earlier, later in itertools.pairwise(instants):
        assert later - earlier >= dt.timedelta(minutes=max(spec.min_gap, 1))
    for prompt in new:
        if prompt.scheduled > since:
            assert prompt.local.tzinfo is not None
            assert str(prompt.local.tzinfo) == zones[1]
            window = spec.windows[prompt.window - 1]
            assert window.start <= prompt.local.hour * 60 + prompt.local.minute < window.end
