"""What a therapist may see of a client: read only through ``circle.access``.

Every read here is made as the therapist, through ``access.read``: it is cut to what the
client shares at this moment, leaves out what they keep private (and that it exists),
and lands in the client's access log. The caseload, the client and couple pages and,
later, the session report and the API build on these same functions, so they can never
disagree about what a therapist sees.

A category a client does not share is simply absent: the functions answer ``None`` (or
leave that person out), never "hidden" or a count of what could not be seen.

Alerts are the therapist's own records, not the client's data, but they carry the
client's scores: they are shown only while the person whose questionnaire fired them
shares their questionnaire results with this therapist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from alongside.assessments import results
from alongside.assessments.models import Take, catalogue
from alongside.assessments.spec import InstrumentSpec
from alongside.care.models import Alert, CareLink
from alongside.checkins.models import MOOD_MAX, MOOD_MIN, NEED_MAX, NEED_MIN, NEEDS, CheckIn
from alongside.circle import access
from alongside.circle.models import Link
from alongside.insights.couple import MIN_SHARED_DAYS, SameDayLink, same_day_link
from alongside.lib.charts import Chart, interval_chart, lines_chart, paired_bars, sparkline
from alongside.practice.models import RelianceExperiment
from alongside.together.models import Agreement

__all__ = [
    "COUPLE_DAYS",
    "TREND_WEEKS",
    "AlertView",
    "Couple",
    "CoupleAgreements",
    "CoupleDays",
    "InstrumentSeries",
    "PracticeSummary",
    "SameDay",
    "SubscaleChange",
    "Trajectory",
    "Trend",
    "agreements",
    "alerts",
    "assessment_series",
    "couple_assessments",
    "couple_days",
    "couple_of",
    "couples",
    "practice",
    "same_day",
    "trend_start",
    "trends",
]

TREND_WEEKS = 4  # the last four weeks, against the four before
MIN_TREND_DAYS = 4  # shared days in each stretch before a direction is named
STEADY_WITHIN = 0.05  # of the scale's range: a smaller difference is "steady"
COUPLE_DAYS = 90
AGREEMENT_WEEKS = 12  # done agreements older than this drop off the couple page


def _day_needs(entry: CheckIn) -> float | None:
    """The average of the needs rated that day (None: no need rated)."""
    rated = [value for _key, _label, value in entry.needs() if value is not None]
    return fmean(rated) if rated else None


# ------------------------------------------------------------------------ check-ins


@dataclass(frozen=True)
class Trend:
    """Mood or needs over the last four weeks against the four before."""

    key: str  # "mood" or "needs"
    label: str
    direction: str  # "rising", "steady", "falling", or "" (too few shared days to tell)
    direction_label: str
    recent: float | None  # the average over the last four weeks
    earlier: float | None  # the average over the four weeks before
    words: str  # one plain sentence, the text alternative of the sparkline
    short: str  # the numbers alone, for a line beside the label ("6.3 against 5.5 out of 10")
    weekly: tuple[float | None, ...]  # eight weekly averages, oldest first
    svg: SafeString | None


def trend_start(today: dt.date) -> dt.date:
    """The first day the trends look at (eight weeks ending today)."""
    return today - dt.timedelta(weeks=2 * TREND_WEEKS) + dt.timedelta(days=1)


def _trend(
    key: str,
    values: Mapping[dt.date, float],
    *,
    today: dt.date,
    low: float,
    high: float,
    name: str,
) -> Trend:
    start = trend_start(today)
    split = today - dt.timedelta(weeks=TREND_WEEKS)  # the last day of the earlier stretch
    earlier = [v for day, v in values.items() if start <= day <= split]
    recent = [v for day, v in values.items() if split < day <= today]
    weekly: list[float | None] = []
    for week in range(2 * TREND_WEEKS):
        first = start + dt.timedelta(weeks=week)
        days = [v for day, v in values.items() if first <= day < first + dt.timedelta(weeks=1)]
        weekly.append(fmean(days) if days else None)
    label = _("Mood") if key == "mood" else _("Needs met")
    scale = _("out of 10") if key == "mood" else _("out of 5")
    words_for = {
        "rising": _(
            "%(label)s: a little higher over the last 4 weeks than the 4 before "
            "(%(recent).1f against %(earlier).1f %(scale)s, on average)."
        ),
        "falling": _(
            "%(label)s: a little lower over the last 4 weeks than the 4 before "
            "(%(recent).1f against %(earlier).1f %(scale)s, on average)."
        ),
        "steady": _(
            "%(label)s: about the same over the last 4 weeks as the 4 before "
            "(%(recent).1f against %(earlier).1f %(scale)s, on average)."
        ),
    }
    if len(recent) < MIN_TREND_DAYS or len(earlier) < MIN_TREND_DAYS:
        direction = ""
        words = _("%(label)s: not enough shared days yet to see which way it is going.") % {
            "label": label
        }
        recent_avg = fmean(recent) if recent else None
        earlier_avg = fmean(earlier) if earlier else None
        short = _("not enough shared days yet to tell")
    else:
        recent_avg, earlier_avg = fmean(recent), fmean(earlier)
        change = recent_avg - earlier_avg
        step = STEADY_WITHIN * (high - low)
        direction = "rising" if change >= step else "falling" if change <= -step else "steady"
        numbers = {"label": label, "recent": recent_avg, "earlier": earlier_avg, "scale": scale}
        words = words_for[direction] % numbers
        short = _("%(recent).1f against %(earlier).1f %(scale)s") % numbers
    direction_label = {
        "rising": _("rising"),
        "steady": _("steady"),
        "falling": _("falling"),
        "": "",
    }[direction]
    svg = None
    if sum(1 for v in weekly if v is not None) > 1:
        svg = sparkline(
            weekly,
            low=low,
            high=high,
            title=_("%(name)s: %(label)s, week by week over 8 weeks")
            % {"name": name, "label": label},
            desc=words,
        )
    return Trend(
        key=key,
        label=label,
        direction=direction,
        direction_label=direction_label,
        recent=recent_avg,
        earlier=earlier_avg,
        words=words,
        short=short,
        weekly=tuple(weekly),
        svg=svg,
    )


def trends(therapist: Any, client: Any, *, today: dt.date | None = None) -> list[Trend]:
    """Mood and needs trends from the check-ins ``client`` shares (one read for both);
    a category not shared is left out, and with neither the list is empty. The weeks are
    the client's own, ending on their today (check-in days are days in their zone)."""
    today = today or client.local_today()
    reading = access.read(
        therapist,
        CheckIn.objects.filter(day__gte=trend_start(today), day__lte=today).order_by("day"),
        ["mood", "needs"],
        owner=client,
        detail=_("mood and needs, last 8 weeks"),
    )
    found = []
    name = str(client)
    if "mood" in reading.categories:
        moods = {c.day: float(c.mood) for c in reading}
        found.append(_trend("mood", moods, today=today, low=MOOD_MIN, high=MOOD_MAX, name=name))
    if "needs" in reading.categories:
        needs = {c.day: v for c in reading if (v := _day_needs(c)) is not None}
        found.append(_trend("needs", needs, today=today, low=NEED_MIN, high=NEED_MAX, name=name))
    return found


# ---------------------------------------------------------------------- assessments

_VERDICT_WORDS = {
    "reliable_improvement": gettext_lazy(
        "moved in the more comfortable direction by more than chance alone would explain."
    ),
    "reliable_deterioration": gettext_lazy(
        "moved in the less comfortable direction by more than chance alone would explain."
    ),
    "no_reliable_change": gettext_lazy(
        "moved within the everyday ups and downs of answering again."
    ),
    "reliable_increase": gettext_lazy(
        "rose by more than chance alone would explain (on this scale neither way is better)."
    ),
    "reliable_decrease": gettext_lazy(
        "fell by more than chance alone would explain (on this scale neither way is better)."
    ),
}
_VERDICT_SHORT = {
    "reliable_improvement": gettext_lazy("more comfortable, beyond chance"),
    "reliable_deterioration": gettext_lazy("less comfortable, beyond chance"),
    "no_reliable_change": gettext_lazy("within everyday ups and downs"),
    "reliable_increase": gettext_lazy("higher, beyond chance"),
    "reliable_decrease": gettext_lazy("lower, beyond chance"),
}


@dataclass(frozen=True)
class SubscaleChange:
    """One subscale, from the first take (the baseline) to the latest."""

    subscale_id: str
    label: str
    baseline: float | None  # None: answered once so far
    latest: float | None
    baseline_shown: str
    latest_shown: str
    difference: str  # signed, with a true minus sign; "" with one take
    rci: str  # the Jacobson-Truax index, signed; "" when it can't be worked out
    verdict_key: str  # results' verdict keys; "" when there is no verdict
    verdict_short: str  # a few words for the caseload
    verdict_words: str  # the verdict as a plain sentence ("Moved in the less..."), or ""
    sentence: str  # the same, naming the score: plain and non-diagnostic


@dataclass(frozen=True)
class InstrumentSeries:
    """One questionnaire (and whom it is about) a client shares the results of."""

    spec: InstrumentSpec
    instrument_id: str
    title: str
    about: str  # whom it was answered about ("your partner"), or ""
    relationship: str
    takes: tuple[Take, ...]  # completed, oldest first
    baseline_on: str  # when the first take was finished, in the therapist's zone
    latest_on: str
    changes: tuple[SubscaleChange, ...]
    reflection: bool  # the project's own reflection: no reliable-change test at all
    figures_missing: bool  # some subscale has no cited figures installed yet

    @property
    def count(self) -> int:
        return len(self.takes)


def _series(
    spec: InstrumentSpec, takes: Sequence[Take], *, tz: Any, about: str
) -> InstrumentSeries:
    first, latest = takes[0], takes[-1]
    changes: list[SubscaleChange] = []
    missing = False
    if len(takes) > 1:
        comparison = results.compare(spec, first, latest, tz=tz)
        missing = bool(comparison.missing)
        old, new = first.values(spec), latest.values(spec)
        # compare() gives one change per subscale scored both times, in the spec's order.
        compared = iter(comparison.changes)
        for sub in spec.subscales:
            if old.get(sub.id) is None or new.get(sub.id) is None:
                continue
            change = next(compared)
            key = change.verdict_key if change.available else ""
            if key:
                sentence = _("%(label)s: %(verdict)s") % {
                    "label": change.label,
                    "verdict": _VERDICT_WORDS[key],
                }
            elif comparison.reflection:
                sentence = _("%(label)s: from %(before)s to %(after)s.") % {
                    "label": change.label,
                    "before": change.before,
                    "after": change.after,
                }
            else:
                sentence = _(
                    "%(label)s: from %(before)s to %(after)s. Reliable change can't be "
                    "worked out for this questionnaire yet."
                ) % {"label": change.label, "before": change.before, "after": change.after}
            changes.append(
                SubscaleChange(
                    subscale_id=sub.id,
                    label=change.label,
                    baseline=old.get(sub.id),
                    latest=new.get(sub.id),
                    baseline_shown=change.before,
                    latest_shown=change.after,
                    difference=change.difference,
                    rci=change.rci,
                    verdict_key=key,
                    verdict_short=str(_VERDICT_SHORT[key]) if key else "",
                    verdict_words=str(_VERDICT_WORDS[key]).capitalize() if key else "",
                    sentence=sentence,
                )
            )
    else:
        values = latest.values(spec)
        for sub in spec.subscales:
            value = values.get(sub.id)
            if value is None:
                continue
            label = _(sub.label)
            changes.append(
                SubscaleChange(
                    subscale_id=sub.id,
                    label=label,
                    baseline=None,
                    latest=value,
                    baseline_shown="",
                    latest_shown=results.number(value),
                    difference="",
                    rci="",
                    verdict_key="",
                    verdict_short="",
                    verdict_words="",
                    sentence=_("%(label)s: %(score)s, answered once so far.")
                    % {"label": label, "score": results.number(value)},
                )
            )
    return InstrumentSeries(
        spec=spec,
        instrument_id=spec.id,
        title=spec.short_title,
        about=about,
        relationship=latest.relationship,
        takes=tuple(takes),
        baseline_on=results.when(first.completed_at, tz),
        latest_on=results.when(latest.completed_at, tz),
        changes=tuple(changes),
        reflection=spec.kind == "reflection",
        figures_missing=missing and spec.kind != "reflection",
    )


def assessment_series(
    therapist: Any,
    client: Any,
    *,
    specs: Mapping[str, InstrumentSpec] | None = None,
    detail: str | None = None,
) -> list[InstrumentSeries] | None:
    """Each questionnaire ``client`` shares the results of: the first take against the
    latest, per subscale. None when they share no questionnaire results.

    ``specs`` is ``assessments.models.catalogue()``: pass it in when reading several
    clients, so the instruments are looked up once.
    """
    reading = access.read(
        therapist,
        Take.objects.complete().order_by("completed_at", "pk"),
        "assessments",
        owner=client,
        detail=detail or _("questionnaire results"),
    )
    if not reading.categories:
        return None
    specs = catalogue() if specs is None else specs
    groups: dict[tuple[str, str], list[Take]] = {}
    for take in reading:
        groups.setdefault((take.instrument_id, take.relationship), []).append(take)
    found = []
    for (instrument_id, _relationship), takes in groups.items():
        spec = specs.get(instrument_id)
        if spec is None:  # an instrument the deployment since removed
            continue
        about = takes[-1].relationship_label(spec)
        found.append(_series(spec, takes, tz=therapist.tz, about=about))
    return found


# ------------------------------------------------------------------------- practice


@dataclass(frozen=True)
class PracticeSummary:
    tried: int  # asks and offers looked back on in the last four weeks
    went_better: int  # of those, how many went better than the person feared
    words: str


def practice(therapist: Any, client: Any) -> PracticeSummary | None:
    """How the asks ``client`` looked back on in the last four weeks went; None when
    they don't share practice. Nothing planned but not yet done is counted."""
    since = timezone.now() - dt.timedelta(weeks=TREND_WEEKS)
    reading = access.read(
        therapist,
        RelianceExperiment.objects.filter(after_at__gte=since),
        "practice",
        owner=client,
        detail=_("practice: asks tried, last 4 weeks"),
    )
    if not reading.categories:
        return None
    tried = len(reading)
    better = sum(1 for e in reading if e.went_better)
    if not tried:
        words = _("No asks looked back on in the last 4 weeks.")
    else:
        words = ngettext(
            "%(n)d ask tried in the last 4 weeks",
            "%(n)d asks tried in the last 4 weeks",
            tried,
        ) % {"n": tried}
        if better:
            words += "; " + ngettext(
                "%(n)d went better than feared.", "%(n)d went better than feared.", better
            ) % {"n": better}
        else:
            words += "."
    return PracticeSummary(tried=tried, went_better=better, words=words)


# --------------------------------------------------------------------------- alerts

_ALERT_TITLES = {
    "deterioration": gettext_lazy("Scores moved in the less comfortable direction"),
    "partner_deterioration": gettext_lazy(
        "A partner's scores moved in the less comfortable direction"
    ),
    "divergence": gettext_lazy("The partners' scores are drifting apart"),
    "off_track": gettext_lazy("Not on the track most people starting here follow"),
}


@dataclass(frozen=True)
class AlertView:
    """An alert with its rule written out, for the page (``evidence`` holds the numbers)."""

    alert: Alert
    title: str
    rule: str
    facts: tuple[tuple[str, str], ...]  # (what, number): before, after, threshold
    citation: str
    instrument: str
    subscale: str
    created_on: str
    acknowledged_on: str

    @property
    def pk(self) -> int:
        return self.alert.pk

    @property
    def is_open(self) -> bool:
        return self.alert.is_open


def _fact(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return results.number(float(value))
    return str(value)


def _alert_view(alert: Alert, specs: Mapping[str, InstrumentSpec], tz: Any) -> AlertView:
    evidence = alert.evidence if isinstance(alert.evidence, dict) else {}
    spec = specs.get(alert.instrument_id)
    instrument = spec.short_title if spec else alert.instrument_id
    subscale = alert.subscale_id
    if spec is not None:
        subscale = next((_(s.label) for s in spec.subscales if s.id == alert.subscale_id), subscale)
    facts = tuple(
        (str(label), shown)
        for key, label in (
            ("before", _("Before")),
            ("after", _("After")),
            ("threshold", _("Threshold")),
        )
        if key in evidence and (shown := _fact(evidence[key]))
    )
    rule = str(evidence.get("rule") or "") or _(
        "The rule that fired left no sentence; the numbers it used are below."
    )
    return AlertView(
        alert=alert,
        title=str(_ALERT_TITLES.get(alert.kind) or alert.get_kind_display()),
        rule=rule,
        facts=facts,
        citation=str(evidence.get("citation") or ""),
        instrument=instrument,
        subscale=subscale,
        created_on=results.when(alert.created_at, tz),
        acknowledged_on=results.when(alert.acknowledged_at, tz),
    )


def alerts(
    therapist: Any,
    links: Iterable[CareLink],
    *,
    open_only: bool = False,
    specs: Mapping[str, InstrumentSpec] | None = None,
    sharing: dict[int, bool] | None = None,
) -> dict[int, list[AlertView]]:
    """The therapist's alerts on ``links``, by care link pk, newest first.

    An alert's evidence holds the scores of the person whose questionnaire fired it (the
    client, or for a couple rule their partner), so it is shown only while that person
    shares their questionnaire results with this therapist, and showing it is a read of
    those results: it goes through ``access.read`` (logged in that person's access log).
    ``sharing`` (person pk -> shares results) is what the page has already read through
    the read path in this request; those people are not read a second time.
    """
    by_pk = {care.pk: care for care in links}
    found: dict[int, list[AlertView]] = {pk: [] for pk in by_pk}
    if not by_pk:
        return found
    rows = Alert.objects.filter(care_link__in=list(by_pk), care_link__therapist=therapist)
    if open_only:
        rows = rows.filter(acknowledged_at__isnull=True)
    # Only whose questionnaire it was: the take itself (its answers) is never loaded here.
    listed = list(rows.annotate(take_owner=F("take__owner")))
    known = {} if sharing is None else sharing
    people = {care.client_id: care.client for care in by_pk.values()}
    unknown = {a.take_owner for a in listed} - set(people)
    if unknown:
        people.update(get_user_model().objects.in_bulk(list(unknown)))
    takes_of: dict[int, set[int]] = {}
    for alert in listed:
        takes_of.setdefault(alert.take_owner, set()).add(alert.take_id)
    shown: set[int] = set()
    for owner_pk, take_ids in takes_of.items():
        if known.get(owner_pk):
            shown |= take_ids
        elif owner_pk not in known:
            reading = access.read(
                therapist,
                Take.objects.filter(pk__in=take_ids).only("pk", "owner"),
                "assessments",
                owner=people[owner_pk],
                detail=_("alerts on questionnaire results"),
            )
            shown |= {take.pk for take in reading.rows}
    for alert in listed:
        if alert.take_id not in shown:
            continue
        if specs is None:
            specs = catalogue()
        found[alert.care_link_id].append(_alert_view(alert, specs, therapist.tz))
    return found


# -------------------------------------------------------------------------- couples


@dataclass(frozen=True)
class Couple:
    """Two clients of one therapist who are partners and both chose to be seen side by
    side. ``first`` is the one whose page the therapist came from."""

    first: CareLink
    second: CareLink
    link: Link  # the partners' own circle link

    @property
    def people(self) -> tuple[Any, Any]:
        return self.first.client, self.second.client


def couples(links: Sequence[CareLink]) -> list[Couple]:
    """Every couple among ``links`` (one query): partner-linked clients of the same
    therapist, both with ``couple_view`` on. ``links`` need their client loaded."""
    chosen = {care.client_id: care for care in links if care.couple_view}
    if len(chosen) < 2:
        return []
    partner_links = Link.objects.filter(
        kind="partner", user_a__in=list(chosen), user_b__in=list(chosen)
    )
    found = []
    for link in partner_links:
        one, other = chosen[link.user_a_id], chosen[link.user_b_id]
        if one.therapist_id != other.therapist_id:
            continue
        first, second = sorted((one, other), key=lambda c: str(c.client).casefold())
        found.append(Couple(first=first, second=second, link=link))
    return sorted(found, key=lambda c: str(c.first.client).casefold())


def couple_of(care: CareLink) -> Couple | None:
    """The couple ``care``'s client is part of for this therapist, or None."""
    if not care.couple_view:
        return None
    partner_link = Link.objects.filter(kind="partner").filter(
        Q(user_a=care.client_id) | Q(user_b=care.client_id)
    )
    for link in partner_link:
        other_id = link.user_b_id if link.user_a_id == care.client_id else link.user_a_id
        other = (
            CareLink.objects.filter(therapist=care.therapist_id, client=other_id, couple_view=True)
            .select_related("client", "link")
            .first()
        )
        if other is not None:
            return Couple(first=care, second=other, link=link)
    return None


@dataclass
class CoupleDays:
    """Both partners' shared check-ins over the last ``COUPLE_DAYS`` days."""

    start: dt.date
    end: dt.date
    names: tuple[str, str]
    mood: tuple[list[CheckIn] | None, list[CheckIn] | None]  # None: that one doesn't share
    needs: tuple[list[CheckIn] | None, list[CheckIn] | None]
    mood_chart: Chart | None = None
    needs_chart: Chart | None = None
    needs_bars: Chart | None = None


def couple_days(therapist: Any, couple: Couple, *, today: dt.date | None = None) -> CoupleDays:
    """Each partner's mood and needs as each shares them with the therapist (one read per
    partner), drawn on one time axis: a line for each, in its own style. The days end on
    the later of the partners' own todays (check-in days are days in each one's zone)."""
    today = today or max(person.local_today() for person in couple.people)
    start = today - dt.timedelta(days=COUPLE_DAYS - 1)
    moods: list[list[CheckIn] | None] = []
    needs: list[list[CheckIn] | None] = []
    for person in couple.people:
        reading = access.read(
            therapist,
            CheckIn.objects.filter(day__gte=start, day__lte=today).order_by("day"),
            ["mood", "needs"],
            owner=person,
            detail=_("mood and needs beside your partner's, last 90 days"),
        )
        moods.append(reading.rows if "mood" in reading.categories else None)
        needs.append(reading.rows if "needs" in reading.categories else None)
    names = (str(couple.first.client), str(couple.second.client))
    found = CoupleDays(
        start=start,
        end=today,
        names=names,
        mood=(moods[0], moods[1]),
        needs=(needs[0], needs[1]),
    )
    found.mood_chart = _two_lines(
        names,
        [None if rows is None else [(c.day, float(c.mood)) for c in rows] for rows in found.mood],
        start=start,
        end=today,
        low=MOOD_MIN,
        high=MOOD_MAX,
        title=_("Mood, day by day"),
        scale=_("out of 10"),
        what=_("mood"),
    )
    found.needs_chart = _two_lines(
        names,
        [
            None if rows is None else [(c.day, v) for c in rows if (v := _day_needs(c)) is not None]
            for rows in found.needs
        ],
        start=start,
        end=today,
        low=NEED_MIN,
        high=NEED_MAX,
        title=_("Needs met, day by day (the average of the needs rated)"),
        scale=_("out of 5"),
        what=_("needs met"),
    )
    found.needs_bars = _needs_bars(names, found.needs, since=today - dt.timedelta(days=29))
    return found


def _two_lines(
    names: tuple[str, str],
    series: Sequence[list[tuple[dt.date, float]] | None],
    *,
    start: dt.date,
    end: dt.date,
    low: float,
    high: float,
    title: str,
    scale: str,
    what: str,
) -> Chart | None:
    """One chart, a line per partner who shares this; a sentence for screen readers."""
    drawn = [(name, points) for name, points in zip(names, series, strict=True) if points]
    if not drawn:
        return None
    first = min(points[0][0] for _name, points in drawn)
    sentences = [
        _(
            "%(name)s's %(what)s averaged %(avg).1f %(scale)s (from %(lo)s to %(hi)s), on the "
            "days %(name)s shared."
        )
        % {
            "name": name,
            "what": what,
            "avg": fmean(v for _d, v in points),
            "scale": scale,
            "lo": results.number(min(v for _d, v in points)),
            "hi": results.number(max(v for _d, v in points)),
        }
        for name, points in drawn
    ]
    summary = " ".join(sentences)
    # Each partner keeps their place (and so their line's style) whether or not the
    # other shares: s0 is always the first partner, s1 the second.
    lines = _keep_places(names, series)
    svg = lines_chart(
        lines,
        start=max(start, first),
        end=end,
        low=low,
        high=high,
        title=title,
        desc=summary,
        y_labels=(results.number(low), results.number(high)),
    )
    return Chart(svg=svg, summary=summary)


def _keep_places[P](
    names: tuple[str, str], series: Sequence[list[P] | None]
) -> list[tuple[str, list[P]]]:
    """The lines to draw, each partner in their own place (and so their own line style):
    s0 is always the first partner and s1 the second. A partner with nothing to draw
    has no line and no name in the legend, as if they were not on the page."""
    first, second = (list(points) if points else [] for points in series)
    if not second:
        return [(names[0], first)]
    return [(names[0] if first else "", first), (names[1], second)]


def _needs_bars(
    names: tuple[str, str], needs: tuple[list[CheckIn] | None, list[CheckIn] | None], since: dt.date
) -> Chart | None:
    # Only who shares needs is drawn (and named in the legend).
    sharing = [(name, rows) for name, rows in zip(names, needs, strict=True) if rows is not None]
    if not sharing:
        return None
    shown = [name for name, _rows in sharing]
    rows: list[tuple[str, list[float | None]]] = []
    for key, label in NEEDS:
        averages: list[float | None] = []
        for _name, person_rows in sharing:
            rated = [
                value
                for c in (person_rows or [])
                if c.day >= since and (value := getattr(c, f"need_{key}")) is not None
            ]
            averages.append(fmean(rated) if rated else None)
        rows.append((str(label), averages))
    if not any(v is not None for _label, values in rows for v in values):
        return None
    parts = []
    for index, name in enumerate(shown):
        rated = [(values[index], label) for label, values in rows if values[index] is not None]
        if not rated:
            continue
        (low, low_label), (high, high_label) = min(rated), max(rated)
        if len(rated) == 1:
            parts.append(
                _("For %(name)s, only %(need)s was rated (%(v).1f of 5).")
                % {"name": name, "need": high_label.lower(), "v": high}
            )
            continue
        parts.append(
            _(
                "For %(name)s, %(high)s felt most met (%(hv).1f of 5) and %(low)s least met "
                "(%(lv).1f of 5)."
            )
            % {
                "name": name,
                "high": high_label.lower(),
                "hv": high,
                "low": low_label.lower(),
                "lv": low,
            }
        )
    summary = " ".join(parts)
    svg = paired_bars(
        rows,
        names=shown,
        low=0,
        high=NEED_MAX,
        title=_("Each need, on average over the last 30 days"),
        desc=summary,
    )
    return Chart(svg=svg, summary=summary)


@dataclass(frozen=True)
class SameDay:
    """The same-day link between two partners' moods, worded for their therapist."""

    link: SameDayLink | None  # None: one of them doesn't share mood
    sentence: str
    not_yet: str
    svg: SafeString | None = None


def same_day(days: CoupleDays) -> SameDay | None:
    """How the partners' moods move together on the same day, against pseudo couples
    (the same two people's days re-paired across other weeks). None unless both share
    their mood with the therapist."""
    mine, theirs = days.mood
    if mine is None or theirs is None:
        return None
    span = [days.start + dt.timedelta(days=i) for i in range((days.end - days.start).days + 1)]
    a, b = ({c.day: float(c.mood) for c in rows} for rows in (mine, theirs))
    first = np.array([a.get(d, np.nan) for d in span])
    second = np.array([b.get(d, np.nan) for d in span])
    found = same_day_link(first, second)
    one, other = days.names
    words = {
        "a": one,
        "b": other,
        "r": found.r,
        "lo": found.low,
        "hi": found.high,
        "n": found.days,
    }
    if found.status == "not_enough":
        return SameDay(
            found,
            "",
            _(
                "Not enough days yet when both shared their mood to say whether their moods "
                "move together (%(n)d of %(need)d)."
            )
            % {"n": found.days, "need": MIN_SHARED_DAYS},
        )
    if found.status != "estimated":
        return SameDay(found, "", _("Their moods have not varied enough to tell yet."))
    if found.direction == "positive":
        sentence = _(
            "On the same day, %(a)s's and %(b)s's moods tend to move together (r = %(r).2f, "
            "likely between %(lo).2f and %(hi).2f, over %(n)d days both shared)."
        )
    elif found.direction == "negative":
        sentence = _(
            "On the same day, %(a)s's and %(b)s's moods tend to go opposite ways (r = %(r).2f, "
            "likely between %(lo).2f and %(hi).2f, over %(n)d days both shared)."
        )
    elif found.only_rhythm:
        sentence = _(
            "On the same day, %(a)s's and %(b)s's moods rise and fall together (r = %(r).2f, "
            "likely between %(lo).2f and %(hi).2f, over %(n)d days both shared), but no more "
            "than their days re-paired across other weeks (pseudo couples) do: more a shared "
            "weekly rhythm than one moving with the other."
        )
    else:
        sentence = _(
            "So far %(a)s's and %(b)s's moods don't clearly move together on the same day "
            "(r = %(r).2f, likely between %(lo).2f and %(hi).2f, over %(n)d days both "
            "shared). Many couples are like this; it says nothing about how close they are."
        )
    sentence %= words
    if found.is_clear and found.band is not None:
        sentence += " " + _(
            "That is more than chance would give: re-pairing their days across other weeks "
            "(pseudo couples) rarely gives a link this strong."
        )
    sentence += " " + _(
        "The interval allows for moods carrying over from one day to the next (about "
        "%(eff).0f independent days)."
    ) % {"eff": found.n_eff}
    svg = interval_chart(
        [(_("Same-day link"), found.r, found.low, found.high, found.band)],
        low=-1,
        high=1,
        title=_("Moving together on the same day"),
        desc=sentence,
    )
    return SameDay(found, sentence, "", svg)


@dataclass(frozen=True)
class Trajectory:
    """One subscale of one questionnaire over time, a line per partner who shares it."""

    title: str
    label: str
    chart: Chart


def couple_assessments(
    therapist: Any, couple: Couple, *, specs: Mapping[str, InstrumentSpec] | None = None
) -> list[Trajectory]:
    """Each partner's questionnaire scores over time: the same instrument (and whom it is
    about) on one axis, one line each. A partner who shares no results has no line."""
    specs = catalogue() if specs is None else specs
    per_person = [
        assessment_series(
            therapist,
            person,
            specs=specs,
            detail=_("questionnaire results beside your partner's"),
        )
        or []
        for person in couple.people
    ]
    names = (str(couple.first.client), str(couple.second.client))
    keys: list[tuple[str, str]] = []
    for found in per_person:
        for series in found:
            if (series.instrument_id, series.relationship) not in keys:
                keys.append((series.instrument_id, series.relationship))
    tz = therapist.tz
    trajectories = []
    for instrument_id, relationship in keys:
        both = [
            next(
                (
                    s
                    for s in found
                    if (s.instrument_id, s.relationship) == (instrument_id, relationship)
                ),
                None,
            )
            for found in per_person
        ]
        spec = specs[instrument_id]
        about = next((s.about for s in both if s is not None and s.about), "")
        title = f"{spec.short_title} · {about}" if about else spec.short_title
        for sub in spec.subscales:
            lines: list[tuple[str, list[tuple[dt.date, float | None]]]] = []
            for name, theirs in zip(names, both, strict=True):
                points: list[tuple[dt.date, float | None]] = []
                for take in theirs.takes if theirs else ():
                    value = take.values(spec).get(sub.id)
                    if take.completed_at is not None and value is not None:
                        points.append((timezone.localtime(take.completed_at, tz).date(), value))
                lines.append((name, points))
            drawn = [(name, points) for name, points in lines if points]
            if not drawn:
                continue
            lines = _keep_places(names, [points for _name, points in lines])
            days = [day for _name, points in drawn for day, _v in points]
            label = _(sub.label)
            summary = " ".join(
                ngettext(
                    "%(name)s: %(last)s, answered once.",
                    "%(name)s: from %(first)s the first time to %(last)s the latest, over "
                    "%(n)d times.",
                    len(points),
                )
                % {
                    "name": name,
                    "first": results.number(points[0][1]),
                    "last": results.number(points[-1][1]),
                    "n": len(points),
                }
                for name, points in drawn
            )
            low, high = float(sub.range[0]), float(sub.range[1])
            svg = lines_chart(
                lines,
                start=min(days),
                end=max(max(days), min(days) + dt.timedelta(days=1)),
                low=low,
                high=high,
                title=_("%(title)s: %(label)s over time") % {"title": title, "label": label},
                desc=summary,
                y_labels=(results.number(low), results.number(high)),
                bridge=True,
            )
            trajectories.append(
                Trajectory(title=title, label=label, chart=Chart(svg=svg, summary=summary))
            )
    return trajectories


@dataclass
class CoupleAgreements:
    """What the partners agreed when checking in together, as each shares it."""

    rows: list[Any] = field(default_factory=list)  # together.Agreement, newest week first
    sharing: tuple[bool, bool] = (False, False)


def _recent_agreements(today: dt.date) -> Any:
    """Agreements still open, and those done in the last ``AGREEMENT_WEEKS`` weeks."""
    since = today - dt.timedelta(weeks=AGREEMENT_WEEKS)
    return Agreement.objects.filter(
        Q(done_at__isnull=True) | Q(session__week_start__gte=since)
    ).select_related("session", "owner")


def client_agreements(therapist: Any, client: Any, *, today: dt.date | None = None) -> Any:
    """The agreements ``client`` took on when checking in together (theirs to share), or
    None when they don't share "checking in together"."""
    reading = access.read(
        therapist,
        _recent_agreements(today or client.local_today()),
        "together",
        owner=client,
        detail=_("agreements from checking in together"),
    )
    if not reading.categories:
        return None
    return sorted(reading.rows, key=lambda a: (-a.session.week_start.toordinal(), a.pk))


def agreements(therapist: Any, couple: Couple, *, today: dt.date | None = None) -> CoupleAgreements:
    """Agreements from the couple's weeks together, each read from the partner who took
    it on (it is theirs) and only if they share "checking in together"; open ones stay,
    done ones for the last ``AGREEMENT_WEEKS`` weeks."""
    rows = _recent_agreements(today or therapist.local_today()).filter(session__link=couple.link)
    found: list[Any] = []
    sharing = []
    for person in couple.people:
        reading = access.read(
            therapist,
            rows,
            "together",
            owner=person,
            detail=_("agreements from checking in together"),
        )
        sharing.append(bool(reading.categories))
        found.extend(reading.rows)
    found.sort(key=lambda a: (-a.session.week_start.toordinal(), a.created_at, a.pk))
    return CoupleAgreements(rows=found, sharing=(sharing[0], sharing[1]))
