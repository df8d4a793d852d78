"""Benchmark: planning an experience-sampling study.

Plans 10,000 participants x 30 days x 8 random prompts (4 windows of 3 hours, 2 prompts
each, at least 30 minutes apart), in 4 time zones with waking times from 07:00 to
10:00, starting two weeks before the March 2027 changes to summer time. Timed: ``plan``
(every prompt's UTC instant, offset, day and window) and ``Plan.to_frame`` (the table
with ISO 8601 local times), end to end. The target is at most 10 s for both.

The baseline is the straightforward version: a Python loop over participants, days,
windows and prompts, with ``random.Random`` per participant and ``zoneinfo`` datetimes
for each window and prompt, producing the same columns. It runs on a subset (default
200 participants) in the same run and is scaled up to the full count.

Usage::

    .venv/bin/python bench/schedule_bench.py
    .venv/bin/python bench/schedule_bench.py --participants 10000 --baseline 200
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alongside.research.schedule import Participant, ScheduleSpec, plan

WINDOWS = "09:00-12:00,12:00-15:00,15:00-18:00,18:00-21:00"
ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Tokyo"]
START = dt.date(2027, 3, 1)
DAYS = 30
SEED = 7


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def participants(count: int) -> list[Participant]:
    people = []
    for number in range(count):
        wake = 7 * 60 + 15 * (number % 13)
        waking = (f"{wake // 60:02d}:{wake % 60:02d}", "23:59")
        people.append(Participant(f"p{number:05d}", ZONES[number % len(ZONES)], waking=waking))
    return people


def python_loop(spec: ScheduleSpec, people: list[Participant]) -> list[dict[str, object]]:
    """The baseline: one datetime at a time, as one would first write it."""
    rows: list[dict[str, object]] = []
    for person in people:
        zone = ZoneInfo(person.tz)
        generator = random.Random(f"{SEED}:{person.id}")
        assert person.waking is not None
        wake_h, wake_m = map(int, person.waking[0].split(":"))
        shift = wake_h * 60 + wake_m - spec.windows[0].start
        for day in range(DAYS):
            date = START + dt.timedelta(days=day)
            midnight = dt.datetime.combine(date, dt.time(0))
            for number, window in enumerate(spec.windows, start=1):
                opens = (midnight + dt.timedelta(minutes=window.start + shift)).replace(tzinfo=zone)
                closes = (midnight + dt.timedelta(minutes=window.end + shift)).replace(tzinfo=zone)
                length = int((closes.timestamp() - opens.timestamp()) // 60)
                gap, count = spec.min_gap, spec.per_window
                slack = length - count * gap
                offsets = sorted(generator.randint(0, slack) for _ in range(count))
                for index, offset in enumerate(offsets):
                    minute = offset + gap // 2 + index * gap
                    utc = dt.datetime.fromtimestamp(opens.timestamp() + minute * 60, dt.UTC)
                    local = utc.astimezone(zone)
                    rows.append(
                        {
                            "participant": person.id,
                            "day": day + 1,
                            "window": number,
                            "prompt": index + 1,
                            "local_time": local.isoformat(),
                            "utc_time": utc.isoformat(),
                            "expires_utc": (utc + dt.timedelta(minutes=spec.expiry)).isoformat(),
                        }
                    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=200, help="Participants in the loop.")
    args = parser.parse_args()
    spec = ScheduleSpec.random(WINDOWS, per_window=2, min_gap=30)
    people = participants(args.participants)
    print(f"load average: {_load()}")
    print(
        f"{args.participants:,} participants x {DAYS} days x {spec.slots * spec.per_window} "
        "random prompts, 4 zones, 13 waking times"
    )

    started = time.perf_counter()
    result = plan(spec, people, start=START, days=DAYS, seed=SEED, now=None)
    planned = time.perf_counter() - started
    frame = result.to_frame()
    total = time.perf_counter() - started
    print(f"plan:            {planned:7.2f} s  ({len(result):,} prompts)")
    print(f"plan + to_frame: {total:7.2f} s  ({len(frame):,} rows with ISO local times)")

    subset = participants(args.baseline)
    started = time.perf_counter()
    rows = python_loop(spec, subset)
    loop = time.perf_counter() - started
    scaled = loop * args.participants / args.baseline
    print(
        f"python loop:     {loop:7.2f} s for {args.baseline:,} participants ({len(rows):,} rows),"
        f" {scaled:.1f} s scaled to {args.participants:,}"
    )
    print(f"ratio: the loop takes {scaled / total:.1f}x as long as plan + to_frame")
    verdict = "within" if total <= 10 else "OVER"
    print(f"target: {total:.2f} s, {verdict} the 10 s target")


if __name__ == "__main__":
    main()
