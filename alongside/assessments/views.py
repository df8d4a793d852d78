"""Questionnaires: the list, answering page by page, results, history, and what a
person in the circle chose to share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alongside.assessments import results
from alongside.assessments.forms import StartForm, TakePageForm
from alongside.assessments.models import (
    LinkedPartner,
    Take,
    catalogue,
    instrument,
    pages_of,
    runs_the_site,
)
from alongside.assessments.scoring import missing_required
from alongside.assessments.spec import (
    AssessmentError,
    InstrumentSpec,
    WordingStatus,
    load_messages,
    wording_status,
)
from alongside.circle import access
from alongside.circle.models import Link
from alongside.circle.registry import Part
from alongside.lib.charts import Chart
from alongside.lib.http import AuthedHttpRequest


def _spec_or_404(instrument_id: str, user: Any = None) -> InstrumentSpec:
    """The questionnaire, or 404; with ``user``, also 404 when its wording is not
    installed and they do not run the site (people are not shown what they can't answer)."""
    try:
        spec = instrument(instrument_id)
    except AssessmentError:
        raise Http404("no such questionnaire") from None
    if user is not None and not runs_the_site(user) and not wording_status(spec).installed:
        raise Http404("no such questionnaire")
    return spec


def _own_take(request: AuthedHttpRequest, pk: int) -> Take:
    return get_object_or_404(Take, pk=pk, owner=request.user)


def reflection_label() -> str:
    return _(str(load_messages()["reflection_label"]))


@dataclass(frozen=True)
class Entry:
    """One questionnaire in the list, with where this person is with it."""

    spec: InstrumentSpec
    status: WordingStatus
    unfinished: list[tuple[Take, str]]  # with whom each is about
    completed: int


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    """Every questionnaire: the project's reflections, then the validated ones."""
    mine = Take.objects.filter(owner=request.user)
    unfinished: dict[str, list[Take]] = {}
    for take in mine.in_progress().order_by("-updated_at"):
        unfinished.setdefault(take.instrument_id, []).append(take)
    completed: dict[str, int] = {}
    for instrument_id in mine.complete().values_list("instrument_id", flat=True):
        completed[instrument_id] = completed.get(instrument_id, 0) + 1
    partner = LinkedPartner.of(request.user)
    entries = [
        Entry(
            spec,
            wording_status(spec),
            [(t, t.relationship_label(spec, partner)) for t in unfinished.get(spec.id, [])],
            completed.get(spec.id, 0),
        )
        for spec in catalogue().values()
    ]
    return render(
        request,
        "assessments/index.html",
        {
            "reflections": [e for e in entries if e.spec.kind == "reflection"],
            "questionnaires": [
                e for e in entries if e.spec.kind != "reflection" and e.status.installed
            ],
            "waiting": (
                [e for e in entries if not e.status.installed]
                if runs_the_site(request.user)
                else []
            ),
            "reflection_label": reflection_label(),
        },
    )


def _detail(request: AuthedHttpRequest, spec: InstrumentSpec, form: StartForm) -> HttpResponse:
    mine = Take.objects.filter(owner=request.user, instrument_id=spec.id)
    partner = LinkedPartner.of(request.user)
    return render(
        request,
        "assessments/instrument.html",
        {
            "spec": spec,
            "status": wording_status(spec),
            "form": form,
            "unfinished": [
                (t, t.relationship_label(spec, partner))
                for t in mine.in_progress().order_by("-updated_at")
            ],
            "completed": [
                (t, t.relationship_label(spec, partner))
                for t in mine.complete().order_by("-completed_at")[:10]
            ],
            "reflection_label": reflection_label(),
        },
    )


@login_required
def detail(request: AuthedHttpRequest, instrument_id: str) -> HttpResponse:
    """What a questionnaire is, whom it is about, and a button to begin."""
    spec = _spec_or_404(instrument_id, request.user)
    return _detail(request, spec, StartForm(spec=spec, partner=LinkedPartner.of(request.user)))


@login_required
@require_POST
def start(request: AuthedHttpRequest, instrument_id: str) -> HttpResponse:
    spec = _spec_or_404(instrument_id, request.user)
    form = StartForm(request.POST, spec=spec, partner=LinkedPartner.of(request.user))
    if form.is_valid():
        try:
            take = Take.begin(
                owner=request.user,
                spec=spec,
                relationship=form.cleaned_data.get("relationship", ""),
            )
        except AssessmentError as exc:
            form.add_error(None, exc.detail)
        else:
            return redirect("assessments:take", pk=take.pk)
    return _detail(request, spec, form)


def _page_number(raw: str | None, take: Take, spec: InstrumentSpec, count: int) -> int:
    try:
        number = int(raw or "")
    except ValueError:
        return take.first_open_page(spec)
    return min(max(number, 1), count)


def _take_page(
    request: AuthedHttpRequest, take: Take, spec: InstrumentSpec, page: int, form: TakePageForm
) -> HttpResponse:
    pages = pages_of(spec)
    answered = take.answered_count(spec)
    rows = form.rows()
    return render(
        request,
        "assessments/take.html",
        {
            "spec": spec,
            "take": take,
            "about": take.relationship_label(spec, LinkedPartner.of(request.user)),
            "page": page,
            "pages": len(pages),
            "first_number": pages[page - 1][0].number,
            "rows": rows,
            "problems": [row for row in rows if row.errors],
            "form": form,
            "answered": answered,
            "total": len(spec.items),
            "percent": round(100 * answered / len(spec.items)),
            "reflection_label": reflection_label(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def take(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One page of answers. Every answer that fits is kept, whichever button is pressed."""
    take = _own_take(request, pk)
    spec = _spec_or_404(take.instrument_id)
    if take.is_complete:
        return redirect("assessments:result", pk=take.pk)
    pages = pages_of(spec)
    source = request.POST if request.method == "POST" else request.GET
    page = _page_number(source.get("page"), take, spec, len(pages))
    items = pages[page - 1]
    if request.method == "GET":
        form = TakePageForm(None, spec=spec, items=items, saved=take.answers)
        if request.GET.get("check"):
            form = TakePageForm(
                {f.name: take.answers.get(f.item.id, "") for f in form.rows()},
                spec=spec,
                items=items,
                saved=take.answers,
            )
            form.is_valid()
            form.require_answers()
        return _take_page(request, take, spec, page, form)
    action = request.POST.get("go", "next")
    form = TakePageForm(request.POST, spec=spec, items=items, saved=take.answers)
    form.is_valid()
    take.record_answers(spec, form.valid_answers())
    if action in ("next", "finish"):
        form.require_answers()
    if form.errors:
        return _take_page(request, take, spec, page, form)
    url = reverse("assessments:take", kwargs={"pk": take.pk})
    if action == "back":
        return redirect(f"{url}?page={max(page - 1, 1)}")
    if action == "later":
        messages.success(request, _("Saved. You can carry on from Questionnaires any time."))
        return redirect("assessments:index")
    if action == "next" and page < len(pages):
        return redirect(f"{url}?page={page + 1}")
    return _finish(request, take, spec)


def _finish(request: AuthedHttpRequest, take: Take, spec: InstrumentSpec) -> HttpResponse:
    missing = missing_required(spec, take.answers)
    if missing:
        pages = pages_of(spec)
        page = next(i for i, p in enumerate(pages, 1) if any(it.id == missing[0] for it in p))
        messages.error(request, _("A few questions still need an answer. They are marked below."))
        url = reverse("assessments:take", kwargs={"pk": take.pk})
        return redirect(f"{url}?page={page}&check=1")
    take.finish(spec)
    messages.success(request, _("Thank you. Here is what your answers say."))
    return redirect("assessments:result", pk=take.pk)


@login_required
def result(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Scores, where they fall, the plain-language reading, and change since last time."""
    take = _own_take(request, pk)
    spec = _spec_or_404(take.instrument_id)
    if not take.is_complete:
        return redirect("assessments:take", pk=take.pk)
    tz = request.user.tz
    series = list(
        Take.objects.filter(owner=request.user).series(take.instrument_id, take.relationship)
    )
    upto = [t for t in series if (t.completed_at, t.pk) <= (take.completed_at, take.pk)]
    earlier = take.earlier_in_series()
    return render(
        request,
        "assessments/result.html",
        {
            "spec": spec,
            "take": take,
            "about": take.relationship_label(spec, LinkedPartner.of(request.user)),
            "when": results.when(take.completed_at, tz),
            "rows": results.subscale_rows(spec, take.result(spec)),
            "across": results.across_relationships(spec, request.user),
            "picture": results.attachment_picture(spec, upto, tz=tz),
            "comparison": results.compare(spec, earlier, take, tz=tz) if earlier else None,
            "count": len(series),
            "reflection_label": reflection_label(),
        },
    )


def _pick(takes: list[Take], raw: str | None) -> Take | None:
    return next((t for t in takes if str(t.pk) == raw), None)


@login_required
def history(request: AuthedHttpRequest, instrument_id: str) -> HttpResponse:
    """Every completed take of one questionnaire (per relationship), charts over time,
    and reliable change between any two takes (the last two unless chosen)."""
    spec = _spec_or_404(instrument_id)
    mine = Take.objects.filter(owner=request.user, instrument_id=spec.id).complete()
    answered = set(mine.values_list("relationship", flat=True))
    relationships = [
        (key, _(spec.about.relationship_labels[key]))
        for key in spec.about.relationships
        if key in answered
    ]
    relationship = request.GET.get("relationship", "")
    if relationship not in answered:
        relationship = relationships[0][0] if relationships else ""
    takes = list(mine.series(spec.id, relationship))
    before = _pick(takes, request.GET.get("before"))
    after = _pick(takes, request.GET.get("after"))
    if (before is None or after is None or before == after) and len(takes) >= 2:
        before, after = takes[-2], takes[-1]
    tz = request.user.tz
    return render(
        request,
        "assessments/history.html",
        {
            "spec": spec,
            "takes": [(t, results.when(t.completed_at, tz, "j M Y, H:i")) for t in takes],
            "relationships": relationships,
            "relationship": relationship,
            "charts": results.score_charts(spec, takes, tz=tz),
            "picture": results.attachment_picture(spec, takes, tz=tz),
            "comparison": (
                results.compare(spec, before, after, tz=tz) if before and after else None
            ),
            "before": before,
            "after": after,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    take = _own_take(request, pk)
    spec = _spec_or_404(take.instrument_id)
    if request.method == "POST":
        take.delete()
        messages.success(request, _("Those answers are deleted."))
        return redirect("assessments:index")
    return render(
        request,
        "assessments/delete.html",
        {
            "spec": spec,
            "take": take,
            "about": take.relationship_label(spec, LinkedPartner.of(request.user)),
        },
    )


@dataclass(frozen=True)
class SharedResult:
    spec: InstrumentSpec
    about: str
    latest: Take
    when: str
    count: int
    rows: list[results.SubscaleRow]
    picture: Chart | None


def shared_part(viewer: Any, owner: Any, link: Link, audience: Any) -> Part | None:
    """On a person's page: the way to what they share of their questionnaires."""
    if not access.visible(owner, audience, "assessments"):
        return None
    return Part(
        "assessments/_link_part.html",
        {"link": link, "name": str(owner), "preview": audience.pk != viewer.pk},
    )


@login_required
def shared(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The completed results the other person in a link chose to share (scores and the
    reading, never the answers); each visit is written to their access log."""
    link = get_object_or_404(Link.for_user(request.user), pk=pk)
    other = link.other(request.user)
    found: list[SharedResult] = []
    reading = access.read(
        request.user,
        Take.objects.complete().order_by("completed_at", "pk"),
        "assessments",
        owner=other,
        detail=_("questionnaire results"),
    )
    sharing = bool(reading.categories)
    groups: dict[tuple[str, str], list[Take]] = {}
    for take in reading:
        groups.setdefault((take.instrument_id, take.relationship), []).append(take)
    specs = catalogue()
    tz = request.user.tz
    for (instrument_id, _rel), series in groups.items():
        spec = specs.get(instrument_id)
        if spec is None:
            continue
        latest = series[-1]
        found.append(
            SharedResult(
                spec=spec,
                about=latest.relationship_label(spec),
                latest=latest,
                when=results.when(latest.completed_at, tz),
                count=len(series),
                rows=results.subscale_rows(spec, latest.result(spec)),
                picture=results.attachment_picture(spec, series, tz=tz),
            )
        )
    return render(
        request,
        "assessments/shared.html",
        {"link": link, "other": other, "sharing": sharing, "found": found},
    )
