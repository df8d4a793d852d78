"""What a couple's shared check-ins say, in pictures and plain words.

Built only from what both people share with each other: a person's mood counts only if
they share "mood" with the other, their needs only if they share "needs", and days kept
private never count — for either of them. Every number comes from
``alongside.analytics.couple_links`` and ``scale_share``; this module reads the shared
check-ins through ``circle.access`` and words what the library returns: plain words
first, the numbers behind a "details" disclosure. The chance comparison re-pairs one
partner's days with the other's days whole weeks apart, so no other couple's data is
ever read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alongside.checkins.models import NEEDS, CheckIn
from alongside.circle import access
from alongside.lib.charts import interval_chart, lines_chart, paired_bars

WINDOW_DAYS = 90
MIN_SHARED_DAYS = 14  # same-day correlation
MIN_PAIRS = 21  # consecutive shared days for carry-over
# A need's average is read (ran low, felt differently) only from this many ratings in
# the last 30 days: two low days are a hard week, not a pattern.
MIN_RATINGS = 7
LOW_NEED = 2.5
# How long a computed couple page is kept; any change it depends on is a new key anyway.
CACHE_SECONDS = 24 * 3600


@dataclass
class Finding:
    title: str
    sentence: str
    svg: Any = None
    not_yet: str = ""
    details: list[str] = field(default_factory=list)  # the numbers, for those who want them


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


def _percent(level: float) -> str:
    return f"{100 * level:.0f}%"


def _level(level: float) -> str:
    """A confidence level as it is, e.g. "98.75%" (rounding it up to 99% would overstate)."""
    return f"{100 * level:.2f}".rstrip("0").rstrip(".") + "%"


@dataclass(frozen=True)
class SameDayLink:
    """How two people's daily values move together on the same day, against chance.

    What :func:`alongside.analytics.same_day_link` returned, for a page to word:
    ``status`` is "not_enough" (fewer than ``MIN_SHARED_DAYS`` days with both values),
    "no_variation" (too little movement to tell) or "estimated"; ``band`` the chance
    band (the same two people's days re-paired whole weeks apart) at the interval's
    ``level``, None without enough such pseudo couples; ``direction`` "positive",
    "negative" or "none" (no clear link).
    """

    days: int
    status: str
    r: float = 0.0
    low: float = 0.0
    high: float = 0.0
    band: tuple[float, float] | None = None
    level: float = 0.95
    n_eff: float = 0.0
    direction: str = "none"

    @property
    def is_clear(self) -> bool:
        """The likely range leaves out zero and the link stands out from chance."""
        return self.direction != "none"

    @property
    def only_rhythm(self) -> bool:
        """Clearly not zero, but no more than their days from other weeks give."""
        return not self.is_clear and self.status == "estimated" and (self.low > 0 or self.high < 0)


_STATUS = {"estimated": "estimated", "not enough": "not_enough", "no variation": "no_variation"}


def _link(row: Any) -> SameDayLink:
    if row["status"] != "estimated":
        return SameDayLink(days=int(row["n"]), status=_STATUS[str(row["status"])])
    band = None
    if not np.isnan(row["baseline_low"]):
        band = (float(row["baseline_low"]), float(row["baseline_high"]))
    return SameDayLink(
        days=int(row["n"]),
        status="estimated",
        r=float(row["estimate"]),
        low=float(row["ci_low"]),
        high=float(row["ci_high"]),
        band=band,
        level=float(row["level"]),
        n_eff=float(row["n_eff"]) if not np.isnan(row["n_eff"]) else 0.0,
        direction=str(row["direction"]),
    )


def same_day_link(a: np.ndarray, b: np.ndarray) -> SameDayLink:
    """The same-day link of two daily series (NaN: no value that day), on its own.

    Whose series they are does not matter here: a partner's page and a therapist's page
    word the same numbers for their own reader.
    """
    # pandas and scipy load only when a couple page is drawn: every other page (and each
    # worker's first request) stays quick.
    from alongside.analytics import same_day_link as link_of

    return _link(link_of(a, b, min_days=MIN_SHARED_DAYS).iloc[0])


# The page makes four directional claims (the same-day link, carry-over each way, and
# pursue-withdraw carry-over): each is held to a quarter of 5%, so that for a couple whose
# days are unrelated the chance of the page claiming anything stays at or below 5%.
PAGE_ALPHA = 0.05
PER_CLAIM = PAGE_ALPHA / 4

# Module-level strings are translated when the page is drawn (gettext_lazy).
_STRICTER = gettext_lazy(
    "%(level)s rather than the usual 95%%: this page makes up to four readings about the "
    "two of you, and each is held to a stricter standard so that together they rarely "
    "find what is not there."
)
_NO_BAND = gettext_lazy("Too few days yet to compare with your days paired whole weeks apart.")


def _band_words(band: tuple[float, float] | None) -> str:
    if band is None:
        return ""
    return _(
        "Your days paired with each other's days from other weeks gave between %(lo).2f and "
        "%(hi).2f: about what chance and a shared weekly rhythm give."
    ) % {"lo": band[0], "hi": band[1]}


def _same_day(link: SameDayLink) -> Finding:
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
    if link.direction == "positive":
        sentence = _(
            "On the same day your moods tend to move together: when one of you has a better "
            "day, the other often does too."
        )
    elif link.direction == "negative":
        sentence = _(
            "On the same day your moods tend to go opposite ways: when one of you has a "
            "lighter day, the other's is often heavier. Some couples balance each other "
            "like this."
        )
    elif link.only_rhythm:
        sentence = _(
            "Your moods rise and fall on the same days of the week, about as much as your "
            "days from other weeks do: more a rhythm you share than one of you moving with "
            "the other."
        )
    else:
        sentence = _(
            "So far your moods don't clearly move together on the same day. Many couples "
            "are like this; it says nothing about how close you are."
        )
    numbers = [
        _(
            "r = %(r).2f over %(n)d shared days, likely between %(lo).2f and %(hi).2f "
            "(%(level)s interval). Moods carry over from one day to the next, so these days "
            "count as about %(eff).0f independent ones."
        )
        % {
            "r": link.r,
            "n": n,
            "lo": link.low,
            "hi": link.high,
            "level": _level(link.level),
            "eff": link.n_eff,
        }
    ]
    if link.band is not None:
        numbers.append(_band_words(link.band))
    numbers.append(str(_STRICTER) % {"level": _level(link.level)})
    svg = interval_chart(
        [(_("Same-day link"), link.r, link.low, link.high, link.band)],
        low=-1,
        high=1,
        title=title,
        desc=sentence,
    )
    return Finding(title, sentence, svg=svg, details=numbers)


def _carry_over(rows: Any, me: str, them: str) -> Finding:
    title = _("Carrying over to the next day")
    n_pairs = int(rows["n"].iloc[0])
    if (rows["status"] != "estimated").any():
        return Finding(
            title,
            "",
            not_yet=_("Not enough shared days in a row yet (%(n)d of %(need)d).")
            % {"n": n_pairs, "need": MIN_PAIRS},
        )
    sentences = []
    numbers = []
    chart = []
    terms = {"carryover_a_to_b": (me, them), "carryover_b_to_a": (them, me)}
    for term, (source, target) in terms.items():
        row = rows[rows["term"] == term].iloc[0]
        est, lo, hi = float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"])
        band = None
        if not np.isnan(row["baseline_low"]):
            band = (float(row["baseline_low"]), float(row["baseline_high"]))
        words = {"a": source, "b": target}
        if row["direction"] == "positive":
            text = _(
                "When %(a)s has a better or harder day, %(b)s's next day tends to follow a little."
            )
        elif row["direction"] == "negative":
            text = _(
                "When %(a)s has a better day, %(b)s's next day tends to go a little the other way."
            )
        else:
            text = _("No clear carry-over from %(a)s to %(b)s yet.")
        sentences.append(text % words)
        line = _(
            "%(a)s → %(b)s: %(est).2f over %(n)d pairs of days, likely between %(lo).2f and "
            "%(hi).2f (%(level)s interval)."
        ) % {
            **words,
            "est": est,
            "n": int(row["n"]),
            "lo": lo,
            "hi": hi,
            "level": _percent(float(row["level"])),
        }
        line += " " + (_band_words(band) if band is not None else str(_NO_BAND))
        numbers.append(line)
        chart.append((_("%(a)s → %(b)s") % words, est, lo, hi, band))
    sentences.append(
        _(
            "Many couples show little carry-over from one partner to the other (about two in "
            "three in one study, Sels et al. 2016). Neither way is better: little carry-over "
            "can simply mean each of you keeps steady on your own."
        )
    )
    sentence = " ".join(sentences)
    svg = interval_chart(chart, low=-1, high=1, title=title, desc=sentence)
    return Finding(title, sentence, svg=svg, details=numbers)


def _needs(
    mine: list[CheckIn], theirs: list[CheckIn], me: str, them: str, since: dt.date
) -> Finding:
    title = _("Needs, side by side (last 30 days)")
    rows: list[tuple[str, list[float | None]]] = []
    notes: list[str] = []
    numbers: list[str] = []
    waiting = False
    read_any = False
    for key, label in NEEDS:
        averages: list[float | None] = []
        counts: list[int] = []
        for person_rows in (mine, theirs):
            rated = [
                getattr(c, f"need_{key}")
                for c in person_rows
                if c.day >= since and getattr(c, f"need_{key}") is not None
            ]
            averages.append(float(np.mean(rated)) if rated else None)
            counts.append(len(rated))
        rows.append((str(label), averages))
        if any(v is not None for v in averages):
            each = [
                _("%(name)s %(v).1f (%(n)d ratings)") % {"name": name, "v": value, "n": n}
                if value is not None
                else _("%(name)s not rated") % {"name": name}
                for name, value, n in zip((me, them), averages, counts, strict=True)
            ]
            numbers.append(
                _("%(need)s: %(a)s, %(b)s.") % {"need": str(label), "a": each[0], "b": each[1]}
            )
        enough = [n >= MIN_RATINGS for n in counts]
        if any(v is not None for v in averages) and not all(enough):
            waiting = True
        read_any = read_any or any(enough)
        for name, value, ok in zip((me, them), averages, enough, strict=True):
            if ok and value is not None and value <= LOW_NEED:
                notes.append(
                    _("%(need)s ran low for %(name)s lately.") % {"need": str(label), "name": name}
                )
        if all(enough) and None not in averages and abs(averages[0] - averages[1]) >= 1.5:  # type: ignore[operator]
            notes.append(
                _("You experience %(need)s quite differently lately.")
                % {"need": str(label).lower()}
            )
    if not any(v is not None for _label, values in rows for v in values):
        return Finding(title, "", not_yet=_("No needs rated on shared days in the last 30 days."))
    sentence = " ".join(notes)
    if not notes and read_any:
        sentence = _("No need ran low for either of you lately.")
    if waiting:
        sentence += " " + _(
            "Some needs have fewer than %(n)d ratings from one of you, so they are drawn "
            "but not read yet."
        ) % {"n": MIN_RATINGS}
    sentence = (
        sentence.strip() + " " + _("Worth a gentle word when you check in together, not a verdict.")
    )
    numbers.append(_("Averages out of 5 over the last 30 days."))
    svg = paired_bars(rows, names=[me, them], low=0, high=5, title=title, desc=sentence)
    return Finding(title, sentence, svg=svg, details=numbers)


def _balance(
    mine: list[CheckIn], theirs: list[CheckIn], me: str, them: str, since: dt.date
) -> Finding:
    """Feeling close (0-4) and autonomy met (1-5), both as a share of their scale."""
    from alongside.analytics import scale_share

    title = _("Closeness and autonomy")
    rows: list[tuple[str, list[float | None]]] = [
        (_("feeling close"), []),
        (_("own space met"), []),
    ]
    words: list[str] = []
    numbers: list[str] = []
    for name, person_rows in ((me, mine), (them, theirs)):
        recent = [c for c in person_rows if c.day >= since]
        close = scale_share(
            [c.close for c in recent if c.close is not None],
            low=0,
            high=4,
            min_ratings=MIN_RATINGS,
        ).iloc[0]
        own = scale_share(
            [c.need_autonomy for c in recent if c.need_autonomy is not None],
            low=1,
            high=5,
            min_ratings=MIN_RATINGS,
        ).iloc[0]
        ready = close["status"] == "estimated" and own["status"] == "estimated"
        rows[0][1].append(float(close["share"]) if ready else None)
        rows[1][1].append(float(own["share"]) if ready else None)
        if not ready:
            words.append(
                _("Not enough yet for %(n)s (%(have)d of %(need)d days with both).")
                % {"n": name, "have": min(int(close["n"]), int(own["n"])), "need": MIN_RATINGS}
            )
            continue
        numbers.append(
            _(
                "%(n)s: feeling close %(c).0f%% of the scale (likely between %(cl).0f and %(ch).0f%%), "
                "own space met %(o).0f%% (likely between %(ol).0f and %(oh).0f%%)."
            )
            % {
                "n": name,
                "c": close["share"],
                "cl": close["ci_low"],
                "ch": close["ci_high"],
                "o": own["share"],
                "ol": own["ci_low"],
                "oh": own["ci_high"],
            }
        )
        # Read a leaning only when its whole likely range is on that side: a few days
        # either way should not tip the words.
        if close["ci_low"] >= 50 and own["ci_high"] < 50:
            words.append(_("%(n)s feels close, with less room of their own lately.") % {"n": name})
        elif own["ci_low"] >= 50 and close["ci_high"] < 50:
            words.append(
                _("%(n)s has room of their own, and has felt less close lately.") % {"n": name}
            )
        else:
            words.append(
                _("%(n)s has a fair balance of closeness and room of their own.") % {"n": name}
            )
    if not numbers:
        return Finding(
            title,
            "",
            not_yet=_("Not enough shared days with both feelings and needs yet (%(need)d each).")
            % {"need": MIN_RATINGS},
        )
    sentence = (
        " ".join(words)
        + " "
        + _(
            "Healthy interdependence keeps both: being close, and each keeping a life of their own."
        )
    )
    svg = paired_bars(rows, names=[me, them], low=0, high=100, title=title, desc=sentence)
    return Finding(title, sentence, svg=svg, details=numbers)


_WISH_CODES = {"closer": 1.0, "right": 0.0, "space": -1.0}


def _wishes(rows: list[CheckIn], days: list[dt.date]) -> np.ndarray:
    by_day = {c.day: _WISH_CODES.get(c.closeness_wish, np.nan) for c in rows}
    return np.array([by_day.get(d, np.nan) for d in days])


def _pursue(
    mine: list[CheckIn], theirs: list[CheckIn], days: list[dt.date], me: str, them: str
) -> Finding:
    """Pursue-withdraw from the "today I wanted" item, shared under needs both ways.

    Only the wish counts as reaching or stepping back: support asked and given is its
    own sharing category, which this page does not read.
    """
    from alongside.analytics import pursue_withdraw

    title = _("Reaching and stepping back")
    result = pursue_withdraw(
        _wishes(mine, days), _wishes(theirs, days), min_days=MIN_SHARED_DAYS, alpha=PER_CLAIM
    )
    rows = {str(r["term"]): r for _i, r in result.iterrows()}
    either = rows["either"]
    if either["status"] != "estimated":
        return Finding(
            title,
            "",
            not_yet=_(
                "Not enough shared days yet (%(n)d of %(need)d) to see whether you have a "
                "rhythm of reaching and stepping back."
            )
            % {"n": int(either["n"]), "need": MIN_SHARED_DAYS},
        )
    n, count = int(either["n"]), int(either["count"])
    mine_first = int(rows["a_reaches_b_steps_back"]["count"])
    theirs_first = int(rows["b_reaches_a_steps_back"]["count"])
    words = [
        _(
            "Many couples have a rhythm of reaching and stepping back: on some days one "
            "wants more closeness while the other wants more space. Here such a day is one "
            "when one of you answered “Today I wanted more closeness” and the other “more space”."
        )
    ]
    if count == 0:
        words.append(_("So far this hasn't happened on your shared days."))
    else:
        words.append(
            _(
                "It happened on %(k)d of your %(n)d shared days: %(a)s reaching while %(b)s "
                "stepped back on %(x)d, the other way round on %(y)d."
            )
            % {"k": count, "n": n, "a": me, "b": them, "x": mine_first, "y": theirs_first}
        )
        carry = rows["carryover"]
        if carry["direction"] == "carries_over":
            words.append(_("When it happens, it often lasts into the next day as well."))
        elif carry["direction"] == "settles":
            words.append(_("When it happens, the next day usually settles again."))
        elif carry["status"] == "estimated":
            words.append(_("So far it doesn't clearly carry over into the next day."))
        else:
            words.append(_("Too few such days yet to tell whether it carries over."))
    words.append(
        _(
            "Neither is wrong: reaching and stepping back are both ways of looking after "
            "yourselves. Worth a gentle word when you check in together."
        )
    )
    numbers = [
        _(
            "%(share)s of shared days (likely between %(lo)s and %(hi)s); if your days were "
            "unrelated to each other, about %(chance)s."
        )
        % {
            "share": _percent(float(either["share"])),
            "lo": _percent(float(either["ci_low"])),
            "hi": _percent(float(either["ci_high"])),
            "chance": _percent(float(either["chance_share"])),
        }
    ]
    carry = rows["carryover"]
    if carry["status"] == "estimated":
        numbers.append(
            _(
                "After such a day the next day was one too in %(after)s of cases, after other "
                "days in %(other)s (%(n)d pairs of days in a row; p = %(p).3f, a test that "
                "re-orders your days)."
            )
            % {
                "after": _percent(float(carry["after_mismatch"])),
                "other": _percent(float(carry["after_other"])),
                "n": int(carry["n"]),
                "p": float(carry["p_value"]),
            }
        )
    numbers.append(
        _(
            "Only the “Today I wanted …” answer counts here; support you gave or asked for "
            "is shared separately and not read on this page."
        )
    )
    return Finding(title, " ".join(words), svg="", details=numbers)


def _cache_key(viewer: Any, partner: Any, today: dt.date) -> str:
    """Everything the couple page's result depends on: who looks at whom, what each
    shares with the other right now, each one's latest check-in change, the day and the
    language. A new, edited or deleted check-in, or a share given or revoked, is a new key:
    nothing computed under an earlier share is ever served after it changed."""
    parts: list[Any] = [viewer.pk, partner.pk, today.isoformat(), translation.get_language()]
    for owner, other in ((viewer, partner), (partner, viewer)):
        changed = CheckIn.objects.filter(owner=owner).aggregate(
            latest=Max("updated_at"),
            count=Count("pk"),
            # a bulk .update() leaves updated_at alone: count the private days as well
            private=Count("pk", filter=Q(is_private=True)),
        )
        parts += [
            sorted(access.shared_categories(owner, other)),
            changed["latest"].isoformat() if changed["latest"] else "",
            changed["count"],
            changed["private"],
        ]
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"couple-insights:{digest}"


def couple_insights(viewer: Any, partner: Any) -> CoupleInsights:
    """The couple page's findings, kept in the cache under ``_cache_key``. A kept result
    is served only with its look logged for the partner, as the reads would have been."""
    key = _cache_key(viewer, partner, viewer.local_today())
    kept = cache.get(key)
    if isinstance(kept, CoupleInsights):
        for category in ("mood", "needs"):  # one log write per read, as _compute makes them
            access.log_reused_read(viewer, partner, category, detail=_("couple insights"))
        return kept
    result = _compute(viewer, partner)
    cache.set(key, result, CACHE_SECONDS)
    return result


def _compute(viewer: Any, partner: Any) -> CoupleInsights:
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
        from alongside.analytics import couple_links

        # One family of claims: the library holds its three readings to 3/4 of the page's
        # 5% together (pursue-withdraw takes the last quarter), so the page as a whole
        # rarely claims what is not there.
        links = couple_links(
            a, b, min_days=MIN_SHARED_DAYS, min_pairs=MIN_PAIRS, alpha=3 * PER_CLAIM
        )
        result.findings.append(_same_day(_link(links[links["term"] == "same_day"].iloc[0])))
        result.findings.append(_carry_over(links[links["term"] != "same_day"], me, them))
    recent = today - dt.timedelta(days=29)
    if needs_me and needs_them:
        result.findings.append(_needs(needs_me, needs_them, me, them, recent))
        result.findings.append(_pursue(needs_me, needs_them, days, me, them))
    if mood_me and mood_them and needs_me and needs_them:
        # Closeness is a feeling ("mood") and autonomy a need: both are shared both ways
        # here, so the same (non-private) check-ins can be read for both.
        result.findings.append(_balance(needs_me, needs_them, me, them, recent))
    return result
