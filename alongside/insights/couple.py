"""What a couple's shared check-ins say, in pictures and plain words.

Built only from what both people share with each other: a person's mood counts only if
they share "mood" with the other, their needs only if they share "needs", and days kept
private never count — for either of them. The statistics come from
``alongside.analytics`` (Sels et al. 2016); the chance comparison re-pairs one partner's
days with the other's days from other weeks (time-shifted pseudo couples), so no other
couple's data is ever read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from alongside.checkins.models import NEEDS, CheckIn
from alongside.circle import access
from alongside.lib.charts import interval_chart, lines_chart, paired_bars

WINDOW_DAYS = 90
MIN_SHARED_DAYS = 14  # same-day correlation
MIN_PAIRS = 21  # consecutive shared days for carry-over
LOW_NEED = 2.5


@dataclass
class Finding:
    title: str
    sentence: str
    svg: Any = None
    not_yet: str = ""


@dataclass
class CoupleInsights:
    categories: set[str]
    shared_days: int
    findings: list[Finding] = field(default_factory=list)
    nothing_shared: bool = False


def _rows(owner: Any, viewer: Any, partner: Any, category: str, since: dt.date) -> list[CheckIn]:
    """The owner's check-ins as the *other* partner may see them for ``category``.

    A couple page compares like with like: my own days count only as far as I share
    them with my partner, just as theirs count only as far as they share with me.
    """
    other = partner if owner.pk == viewer.pk else viewer
    return access.read(
        viewer,
        CheckIn.objects.filter(day__gte=since).order_by("day"),
        category,
        owner=owner,
        audience=other,
        detail=_("couple insights"),
    ).rows


def _series(rows: list[CheckIn], days: list[dt.date], attr: str) -> np.ndarray:
    by_day = {c.day: getattr(c, attr) for c in rows}
    return np.array([np.nan if by_day.get(d) is None else float(by_day[d]) for d in days])


def _shifted(values: np.ndarray) -> np.ndarray:
    """The partner's series shifted by every whole number of weeks and more (circular)."""
    n = len(values)
    shifts = [s for s in range(7, n - 6)]
    return np.stack([np.roll(values, s) for s in shifts]) if shifts else np.empty((0, n))


def _chance_words(percentile: float) -> str:
    if percentile >= 95:
        return _("That is more than chance would give.")
    return _("That is within what chance alone could give.")


@dataclass(frozen=True)
class SameDayLink:
    """How two people's daily values move together on the same day, against chance.

    ``status`` is "not_enough" (fewer than ``MIN_SHARED_DAYS`` days with both values),
    "no_variation" (too little movement to tell) or "estimated". ``band`` is the 5th to
    95th percentile of the same correlation in time-shifted pseudo couples (the partner's
    days re-paired with the other's days from other weeks), and ``percentile`` where the
    real one falls among them; both are None without enough pseudo couples.
    """

    days: int
    status: str
    r: float = 0.0
    low: float = 0.0
    high: float = 0.0
    band: tuple[float, float] | None = None
    percentile: float | None = None

    @property
    def is_clear(self) -> bool:
        """The likely range lies wholly on one side of zero."""
        return self.status == "estimated" and (self.low > 0 or self.high < 0)


def same_day_link(a: np.ndarray, b: np.ndarray) -> SameDayLink:
    """The same-day correlation of two daily series (NaN: no value that day).

    Whose series they are does not matter here: a partner's page and a therapist's page
    word the same numbers for their own reader.
    """
    both = ~np.isnan(a) & ~np.isnan(b)
    n = int(both.sum())
    if n < MIN_SHARED_DAYS:
        return SameDayLink(days=n, status="not_enough")
    # pandas and scipy load only when a couple page is drawn: every other page (and each
    # worker's first request) stays quick.
    import pandas as pd

    from alongside.analytics import synchrony

    frame = pd.DataFrame({"dyad": 1, "day": np.arange(len(a)), "a": a, "b": b}).dropna()
    result = synchrony(frame, dyad="dyad", time="day", a="a", b="b", min_pairs=MIN_SHARED_DAYS)
    row = result[result["term"] == "concurrent_correlation"].iloc[0]
    if row["status"] != "estimated":
        return SameDayLink(days=n, status="no_variation")
    r, lo, hi = float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"])
    chance = []
    for shifted in _shifted(b):
        ok = ~np.isnan(a) & ~np.isnan(shifted)
        if ok.sum() >= MIN_SHARED_DAYS and np.std(a[ok]) > 0 and np.std(shifted[ok]) > 0:
            chance.append(float(np.corrcoef(a[ok], shifted[ok])[0, 1]))
    if not chance:
        return SameDayLink(days=n, status="estimated", r=r, low=lo, high=hi)
    return SameDayLink(
        days=n,
        status="estimated",
        r=r,
        low=lo,
        high=hi,
        band=(float(np.percentile(chance, 5)), float(np.percentile(chance, 95))),
        percentile=float(np.mean(np.array(chance) < r) * 100),
    )


def _same_day(a: np.ndarray, b: np.ndarray, me: str, them: str) -> Finding:
    link = same_day_link(a, b)
    n = link.days
    title = _("Moving together on the same day")
    if link.status == "not_enough":
        return Finding(
            title,
            "",
            not_yet=_("Not enough shared days yet (%(n)d of %(need)d).")
            % {"n": n, "need": MIN_SHARED_DAYS},
        )
    if link.status != "estimated":
        return Finding(title, "", not_yet=_("Your moods have not varied enough to tell yet."))
    r, lo, hi = link.r, link.low, link.high
    if lo > 0:
        sentence = _(
            "On the same day your moods tend to move together: when one of you has a better "
            "day, the other often does too (r = %(r).2f, likely between %(lo).2f and %(hi).2f, "
            "over %(n)d shared days)."
        ) % {"r": r, "lo": lo, "hi": hi, "n": n}
    elif hi < 0:
        sentence = _(
            "On the same day your moods tend to go opposite ways (r = %(r).2f, likely between "
            "%(lo).2f and %(hi).2f, over %(n)d shared days)."
        ) % {"r": r, "lo": lo, "hi": hi, "n": n}
    else:
        sentence = _(
            "So far your moods don't clearly move together on the same day (r = %(r).2f, "
            "likely between %(lo).2f and %(hi).2f, over %(n)d shared days). Many couples are "
            "like this; it says nothing about how close you are."
        ) % {"r": r, "lo": lo, "hi": hi, "n": n}
    # Compare with chance only when there is something to compare: a clear link.
    if link.percentile is not None and link.is_clear:
        sentence += " " + _chance_words(link.percentile)
    svg = interval_chart(
        [(_("Same-day link"), r, lo, hi, link.band)],
        low=-1,
        high=1,
        title=title,
        desc=sentence,
    )
    return Finding(title, sentence, svg=svg)


def _carry_over(a: np.ndarray, b: np.ndarray, me: str, them: str) -> Finding:
    from alongside.analytics import networks_from_arrays

    title = _("Carrying over to the next day")
    result = networks_from_arrays(a[None, :], b[None, :], min_pairs=MIN_PAIRS)
    n_pairs = int(result["n_pairs"].iloc[0])
    if (result["status"] != "estimated").any():
        return Finding(
            title,
            "",
            not_yet=_("Not enough shared days in a row yet (%(n)d of %(need)d).")
            % {"n": n_pairs, "need": MIN_PAIRS},
        )
    shifted = _shifted(b)
    bands: dict[str, tuple[float, float] | None] = {}
    percentiles: dict[str, float] = {}
    terms = {"carryover_a_to_b": (me, them), "carryover_b_to_a": (them, me)}
    real = {
        str(term): (float(est), float(lo), float(hi))
        for term, est, lo, hi in zip(
            result["term"].astype(str),
            result["estimate"].to_numpy(dtype=float),
            result["ci_low"].to_numpy(dtype=float),
            result["ci_high"].to_numpy(dtype=float),
            strict=True,
        )
    }
    chance = result.iloc[0:0]
    if len(shifted):
        chance = networks_from_arrays(
            np.repeat(a[None, :], len(shifted), axis=0), shifted, min_pairs=MIN_PAIRS
        )
        chance = chance[chance["status"] == "estimated"]
    for term in terms:
        values: np.ndarray = chance.loc[chance["term"] == term, "estimate"].to_numpy(dtype=float)
        if len(values) >= 5:
            bands[term] = (float(np.percentile(values, 5)), float(np.percentile(values, 95)))
            percentiles[term] = float(np.mean(np.abs(values) < abs(real[term][0])) * 100)
        else:
            bands[term] = None
    sentences = []
    rows = []
    for term, (source, target) in terms.items():
        est, lo, hi = real[term]
        words = {"a": source, "b": target, "est": est, "lo": lo, "hi": hi}
        if lo > 0:
            text = (
                _(
                    "When %(a)s has a better or harder day, %(b)s's next day tends to follow a "
                    "little (%(est).2f, likely between %(lo).2f and %(hi).2f)."
                )
                % words
            )
        elif hi < 0:
            text = (
                _(
                    "When %(a)s has a better day, %(b)s's next day tends to go a little the other "
                    "way (%(est).2f, likely between %(lo).2f and %(hi).2f)."
                )
                % words
            )
        else:
            text = (
                _(
                    "No clear carry-over from %(a)s to %(b)s yet (%(est).2f, likely between "
                    "%(lo).2f and %(hi).2f)."
                )
                % words
            )
        if term in percentiles and (lo > 0 or hi < 0):
            text += " " + _chance_words(percentiles[term])
        sentences.append(text)
        rows.append((_("%(a)s → %(b)s") % words, est, lo, hi, bands[term]))
    sentences.append(
        _(
            "Many couples show little carry-over from one partner to the other (about two in "
            "three in one study, Sels et al. 2016). Neither way is better: little carry-over "
            "can simply mean each of you keeps steady on your own."
        )
    )
    sentence = " ".join(sentences)
    svg = interval_chart(rows, low=-1, high=1, title=title, desc=sentence)
    return Finding(title, sentence, svg=svg)


def _needs(
    mine: list[CheckIn], theirs: list[CheckIn], me: str, them: str, since: dt.date
) -> Finding:
    title = _("Needs, side by side (last 30 days)")
    rows: list[tuple[str, list[float | None]]] = []
    notes: list[str] = []
    for key, label in NEEDS:
        averages: list[float | None] = []
        for person_rows in (mine, theirs):
            rated = [
                getattr(c, f"need_{key}")
                for c in person_rows
                if c.day >= since and getattr(c, f"need_{key}") is not None
            ]
            averages.append(float(np.mean(rated)) if rated else None)
        rows.append((str(label), averages))
        for name, value in zip((me, them), averages, strict=True):
            if value is not None and value <= LOW_NEED:
                notes.append(
                    _("%(need)s ran low for %(name)s (%(v).1f of 5).")
                    % {"need": str(label), "name": name, "v": value}
                )
        if None not in averages and abs(averages[0] - averages[1]) >= 1.5:  # type: ignore[operator]
            notes.append(
                _("You experience %(need)s quite differently (%(a).1f and %(b).1f).")
                % {"need": str(label).lower(), "a": averages[0], "b": averages[1]}
            )
    if not any(v is not None for _label, values in rows for v in values):
        return Finding(title, "", not_yet=_("No needs rated on shared days in the last 30 days."))
    sentence = " ".join(notes) or _("No need ran low for either of you lately.")
    sentence += " " + _("Worth a gentle word when you check in together, not a verdict.")
    svg = paired_bars(rows, names=[me, them], low=0, high=5, title=title, desc=sentence)
    return Finding(title, sentence, svg=svg)


def _balance(
    mine: list[CheckIn], theirs: list[CheckIn], me: str, them: str, since: dt.date
) -> Finding:
    """Feeling close (0-4) and autonomy met (1-5), both as a share of their scale."""
    title = _("Closeness and autonomy")
    rows: list[tuple[str, list[float | None]]] = [
        (_("feeling close"), []),
        (_("own space met"), []),
    ]
    words: list[str] = []
    for name, person_rows in ((me, mine), (them, theirs)):
        close = [c.close for c in person_rows if c.day >= since and c.close is not None]
        own = [
            c.need_autonomy for c in person_rows if c.day >= since and c.need_autonomy is not None
        ]
        close_share = 100 * float(np.mean(close)) / 4 if close else None
        own_share = 100 * (float(np.mean(own)) - 1) / 4 if own else None
        rows[0][1].append(close_share)
        rows[1][1].append(own_share)
        if close_share is not None and own_share is not None:
            if close_share >= 60 and own_share < 40:
                words.append(
                    _("%(n)s feels close, with less room of their own lately.") % {"n": name}
                )
            elif own_share >= 60 and close_share < 40:
                words.append(
                    _("%(n)s has room of their own, and has felt less close lately.") % {"n": name}
                )
            else:
                words.append(
                    _("%(n)s has a fair balance of closeness and room of their own.") % {"n": name}
                )
    if not words:
        return Finding(
            title, "", not_yet=_("Not enough shared days with both feelings and needs yet.")
        )
    sentence = (
        " ".join(words)
        + " "
        + _(
            "Healthy interdependence keeps both: being close, and each keeping a life of their own."
        )
    )
    svg = paired_bars(rows, names=[me, them], low=0, high=100, title=title, desc=sentence)
    return Finding(title, sentence, svg=svg)


def couple_insights(viewer: Any, partner: Any) -> CoupleInsights:
    today = viewer.local_today()
    since = today - dt.timedelta(days=WINDOW_DAYS - 1)
    days = [since + dt.timedelta(days=i) for i in range(WINDOW_DAYS)]
    me, them = str(viewer), str(partner)
    mood_me = _rows(viewer, viewer, partner, "mood", since)
    mood_them = _rows(partner, viewer, partner, "mood", since)
    needs_me = _rows(viewer, viewer, partner, "needs", since)
    needs_them = _rows(partner, viewer, partner, "needs", since)
    categories = {c for c, rows in (("mood", mood_them), ("needs", needs_them)) if rows}
    a = _series(mood_me, days, "mood")
    b = _series(mood_them, days, "mood")
    shared = int((~np.isnan(a) & ~np.isnan(b)).sum())
    result = CoupleInsights(categories=categories, shared_days=shared)
    if not (mood_me and mood_them) and not (needs_me and needs_them):
        result.nothing_shared = True
        return result
    if mood_me and mood_them:
        # Draw from the first shared week, not from an empty stretch before it.
        first = min(mood_me[0].day, mood_them[0].day)
        result.findings.append(
            Finding(
                _("Your moods"),
                _("Both your moods over the last %(n)d days, from what you share with each other.")
                % {"n": WINDOW_DAYS},
                svg=lines_chart(
                    [
                        (me, [(c.day, float(c.mood)) for c in mood_me]),
                        (them, [(c.day, float(c.mood)) for c in mood_them]),
                    ],
                    start=max(since, first),
                    end=today,
                    low=0,
                    high=10,
                    title=_("Both moods"),
                    desc=_("%(a)s and %(b)s, mood out of 10 each day.") % {"a": me, "b": them},
                    y_labels=("0", "10"),
                ),
            )
        )
        result.findings.append(_same_day(a, b, me, them))
        result.findings.append(_carry_over(a, b, me, them))
    recent = today - dt.timedelta(days=29)
    if needs_me and needs_them:
        result.findings.append(_needs(needs_me, needs_them, me, them, recent))
    if mood_me and mood_them and needs_me and needs_them:
        # Closeness is a feeling ("mood") and autonomy a need: both are shared both ways
        # here, so the same (non-private) check-ins can be read for both.
        result.findings.append(_balance(needs_me, needs_them, me, them, recent))
    return result
