"""The session report: one client over a period, as an A4 PDF (WeasyPrint).

What goes in is exactly what the client shares with the reader, read through
``circle.access`` (so a therapist's report lands in the client's access log):

- mood over the period (``mood``) and how met each need felt (``needs``), the notes of
  the latest days (``notes``);
- questionnaire scores over time and reliable change between the first and the latest
  take in the period (``assessments``), "can't be worked out yet" where a figure is
  missing;
- how the reliance experiments finished in the period went (``practice``) and the
  agreements the client took on when checking in together (``together``);
- for the therapist only, the alerts on the client's questionnaires in the period, while
  the client shares their results.

``build`` gathers it (``Report.empty`` when nothing shared falls in the period) and
``render_pdf`` draws it. The client's own report is the same, read by the client: all
of their data, or, with ``audience``, exactly what one of their therapists would get.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alongside.assessments import results
from alongside.assessments.models import Take, catalogue
from alongside.care.models import ALERT_KINDS, Alert, CareLink
from alongside.checkins.charts import mood_chart, needs_summary
from alongside.checkins.models import MOOD_MAX, MOOD_MIN, NEED_MAX, NEEDS, CheckIn
from alongside.circle import access, registry
from alongside.lib.charts import Chart, timeline_chart

__all__ = [
    "DEFAULT_WEEKS",
    "MAX_DAYS",
    "AgreementLine",
    "AlertLine",
    "NeedLine",
    "NoteLine",
    "Period",
    "PeriodForm",
    "Questionnaire",
    "Report",
    "ScoreRow",
    "build",
    "default_period",
    "render_html",
    "render_pdf",
]

# fontTools (each glyph it subsets) and WeasyPrint (each step) talk at INFO: a screenful
# per PDF in the server log otherwise.
for _name in ("fontTools", "weasyprint.progress"):
    logging.getLogger(_name).setLevel(logging.WARNING)

DEFAULT_WEEKS = 12
MAX_DAYS = 2 * 366  # a longer report would be too long to read
RECENT_NOTES = 10
WEEKLY_AFTER_DAYS = 120
# What the report shows of check-ins (support is not in it, so it is not read either).
SHOWN_CHECKIN_CATEGORIES = ("mood", "needs", "notes")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def query(self) -> str:
        return urlencode({"start": self.start.isoformat(), "end": self.end.isoformat()})

    def label(self) -> str:
        return _("%(start)s to %(end)s") % {
            "start": date_format(self.start, "j F Y"),
            "end": date_format(self.end, "j F Y"),
        }


def default_period(today: dt.date) -> Period:
    """The last twelve weeks, today included."""
    return Period(today - dt.timedelta(weeks=DEFAULT_WEEKS) + dt.timedelta(days=1), today)


# ---------------------------------------------------------------------------- the form


class PeriodForm(forms.Form):
    """The period of a report (and, for one's own report, whose eyes it is drawn for)."""

    start = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Enter a date, like 2026-03-01.")},
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Enter a date, like 2026-05-24.")},
    )
    seen_by = forms.TypedChoiceField(
        label=gettext_lazy("Show"),
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(
        self,
        data: Any = None,
        *,
        today: dt.date,
        audiences: Sequence[CareLink] | None = None,
    ) -> None:
        period = default_period(today)
        super().__init__(data, initial={"start": period.start, "end": period.end})
        self.today = today
        self.links = {care.pk: care for care in audiences or ()}
        if audiences is None:
            del self.fields["seen_by"]
        else:
            seen_by = cast(forms.TypedChoiceField, self.fields["seen_by"])
            seen_by.choices = [
                ("", _("Everything of mine")),
                *(
                    (care.pk, _("Only what %(name)s sees") % {"name": str(care.therapist)})
                    for care in audiences
                ),
            ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end comes before the start. Choose a later day."))
            elif end > self.today:
                self.add_error("end", _("Choose today or a day before it."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error(
                    "start", _("Choose at most two years: a longer report is hard to read.")
                )
        return cleaned

    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])

    def audience(self) -> Any:
        """The therapist whose eyes the owner's report is drawn for, or None."""
        care = self.links.get(self.cleaned_data.get("seen_by") or 0)
        return care.therapist if care else None

    def query(self) -> str:
        values = {
            "start": self.cleaned_data["start"].isoformat(),
            "end": self.cleaned_data["end"].isoformat(),
        }
        if self.cleaned_data.get("seen_by"):
            values["seen_by"] = str(self.cleaned_data["seen_by"])
        return urlencode(values)


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class NoteLine:
    day: str
    text: str


@dataclass(frozen=True)
class NeedLine:
    label: str
    average: str
    share: int  # 0-100, for the bar


@dataclass(frozen=True)
class ScoreRow:
    label: str
    first: str
    latest: str
    difference: str
    rci: str
    verdict: str  # or the sentence that it cannot be worked out yet


@dataclass(frozen=True)
class Questionnaire:
    title: str
    about: str
    first_on: str
    latest_on: str
    charts: list[results.ScoreChart]
    rows: list[ScoreRow]
    note: str  # why change cannot be worked out, when it cannot


@dataclass(frozen=True)
class AlertLine:
    on: str
    kind: str
    what: str
    status: str
    open: bool


@dataclass(frozen=True)
class AgreementLine:
    week: str
    text: str
    status: str


@dataclass
class Report:
    client: str
    period: Period
    reader: str  # who the report is for, as the header names them
    own: bool  # the client's own, with everything of theirs
    preview: bool  # the client's own look at what ``reader`` gets
    shared_labels: list[str]
    made_at: str
    mood: Chart | None = None
    mood_days: int = 0
    needs_sentence: str = ""
    needs: list[NeedLine] = field(default_factory=list)
    notes: list[NoteLine] = field(default_factory=list)
    questionnaires: list[Questionnaire] = field(default_factory=list)
    alerts: list[AlertLine] | None = None  # None: not part of this report
    practice: str = ""
    practice_chart: Chart | None = None
    agreements: list[AgreementLine] = field(default_factory=list)
    shown: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        """Nothing shared falls in the period (alerts alone make no report)."""
        return not (
            self.mood_days
            or self.needs
            or self.notes
            or self.questionnaires
            or self.practice
            or self.agreements
        )


def _day(moment: dt.datetime, tz: Any) -> dt.date:
    return timezone.localtime(moment, tz).date()


def _bounds(period: Period, tz: Any) -> tuple[dt.datetime, dt.datetime]:
    """The period as aware datetimes in ``tz``: [start 00:00, the day after end)."""
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def build(
    *,
    viewer: Any,
    client: Any,
    period: Period,
    care: CareLink | None = None,
    audience: Any = None,
) -> Report:
    """Everything of ``client``'s in ``period`` that ``viewer`` may see (or, when the
    client reads their own, that ``audience`` would see). ``care``: the therapist's link,
    whose alerts the report lists."""
    tz = client.tz
    detail = _("a session report, %(period)s") % {"period": period.label()}
    eyes = audience or viewer
    own = viewer.pk == client.pk and eyes.pk == client.pk
    report = Report(
        client=str(client),
        period=period,
        reader=str(eyes),
        own=own,
        preview=viewer.pk == client.pk and not own,
        shared_labels=[],
        made_at=date_format(timezone.localtime(timezone.now(), viewer.tz), "j F Y, H:i"),
    )

    def read(queryset: Any, categories: Any) -> access.Reading[Any]:
        return access.read(
            viewer, queryset, categories, owner=client, detail=detail, audience=audience
        )

    shown: set[str] = set()
    shown |= _checkins(report, read, period, client)
    shown |= _assessments(report, read, period, tz, care=care, reader=eyes)
    shown |= _practice(report, read, period, tz, client)
    shown |= _together(report, read, period)
    report.shown = frozenset(shown)
    report.shared_labels = [str(c.label) for c in registry.categories() if c.key in shown]
    return report


def _checkins(report: Report, read: Any, period: Period, client: Any) -> set[str]:
    reading = read(
        CheckIn.objects.filter(day__gte=period.start, day__lte=period.end).order_by("day"),
        SHOWN_CHECKIN_CATEGORIES,
    )
    cats = reading.categories
    entries: list[CheckIn] = reading.rows
    if "mood" in cats:
        report.mood_days = len(entries)
        if entries:
            report.mood = _mood(entries, period, report.client)
    if "needs" in cats:
        averages = []
        for key, label in NEEDS:
            rated = [v for e in entries if (v := getattr(e, f"need_{key}")) is not None]
            if rated:
                mean = sum(rated) / len(rated)
                averages.append((mean, str(label).lower()))
                report.needs.append(
                    NeedLine(
                        label=str(label),
                        average=results.number(round(mean, 1)),
                        share=round(100 * mean / NEED_MAX),
                    )
                )
        if report.needs:
            report.needs_sentence = needs_summary(averages, report.client)
    if "notes" in cats:
        with_notes = [e for e in entries if e.note.strip()]
        report.notes = [
            NoteLine(date_format(e.day, "D j M Y"), e.note)
            for e in reversed(with_notes[-RECENT_NOTES:])
        ]
    return set(cats)


def _mood(entries: list[CheckIn], period: Period, name: str) -> Chart:
    """Mood over the period: day by day, or, over a longer period, each week's average
    (a year of days is a smear on a page)."""
    daily = mood_chart(entries, start=period.start, end=period.end, name=name)
    if period.days <= WEEKLY_AFTER_DAYS:
        return daily
    weeks: dict[int, list[int]] = defaultdict(list)
    for entry in entries:
        weeks[(entry.day - period.start).days // 7].append(entry.mood)
    points: list[tuple[str, float | None]] = []
    for index in range((period.days + 6) // 7):
        moods = weeks.get(index)
        day = period.start + dt.timedelta(weeks=index)
        points.append((date_format(day, "j M"), sum(moods) / len(moods) if moods else None))
    svg = timeline_chart(
        points,
        low=MOOD_MIN,
        high=MOOD_MAX,
        title=_("Mood, each week's average, %(period)s") % {"period": period.label()},
        desc=daily.summary,
    )
    return Chart(svg=svg, summary=daily.summary)


def _assessments(
    report: Report, read: Any, period: Period, tz: Any, *, care: CareLink | None, reader: Any
) -> set[str]:
    start, end = _bounds(period, tz)
    reading = read(
        Take.objects.complete()
        .filter(completed_at__gte=start, completed_at__lt=end)
        .order_by("completed_at", "pk"),
        "assessments",
    )
    if not reading.categories:
        return set()
    series: dict[tuple[str, str], list[Take]] = defaultdict(list)
    for take in reading.rows:
        series[(take.instrument_id, take.relationship)].append(take)
    specs = catalogue()
    for (instrument_id, _relationship), takes in series.items():
        spec = specs.get(instrument_id)
        if spec is None:
            continue
        report.questionnaires.append(_questionnaire(spec, takes, tz))
    if care is not None and reader.pk == care.therapist_id:
        report.alerts = _alerts(care, start, end, tz, specs)
    return {"assessments"}


def _questionnaire(spec: Any, takes: list[Take], tz: Any) -> Questionnaire:
    first, latest = takes[0], takes[-1]
    rows: list[ScoreRow] = []
    note = ""
    cannot = _("can't be worked out yet")
    if len(takes) < 2:
        note = _("Answered once in this period: reliable change needs a second time to compare.")
        values = first.values(spec)
        for sub in spec.subscales:
            value = values.get(sub.id)
            if value is not None:
                shown = results.number(value)
                rows.append(ScoreRow(_(sub.label), shown, shown, "", "", cannot))
    else:
        comparison = results.compare(spec, first, latest, tz=tz)
        for change in comparison.changes:
            rows.append(
                ScoreRow(
                    label=change.label,
                    first=change.before,
                    latest=change.after,
                    difference=change.difference,
                    rci=change.rci,
                    verdict=change.verdict if change.available else cannot,
                )
            )
        if comparison.missing:
            note = _(
                "Reliable change can't be worked out yet for %(subscales)s: this site has no "
                "published reliability and spread for it yet."
            ) % {"subscales": ", ".join(comparison.missing_labels)}
    return Questionnaire(
        title=spec.title,
        about=latest.relationship_label(spec),
        first_on=results.when(first.completed_at, tz),
        latest_on=results.when(latest.completed_at, tz),
        charts=results.score_charts(spec, takes, tz=tz),
        rows=rows,
        note=note,
    )


def _alerts(
    care: CareLink, start: dt.datetime, end: dt.datetime, tz: Any, specs: dict[str, Any]
) -> list[AlertLine]:
    kinds = dict(ALERT_KINDS)
    lines = []
    for alert in Alert.objects.filter(
        care_link=care, created_at__gte=start, created_at__lt=end
    ).order_by("created_at", "pk"):
        spec = specs.get(alert.instrument_id)
        what = spec.title if spec else alert.instrument_id
        labels = {sub.id: _(sub.label) for sub in spec.subscales} if spec else {}
        if alert.subscale_id in labels:
            what = f"{what}: {labels[alert.subscale_id]}"
        status = (
            _("open")
            if alert.is_open
            else _("acknowledged on %(day)s") % {"day": results.when(alert.acknowledged_at, tz)}
        )
        lines.append(
            AlertLine(
                on=results.when(alert.created_at, tz),
                kind=str(kinds.get(alert.kind, alert.kind)),
                what=what,
                status=status,
                open=alert.is_open,
            )
        )
    return lines


def _practice(report: Report, read: Any, period: Period, tz: Any, client: Any) -> set[str]:
    from alongside.practice.charts_experiments import better_sentence, discomfort_chart
    from alongside.practice.models_experiments import RelianceExperiment

    start, end = _bounds(period, tz)
    reading = read(
        RelianceExperiment.objects.filter(after_at__gte=start, after_at__lt=end),
        "practice",
    )
    if not reading.categories:
        return set()
    done = sorted(reading.rows, key=lambda e: (e.after_at, e.pk))
    if done:
        report.practice = better_sentence(done, name=report.client) or _(
            "%(name)s tried small experiments in this period."
        ) % {"name": report.client}
        report.practice_chart = discomfort_chart(done, name=report.client)
    return {"practice"}


def _together(report: Report, read: Any, period: Period) -> set[str]:
    from alongside.together.models import Agreement

    reading = read(
        Agreement.objects.filter(
            session__week_start__gte=period.start - dt.timedelta(days=6),
            session__week_start__lte=period.end,
        )
        .select_related("session")
        .order_by("session__week_start", "pk"),
        "together",
    )
    if not reading.categories:
        return set()
    for agreement in reading.rows:
        status = _("done") if agreement.is_done else _("still open")
        report.agreements.append(
            AgreementLine(
                week=_("week of %(day)s")
                % {"day": date_format(agreement.session.week_start, "j M Y")},
                text=agreement.text,
                status=status,
            )
        )
    return {"together"}


# ----------------------------------------------------------------------------- drawing

# WeasyPrint draws inline SVG without the page's style sheet: each chart carries its own.
_CHART_CSS = (
    ".grid{stroke:#e6dfd4;stroke-width:1}"
    ".axis{fill:#6b655d;font-size:12px;font-family:'DejaVu Sans',sans-serif}"
    ".label{fill:#2b2a28;font-size:12px;font-family:'DejaVu Sans',sans-serif}"
    ".series{fill:none;stroke:#3d6b5e;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}"
    ".series.s1{stroke:#c77d3a}.dot{fill:#3d6b5e}.dot.s1{fill:#c77d3a}"
    ".key.s0,.bar.s0{fill:#3d6b5e}.key.s1,.bar.s1{fill:#c77d3a}"
    ".zero{stroke:#b9b0a3;stroke-dasharray:3 3}.band{fill:#efe7da}"
    ".range{stroke:#3d6b5e;stroke-width:3;stroke-linecap:round}"
)
_SVG_OPEN = re.compile(r"(<svg\b[^>]*>)")


def _printable(chart: Chart | None, *, dots: bool = True) -> SafeString | None:
    if chart is None:
        return None
    css = _CHART_CSS if dots else _CHART_CSS + ".dot{display:none}"
    svg = _SVG_OPEN.sub(lambda m: f"{m.group(1)}<style>{css}</style>", str(chart.svg), count=1)
    return mark_safe(svg)  # noqa: S308 - our own chart markup, plus our own style


def render_html(report: Report) -> str:
    # A year of daily dots would be a smear: the line alone says it better.
    return render_to_string(
        "care/report.html",
        {
            "report": report,
            "mood_svg": _printable(report.mood, dots=report.period.days <= 26 * 7),
            "practice_svg": _printable(report.practice_chart),
            "questionnaires": [
                (q, [(c.label, _printable(c.chart), c.chart.summary) for c in q.charts])
                for q in report.questionnaires
            ],
        },
    )


def render_pdf(report: Report) -> bytes:
    """The report as an A4 PDF."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(report)).write_pdf()
    return pdf
