"""A researcher's pages: my studies, one study, creating, importing and editing a study,
a new consent version, and compliance.

These pages read research tables only (never the circle, check-ins or anything else of
a participant's), and name participants by study ID: a name or address appears only
where the consent that participant accepted says so."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from alongside.lib.http import AuthedHttpRequest
from alongside.research import exports, services
from alongside.research.compliance import DEFAULT_BELOW, study_compliance
from alongside.research.definition import DefinitionError, dump_yaml, load_yaml
from alongside.research.forms import (
    ITEMS_EXAMPLE,
    SCHEDULE_EXAMPLE,
    ComplianceForm,
    ConsentVersionForm,
    ImportForm,
    StudyForm,
)
from alongside.research.models import ConsentVersion, Dyad, Participant, Study

View = Callable[..., HttpResponse]


def researcher_required(view: View) -> View:
    """Signed in and a researcher; anyone else is told how the role is given."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not services.is_researcher(request.user):
            if kwargs:
                raise Http404  # someone's study: it does not exist for them
            return render(request, "research/not_researcher.html")
        return view(request, *args, **kwargs)

    return wrapper


def _my_study(request: AuthedHttpRequest, pk: int) -> Study:
    return get_object_or_404(Study, pk=pk, researcher=request.user)


@researcher_required
def studies(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request,
        "research/studies.html",
        {"studies": Study.objects.of_researcher(request.user)},
    )


@researcher_required
def study(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One study: participants by study ID with their status, dyads, consent versions."""
    found = _my_study(request, pk)
    versions = list(found.consent_versions.order_by("number"))
    identity = {v.number for v in versions if v.researcher_sees_identity}
    participants = list(Participant.objects.filter(study=found).select_related("user"))
    current = versions[-1].number if versions else 0
    rows = [
        {
            "code": p.study_code,
            "status": p.get_status_display(),
            "status_key": p.status,
            "consent_version": p.consent_version,
            "needs_consent": p.status != "withdrawn" and p.consent_version != current,
            "joined_at": p.joined_at,
            "data_deleted": p.data_deleted,
            "identity": p.identity_for_researcher(identity),
        }
        for p in participants
    ]
    dyads = Dyad.objects.filter(study=found).select_related("first", "second")
    return render(
        request,
        "research/study.html",
        {
            "study": found,
            "rows": rows,
            "dyads": dyads,
            "versions": versions,
            "layouts": exports.layouts_of(found),
            "counts": {
                key: sum(1 for p in participants if p.status == key)
                for key in ("active", "paused", "withdrawn")
            },
        },
    )


@researcher_required
@require_http_methods(["GET", "POST"])
def study_new(request: AuthedHttpRequest) -> HttpResponse:
    form = StudyForm(
        request.POST or None,
        initial={"items": ITEMS_EXAMPLE, "schedule": SCHEDULE_EXAMPLE, "on_withdrawal": "ask"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.definition_data()
        if data is not None:
            try:
                created = services.study_create(
                    researcher=request.user, data=data, today=request.user.local_today()
                )
            except DefinitionError as problem:
                form.add_issues(problem.issues)
            else:
                messages.success(request, _("The study is saved."))
                return redirect("research:study", pk=created.pk)
    return render(request, "research/study_form.html", {"form": form, "study": None})


@researcher_required
@require_http_methods(["GET", "POST"])
def study_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Change a study. Its consent changes only by a new version (its own page)."""
    found = _my_study(request, pk)
    before = services.study_data(found)
    form = StudyForm(
        request.POST or None, initial=StudyForm.initial_for(before), with_consent=False
    )
    if request.method == "POST" and form.is_valid():
        data = form.definition_data(consent=before["consent"])
        if data is not None:
            try:
                services.study_update(study=found, data=data, today=request.user.local_today())
            except DefinitionError as problem:
                form.add_issues(problem.issues)
            else:
                messages.success(request, _("The study is saved."))
                return redirect("research:study", pk=found.pk)
    return render(request, "research/study_form.html", {"form": form, "study": found})


@researcher_required
@require_http_methods(["GET", "POST"])
def study_import(request: AuthedHttpRequest) -> HttpResponse:
    """A new study from a study file; nothing is saved unless all of it is right."""
    form = ImportForm(request.POST or None, request.FILES or None)
    issues: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            raw = upload.read(1_000_000).decode("utf-8")
            created = services.study_create(
                researcher=request.user, data=load_yaml(raw), today=request.user.local_today()
            )
        except UnicodeDecodeError:
            form.add_error("file", _("The file is not UTF-8 text."))
        except DefinitionError as problem:
            issues = [str(i) for i in problem.issues]
            form.add_error("file", _("The file has problems; nothing was saved."))
            status = 422
        else:
            messages.success(request, _("The study is imported."))
            return redirect("research:study", pk=created.pk)
    return render(
        request, "research/study_import.html", {"form": form, "issues": issues}, status=status
    )


@researcher_required
def study_export(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The study as its study file (importing it gives the same study)."""
    found = _my_study(request, pk)
    response = HttpResponse(
        dump_yaml(services.study_data(found)), content_type="application/yaml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="study-{found.code.lower()}.yaml"'
    return response


@researcher_required
def study_data(request: AuthedHttpRequest, pk: int, layout: str) -> HttpResponse:
    """The study's answers in one layout, as CSV (docs/research.md, "Exports and
    codebook")."""
    found = _my_study(request, pk)
    if layout not in exports.LAYOUTS:
        raise Http404
    try:
        data = exports.table(found, layout)
    except exports.ExportProblem:
        messages.error(
            request,
            _(
                "The %(layout)s layout needs a couple study with at least one formed dyad. "
                "The long layout has every answer."
            )
            % {"layout": layout},
        )
        return redirect("research:study", pk=found.pk)
    response = HttpResponse(exports.csv_text(data), content_type="text/csv; charset=utf-8")
    name = exports.file_name(found, layout)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@researcher_required
def study_data_zip(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Every layout the study has, each in its own folder with its codebook and
    dataset_description.json, in one zip file."""
    found = _my_study(request, pk)
    now = timezone.now()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for layout in exports.layouts_of(found):
            for name, text in exports.files(found, layout, now=now).items():
                archive.writestr(f"{layout}/{name}", text)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    name = f"study-{found.code}_data.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@researcher_required
@require_http_methods(["GET", "POST"])
def consent_new(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Publish a new version of the information sheet and consent: every participant
    still taking part is asked to accept it before their next prompt."""
    found = _my_study(request, pk)
    current = found.current_consent()
    form = ConsentVersionForm(
        request.POST or None,
        initial=services.consent_data(current) if current else {},
        instance=ConsentVersion(study=found),
    )
    if request.method == "POST" and form.is_valid():
        version = services.consent_publish(
            study=found,
            information_sheet=form.cleaned_data["information_sheet"],
            text=form.cleaned_data["text"],
            researcher_sees_identity=form.cleaned_data["researcher_sees_identity"],
            on_withdrawal=form.cleaned_data["on_withdrawal"],
        )
        messages.success(
            request,
            _(
                "Version %(n)s is published. Participants are asked to accept it before their next prompt."
            )
            % {"n": version.number},
        )
        return redirect("research:study", pk=found.pk)
    return render(
        request, "research/consent_form.html", {"form": form, "study": found, "current": current}
    )


@researcher_required
def compliance(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """How each participant and dyad answers: counts, rate, latency, and day by day.

    Worked out from the prompts on every request, so it is never stale."""
    found = _my_study(request, pk)
    data = request.GET.copy()
    # Nothing chosen yet: the form shows the default it uses.
    data.setdefault("below", str(DEFAULT_BELOW))
    form = ComplianceForm(data)
    below, only_flagged = form.choices(DEFAULT_BELOW)
    report = study_compliance(found, now=timezone.now(), below=below)
    rows = [r for r in report.participants if r.flagged or not only_flagged]
    return render(
        request,
        "research/compliance.html",
        {
            "study": found,
            "report": report,
            "rows": rows,
            "form": form,
            "only_flagged": only_flagged,
            "day_numbers": range(1, report.days + 1),
        },
    )
