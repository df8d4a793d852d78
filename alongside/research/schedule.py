"""The experience-sampling schedule engine: every prompt a study plans, without a database.

Given a schedule (``ScheduleSpec``), participants or dyads, a start date, a number of
days and a seed, ``plan`` returns a ``Plan``: every prompt with its UTC instant, local
time, day, window, expiry and reminders. The same inputs always give the same plan.

Time rules (docs/research.md, "The schedule"):

- Windows are read in the participant's local wall time, and a window is the real
  stretch of time during which the local clock shows a time inside it. Gaps and
  lengths are real elapsed minutes. On a spring-forward day a window loses the
  minutes that do not exist; on a fall-back day it gains the repeated ones, and a
  prompt in the repeated hour is one instant (its local time says which occurrence
  through its offset).
- Each random prompt sits at the centre of a private stretch of ``min_gap`` minutes
  inside its window, so any two prompts of a participant are at least ``min_gap``
  apart, within and across windows. A window that is shorter on a given day (a
  daylight-saving change, a join mid-window, a dyad's overlap) gets as many of its
  prompts as fit; with less than one gap left it is skipped that day.
- Fixed times that do not exist (spring forward) fire when the clock would have
  shown them (01:30 becomes 02:30 in London); repeated times fire once, at the first
  occurrence (``fold=0``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Dyad",
    "Participant",
    "Plan",
    "Prompt",
    "ScheduleError",
    "ScheduleSpec",
    "Window",
    "move",
    "parse_time",
    "parse_windows",
    "plan",
]

Kind = Literal["daily", "fixed", "random", "interval"]
_DAY = 1440
_EPOCH = dt.date(1970, 1, 1)


class ScheduleError(ValueError):
    """Bad schedule input: ``field`` names what is wrong, ``message`` says how."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def parse_time(text: str, field: str = "time") -> int:
    """``"09:30"`` → minutes after midnight (570); ``"24:00"`` is the end of the day."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if not match:
        raise ScheduleError(field, f"{text!r} is not a time like 09:30")
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ScheduleError(field, f"{text!r} is not a time of day")
    return hours * 60 + minutes


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, order=True)
class Window:
    """A stretch of the local day, in minutes after midnight: ``[start, end)``."""

    start: int
    end: int

    @classmethod
    def parse(cls, text: str, field: str = "windows") -> Window:
        parts = text.split("-")
        if len(parts) != 2:
            raise ScheduleError(field, f"{text!r} is not a window like 09:00-12:00")
        start, end = (parse_time(part, field) for part in parts)
        if end <= start:
            raise ScheduleError(field, f"{text} ends before it starts (windows stay within a day)")
        return cls(start, end)

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


def parse_windows(text: str, field: str = "windows") -> tuple[Window, ...]:
    """``"09:00-12:00,13:00-15:00"`` → windows, in order."""
    if not text.strip():
        raise ScheduleError(field, "give at least one window like 09:00-12:00")
    return tuple(Window.parse(part.strip(), field) for part in text.split(","))


@dataclass(frozen=True)
class ScheduleSpec:
    """One schedule of a study.

    kind: ``daily`` (one fixed local time), ``fixed`` (several), ``random``
    (``per_window`` prompts in each window, ``min_gap`` minutes apart) or ``interval``
    (every ``every`` minutes within each window). ``every_days`` plans every *k*-th day
    from the start date (14 is fortnightly). A prompt expires ``expiry`` minutes after
    it is sent, with ``reminders`` reminders evenly spaced before that. ``wakes_at`` is
    the waking time the windows assume (default: the first window's start, or no shift
    for fixed times); a participant who wakes later has every window moved later.
    """

    kind: Kind
    windows: tuple[Window, ...] = ()
    times: tuple[int, ...] = ()
    per_window: int = 1
    min_gap: int = 0
    every: int = 0
    every_days: int = 1
    expiry: int = 60
    reminders: int = 0
    wakes_at: int | None = None

    def __post_init__(self) -> None:
        for name in ("per_window", "every_days"):
            if getattr(self, name) < 1:
                raise ScheduleError(name, "must be at least 1")
        for name in ("min_gap", "expiry", "reminders"):
            if getattr(self, name) < 0:
                raise ScheduleError(name, "must not be negative")
        if self.reminders and self.expiry < self.reminders + 1:
            raise ScheduleError(
                "reminders", f"{self.reminders} reminders need an expiry of more minutes"
            )
        if self.kind in ("daily", "fixed"):
            if not self.times:
                raise ScheduleError("times", "give at least one time like 21:00")
            if self.kind == "daily" and len(self.times) != 1:
                raise ScheduleError("times", "a daily diary has one time")
            if any(not 0 <= t < _DAY for t in self.times):
                raise ScheduleError("times", "times are between 00:00 and 23:59")
            if len(set(self.times)) != len(self.times):
                raise ScheduleError("times", "a time is given twice")
        elif self.kind in ("random", "interval"):
            if not self.windows:
                raise ScheduleError("windows", "give at least one window like 09:00-12:00")
            ordered = sorted(self.windows)
            for first, second in itertools.pairwise(ordered):
                if second.start < first.end:
                    raise ScheduleError("windows", f"{first} and {second} overlap")
            if self.kind == "interval" and self.every < 1:
                raise ScheduleError("every", "an interval schedule needs every ≥ 1 minute")
            if self.kind == "random":
                for window in self.windows:
                    if self.min_gap and window.minutes < self.per_window * self.min_gap:
                        raise ScheduleError(
                            "windows",
                            f"{window} lasts {window.minutes} minutes, shorter than "
                            f"{self.per_window} prompts x {self.min_gap} minutes apart",
                        )
                    if self.per_window > window.minutes:
                        raise ScheduleError(
                            "per_window",
                            f"{self.per_window} prompts do not fit in {window}",
                        )
        else:
            raise ScheduleError("kind", f"unknown kind {self.kind!r}")

    @classmethod
    def daily(cls, at: str, **options: int) -> ScheduleSpec:
        """A daily diary at one local time: ``ScheduleSpec.daily("21:00")``."""
        return cls("daily", times=(parse_time(at, "times"),), **options)  # type: ignore[arg-type]

    @classmethod
    def fixed(cls, times: Sequence[str], **options: int) -> ScheduleSpec:
        """Prompts at fixed local times: ``ScheduleSpec.fixed(["09:00", "13:00"])``."""
        parsed = tuple(sorted(parse_time(t, "times") for t in times))
        return cls("fixed", times=parsed, **options)  # type: ignore[arg-type]

    @classmethod
    def random(
        cls, windows: str, per_window: int = 1, min_gap: int = 0, **options: int
    ) -> ScheduleSpec:
        """``per_window`` random prompts in each window, at least ``min_gap`` minutes apart."""
        return cls(
            "random",
            windows=parse_windows(windows),
            per_window=per_window,
            min_gap=min_gap,
            **options,  # type: ignore[arg-type]
        )

    @classmethod
    def interval(cls, windows: str, every: int, **options: int) -> ScheduleSpec:
        """A prompt every ``every`` minutes from the start of each window."""
        return cls("interval", windows=parse_windows(windows), every=every, **options)  # type: ignore[arg-type]

    @property
    def slots(self) -> int:
        """How many windows (or fixed times) a day has."""
        return len(self.windows) if self.windows else len(self.times)

    def _reference_wake(self) -> int | None:
        if self.wakes_at is not None:
            return self.wakes_at
        return self.windows[0].start if self.windows else None


@dataclass(frozen=True)
class Participant:
    """Someone to prompt: an id, an IANA time zone, optional waking hours (wake, sleep)
    as "HH:MM" strings, and the instant they joined (prompts only after it)."""

    id: str
    tz: str
    waking: tuple[str, str] | None = None
    joined: dt.datetime | None = None

    def zone(self) -> ZoneInfo:
        return _zone(self.tz, "tz")


@dataclass(frozen=True)
class Dyad:
    """A couple prompted together: both partners at the same instants. Days and window
    numbers follow partner ``a``'s local calendar."""

    id: str
    a: Participant
    b: Participant


@dataclass(frozen=True)
class Prompt:
    """One planned prompt, as it is stored."""

    participant: str
    dyad: str | None
    day: int
    window: int
    number: int
    scheduled: dt.datetime
    local: dt.datetime
    expires: dt.datetime
    reminders: tuple[dt.datetime, ...]


def _zone(name: str, field: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ScheduleError(field, f"unknown time zone {name!r} (use an IANA name)") from None


@dataclass(frozen=True)
class Plan:
    """Every planned prompt, as parallel numpy arrays (one row per person and prompt).

    ``utc`` is minutes since 1970-01-01 UTC, ``offset`` the local UTC offset in minutes
    at that instant; ``member`` indexes ``ids``/``dyads``/``zones``.
    """

    ids: tuple[str, ...]
    dyads: tuple[str | None, ...]
    zones: tuple[str, ...]
    member: np.ndarray
    day: np.ndarray
    window: np.ndarray
    number: np.ndarray
    utc: np.ndarray
    offset: np.ndarray
    expiry: int
    reminders: int
    columns: ClassVar[tuple[str, ...]] = (
        "participant",
        "dyad",
        "day",
        "window",
        "prompt",
        "local_time",
        "utc_time",
        "expires_utc",
        "reminders_utc",
    )

    def __len__(self) -> int:
        return len(self.utc)

    def reminder_minutes(self) -> np.ndarray:
        """The planned reminder instants (minutes since the epoch), one column each."""
        steps = np.arange(1, self.reminders + 1) * self.expiry // (self.reminders + 1)
        return self.utc[:, None] + steps[None, :]

    def to_frame(self) -> pd.DataFrame:
        """A tidy table, one row per prompt, with ISO 8601 times (local with offset)."""
        import pandas as pd

        frame = pd.DataFrame(
            {
                "participant": np.asarray(self.ids, dtype=object)[self.member],
                "dyad": np.asarray(self.dyads, dtype=object)[self.member],
                "day": self.day,
                "window": self.window,
                "prompt": self.number,
                "local_time": _iso(self.utc, self.offset),
                "utc_time": _iso_utc(self.utc),
                "expires_utc": _iso_utc(self.utc + self.expiry),
            }
        )
        if self.reminders:
            parts = [_iso_utc(column) for column in self.reminder_minutes().T]
            joined = parts[0].astype(object)
            for part in parts[1:]:
                joined = joined + ";" + part.astype(object)
            frame["reminders_utc"] = joined
        else:
            frame["reminders_utc"] = ""
        return frame

    def prompts(self) -> Iterator[Prompt]:
        """Each prompt with aware datetimes (local ones carry the right ``fold``)."""
        zones = {name: ZoneInfo(name) for name in set(self.zones)}
        steps = [i * self.expiry // (self.reminders + 1) for i in range(1, self.reminders + 1)]
        for row in range(len(self)):
            member = int(self.member[row])
            minutes = int(self.utc[row])
            scheduled = dt.datetime.fromtimestamp(minutes * 60, dt.UTC)
            yield Prompt(
                participant=self.ids[member],
                dyad=self.dyads[member],
                day=int(self.day[row]),
                window=int(self.window[row]),
                number=int(self.number[row]),
                scheduled=scheduled,
                local=_local(scheduled, zones[self.zones[member]], int(self.offset[row])),
                expires=scheduled + dt.timedelta(minutes=self.expiry),
                reminders=tuple(scheduled + dt.timedelta(minutes=s) for s in steps),
            )


def _local(scheduled: dt.datetime, zone: ZoneInfo, offset: int) -> dt.datetime:
    local = scheduled.astimezone(zone)
    if local.utcoffset() == dt.timedelta(minutes=offset):
        return local
    # Planned before a move to another zone: the time as it was shown then.
    return scheduled.astimezone(dt.timezone(dt.timedelta(minutes=offset)))


def _iso_utc(minutes: np.ndarray) -> np.ndarray:
    return _iso(minutes, np.zeros(len(minutes), dtype=np.int64))


def _iso(utc: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """ISO 8601 local times with their offset, as objects; each distinct instant and
    offset is formatted once (a plan has far fewer distinct minutes than rows)."""
    keys = (utc.astype(np.int64) + offset) * 2048 + (offset.astype(np.int64) + 1024)
    unique, inverse = np.unique(keys, return_inverse=True)
    local, shifted = np.divmod(unique, 2048)
    offsets = shifted - 1024
    text = np.datetime_as_string(local.astype("datetime64[m]"), unit="s").astype(object)
    signs = np.where(offsets < 0, "-", "+").astype(object)
    hours = np.char.zfill((np.abs(offsets) // 60).astype(str), 2).astype(object)
    mins = np.char.zfill((np.abs(offsets) % 60).astype(str), 2).astype(object)
    formatted = text + signs + hours + ":" + mins
    return formatted[inverse.reshape(-1)]


# --- Where the local clock shows what: constant-offset stretches of real time ----------


def _offset(zone: ZoneInfo, utc_minute: int) -> int:
    moment = dt.datetime.fromtimestamp(utc_minute * 60, zone)
    delta = moment.utcoffset()
    assert delta is not None
    return int(delta.total_seconds()) // 60


def _segments(zone: ZoneInfo, first: int, last: int) -> list[tuple[int, int, int]]:
    """Stretches ``(utc_start, utc_end, offset)`` of constant offset covering
    ``[first, last)`` (UTC minutes). Transitions are found hourly, then to the minute."""
    samples = [*range(first, last, 60), last]
    offsets = [_offset(zone, t) for t in samples]
    segments: list[tuple[int, int, int]] = []
    begin = first
    for (t0, o0), (t1, o1) in itertools.pairwise(zip(samples, offsets, strict=True)):
        if o0 == o1:
            continue
        low, high = t0, t1  # offset(low) == o0, offset(high) != o0
        while high - low > 1:
            mid = (low + high) // 2
            if _offset(zone, mid) == o0:
                low = mid
            else:
                high = mid
        segments.append((begin, high, o0))
        begin = high
    segments.append((begin, last, offsets[-1]))
    return segments


def _wall_to_utc(
    segments: list[tuple[int, int, int]], wall_start: int, wall_end: int
) -> list[tuple[int, int, int]]:
    """The real stretches during which the clock shows ``[wall_start, wall_end)``."""
    pieces = []
    for u0, u1, offset in segments:
        start = max(u0, wall_start - offset)
        end = min(u1, wall_end - offset)
        if end > start:
            pieces.append((start, end, offset))
    return pieces


def _wall_point(segments: list[tuple[int, int, int]], wall: int) -> tuple[int, int]:
    """The instant a fixed local time fires: the first occurrence of a repeated time;
    for a time that does not exist, when the clock would have shown it (shifted forward
    by the gap, as zoneinfo reads ``fold=0``)."""
    for u0, u1, offset in segments:
        if u0 <= wall - offset < u1:
            return wall - offset, offset
    # In a spring-forward gap: read with the offset before the change.
    for (_, u1, before), (_, _, after) in itertools.pairwise(segments):
        if u1 + before <= wall < u1 + after:
            return wall - before, after
    raise AssertionError("wall time outside the planned range")


# --- Planning -------------------------------------------------------------------------


def _shift(spec: ScheduleSpec, person: Participant) -> int:
    if person.waking is None:
        return 0
    wake = parse_time(person.waking[0], "waking")
    sleep = parse_time(person.waking[1], "waking")
    reference = spec._reference_wake()
    if reference is None:
        return 0
    shift = wake - reference
    spans = [(w.start, w.end) for w in spec.windows] or [(t, t + 1) for t in spec.times]
    earliest, latest = min(s for s, _ in spans) + shift, max(e for _, e in spans) + shift
    awake_until = sleep if sleep > wake else _DAY
    if earliest < 0 or latest > min(awake_until, _DAY):
        raise ScheduleError(
            "waking",
            f"{person.id} is awake {person.waking[0]}-{person.waking[1]}, too short for "
            f"{_hhmm(earliest - shift)}-{_hhmm(latest - shift)} moved to start at "
            f"{person.waking[0]}",
        )
    return shift


def _slots(spec: ScheduleSpec, shift: int) -> list[tuple[int, int]]:
    if spec.windows:
        return [(w.start + shift, w.end + shift) for w in spec.windows]
    return [(t + shift, t + shift + 1) for t in spec.times]


def _pieces(
    spec: ScheduleSpec, zone: ZoneInfo, start: dt.date, days: int, shift: int
) -> list[list[list[tuple[int, int, int]]]]:
    """For each day and window, the real stretches ``(utc_start, utc_end, offset)``."""
    base = (start - _EPOCH).days * _DAY
    segments = _segments(zone, base - 1500, base + (days + 1) * _DAY + 1500)
    result = []
    for day in range(days):
        row: list[list[tuple[int, int, int]]] = []
        active = day % spec.every_days == 0
        midnight = base + day * _DAY
        for s, e in _slots(spec, shift):
            if not active:
                row.append([])
            elif spec.windows:
                row.append(_wall_to_utc(segments, midnight + s, midnight + e))
            else:
                instant, offset = _wall_point(segments, midnight + s)
                row.append([(instant, instant + 1, offset)])
        result.append(row)
    return result


def _dyad_pieces(
    spec: ScheduleSpec, dyad: Dyad, start: dt.date, days: int
) -> list[list[list[tuple[int, int, int, int]]]]:
    """Partner a's windows cut down to when partner b's windows are open too."""
    zone_a, zone_b = _zone(dyad.a.tz, "tz"), _zone(dyad.b.tz, "tz_b")
    a = _pieces(spec, zone_a, start, days, _shift(spec, dyad.a))
    if spec.windows:
        b_days = _pieces(spec, zone_b, start - dt.timedelta(days=1), days + 2, _shift(spec, dyad.b))
        b_open = sorted(piece for row in b_days for window in row for piece in window)
    else:
        base = (start - _EPOCH).days * _DAY
        b_open = _segments(zone_b, base - 1500, base + (days + 1) * _DAY + 1500)
    result = []
    for row in a:
        out_row = []
        for window in row:
            shared = []
            for s0, e0, oa in window:
                for s1, e1, ob in b_open:
                    lo, hi = max(s0, s1), min(e0, e1)
                    if hi > lo:
                        shared.append((lo, hi, oa, ob))
            out_row.append(sorted(shared))
        result.append(out_row)
    return result


def _rng_draws(seed: int, key: str, shape: tuple[int, ...]) -> np.ndarray:
    digest = hashlib.sha256(key.encode()).digest()
    words = [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]
    generator = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *words])))
    return generator.random(shape)


def _place(
    spec: ScheduleSpec,
    starts: np.ndarray,
    ends: np.ndarray,
    offsets: np.ndarray,
    joined: np.ndarray,
    draws: np.ndarray | None,
) -> tuple[np.ndarray, ...]:
    """Place the prompts of a group sharing the same windows, vectorised.

    starts, ends: (D, W, K) real stretches of each window; offsets: (D, W, K, M) local
    offsets of each of M people; joined: (P,) first allowed minute for each member;
    draws: (P, D, W, n) uniforms for random schedules. Returns flat arrays: member,
    day, window, number, utc, and offsets (rows, M).
    """
    members = len(joined)
    lengths = ends - starts  # (D, W, K)
    if spec.kind == "random":
        assert draws is not None
        # Prompts fall on whole minutes, so no gap still means one minute apart.
        n, gap = spec.per_window, max(spec.min_gap, 1)
        clipped = np.maximum(starts[None], joined[:, None, None, None])  # (P, D, W, K)
        size = np.maximum(ends[None] - clipped, 0)
        total = size.sum(-1)  # (P, D, W)
        fits = np.minimum(n, total // gap)
        index = np.arange(n)
        valid = index < fits[..., None]
        ordered = np.sort(np.where(valid, draws, 2.0), axis=-1)
        span = total - fits * gap + 1
        x = np.floor(ordered * span[..., None]).astype(np.int64) + gap // 2 + index * gap
        cumulative = np.cumsum(size, axis=-1)
        piece = (x[..., None] >= cumulative[..., None, :]).sum(-1)
        piece = np.minimum(piece, size.shape[-1] - 1)
        before = np.take_along_axis(cumulative - size, piece, axis=-1)
        first = np.take_along_axis(clipped, piece, axis=-1)
        utc = first + x - before
        keep = valid
    else:
        step = spec.every if spec.kind == "interval" else _DAY * 400
        longest = int(lengths.sum(-1).max(initial=0))
        count = max(1, -(-longest // step))
        x = np.arange(count) * step  # (n,)
        size = lengths
        cumulative = np.cumsum(size, axis=-1)  # (D, W, K)
        piece = (x[None, None, :, None] >= cumulative[:, :, None, :]).sum(-1)  # (D, W, n)
        inside = piece < size.shape[-1]
        piece = np.minimum(piece, size.shape[-1] - 1)
        before = np.take_along_axis(cumulative - size, piece, axis=-1)
        first = np.take_along_axis(starts, piece, axis=-1)
        utc1 = first + x[None, None, :] - before
        utc = np.broadcast_to(utc1, (members, *utc1.shape))
        piece = np.broadcast_to(piece, utc.shape)
        keep = inside[None] & (utc >= joined[:, None, None, None])
    p, d, w, i = np.nonzero(keep)
    chosen = piece[p, d, w, i]
    return p, d, w, i, utc[p, d, w, i], offsets[d, w, chosen]


def _arrays(
    pieces: Sequence[Sequence[Sequence[tuple[int, ...]]]], people: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    days, windows = len(pieces), len(pieces[0]) if pieces else 0
    width = max([len(w) for row in pieces for w in row] + [1])
    starts = np.zeros((days, windows, width), dtype=np.int64)
    ends = np.zeros_like(starts)
    offsets = np.zeros((days, windows, width, people), dtype=np.int64)
    for d, row in enumerate(pieces):
        for w, window in enumerate(row):
            for k, (s, e, *offs) in enumerate(window):
                starts[d, w, k], ends[d, w, k] = s, e
                offsets[d, w, k] = offs
    return starts, ends, offsets


def _first_minute(moment: dt.datetime | None) -> int:
    """Prompts come strictly after ``moment``: its minute plus one."""
    if moment is None:
        return -(2**62)
    if moment.tzinfo is None:
        raise ScheduleError("joined", "give an aware datetime (with a time zone)")
    return int(moment.timestamp() // 60) + 1


def plan(
    spec: ScheduleSpec,
    people: Sequence[Participant | Dyad],
    *,
    start: dt.date,
    days: int,
    seed: int,
    now: dt.datetime | None,
) -> Plan:
    """Plan every prompt of ``spec`` for ``people`` over ``days`` days from ``start``.

    ``now`` is the current instant when a study plans for real: a start date before
    today (in a participant's zone) is refused unless that participant has ``joined``
    set. Pass ``now=None`` for a preview, which accepts any date. Dyads are prompted
    together (both partners at the same instant), within partner a's windows while
    partner b's windows are open too; a dyad whose windows never overlap is an error.
    """
    if days < 1:
        raise ScheduleError("days", "must be at least 1")
    if seed < 0:
        raise ScheduleError("seed", "must not be negative")
    ids: list[str] = []
    dyad_ids: list[str | None] = []
    zones: list[str] = []
    groups: dict[tuple[str | int, ...], list[tuple[int, Participant | Dyad]]] = {}
    for person in people:
        first = person.a if isinstance(person, Dyad) else person
        if now is not None and first.joined is None:
            today = now.astimezone(first.zone()).date()
            if start < today:
                raise ScheduleError("start", f"{start} is in the past (today is {today})")
        if isinstance(person, Dyad):
            key: tuple[str | int, ...] = (
                "dyad",
                person.a.tz,
                _shift(spec, person.a),
                person.b.tz,
                _shift(spec, person.b),
            )
            _zone(person.b.tz, "tz_b")
            pair: list[tuple[Participant, str | None]] = [
                (person.a, person.id),
                (person.b, person.id),
            ]
        else:
            person.zone()
            key = ("one", person.tz, _shift(spec, person))
            pair = [(person, None)]
        groups.setdefault(key, []).append((len(ids), person))
        for member, dyad in pair:
            ids.append(member.id)
            dyad_ids.append(dyad)
            zones.append(member.tz)

    columns: dict[str, list[np.ndarray]] = {k: [] for k in ("member", "d", "w", "i", "utc", "off")}
    draw_shape = (days, spec.slots, spec.per_window)
    for entries in groups.values():
        sample = entries[0][1]
        if isinstance(sample, Dyad):
            pieces: Sequence[Sequence[Sequence[tuple[int, ...]]]] = _dyad_pieces(
                spec, sample, start, days
            )
            width = 2
        else:
            pieces = _pieces(spec, sample.zone(), start, days, _shift(spec, sample))
            width = 1
        starts, ends, offsets = _arrays(pieces, width)
        joined = np.array(
            [_first_minute((e.a if isinstance(e, Dyad) else e).joined) for _, e in entries],
            dtype=np.int64,
        )
        draws = None
        if spec.kind == "random":
            draws = np.stack(
                [
                    _rng_draws(seed, f"dyad:{e.id}" if isinstance(e, Dyad) else e.id, draw_shape)
                    for _, e in entries
                ]
            )
        p, d, w, i, utc, off = _place(spec, starts, ends, offsets, joined, draws)
        if isinstance(sample, Dyad):
            dyads_found = set(p.tolist())
            for index, (_, entry) in enumerate(entries):
                if index not in dyads_found and joined[index] < 0:
                    raise ScheduleError(
                        "tz_b",
                        f"the windows of dyad {entry.id} never overlap between "
                        f"{sample.a.tz} and {sample.b.tz}",
                    )
        base = np.array([b for b, _ in entries], dtype=np.int64)
        for partner in range(width):
            columns["member"].append(base[p] + partner)
            columns["d"].append(d)
            columns["w"].append(w)
            columns["i"].append(i)
            columns["utc"].append(utc)
            columns["off"].append(off[:, partner])

    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})[0]
        raise ScheduleError("participants", f"{twice} is given twice")

    def joined_columns(name: str) -> np.ndarray:
        parts = columns[name]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    rows = joined_columns("member")
    utc = joined_columns("utc")
    order = np.lexsort((utc, rows))
    # Rows of a window's prompts are numbered 1.. in time order within that window.
    number = joined_columns("i")[order] + 1
    return Plan(
        ids=tuple(ids),
        dyads=tuple(dyad_ids),
        zones=tuple(zones),
        member=rows[order].astype(np.int32),
        day=(joined_columns("d")[order] + 1).astype(np.int32),
        window=(joined_columns("w")[order] + 1).astype(np.int16),
        number=number.astype(np.int16),
        utc=utc[order],
        offset=joined_columns("off")[order].astype(np.int16),
        expiry=spec.expiry,
        reminders=spec.reminders,
    )


def move(
    previous: Plan,
    spec: ScheduleSpec,
    participant: Participant,
    *,
    since: dt.datetime,
    start: dt.date,
    days: int,
    seed: int,
) -> Plan:
    """Re-plan ``participant`` (same id, new ``tz``) from ``since``: prompts planned up
    to that instant stay as they were; later ones are planned afresh in the new zone.

    The first new prompt also keeps ``min_gap`` after the last kept one.
    """
    if participant.id not in previous.ids:
        raise ScheduleError("participant", f"{participant.id} is not in the plan")
    index = previous.ids.index(participant.id)
    cut = _first_minute(since)
    mine = previous.member == index
    kept = ~mine | (previous.utc < cut)
    last_kept = previous.utc[mine & kept]
    resume = since
    if len(last_kept) and spec.min_gap:
        after_gap = int(last_kept.max()) + spec.min_gap - 1
        resume = max(since, dt.datetime.fromtimestamp(after_gap * 60, dt.UTC))
    fresh = plan(
        spec, [replace(participant, joined=resume)], start=start, days=days, seed=seed, now=None
    )
    zones = list(previous.zones)
    zones[index] = participant.tz
    member = np.concatenate([previous.member[kept], np.full(len(fresh), index, np.int32)])
    utc = np.concatenate([previous.utc[kept], fresh.utc])
    order = np.lexsort((utc, member))

    def both(name: str) -> np.ndarray:
        return np.concatenate([getattr(previous, name)[kept], getattr(fresh, name)])[order]

    return replace(
        previous,
        zones=tuple(zones),
        member=member[order],
        day=both("day"),
        window=both("window"),
        number=both("number"),
        utc=utc[order],
        offset=both("offset"),
    )
