"""The therapist's form for asking a client to answer a questionnaire on a schedule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alongside.assessments.models import catalogue
from alongside.assessments.spec import InstrumentSpec, wording_status
from alongside.care.models import CareLink

MAX_OPEN_DAYS = 56


def answerable() -> dict[str, InstrumentSpec]:
    """Installed questionnaires whose wording is here (validated ones first)."""
    specs = [spec for spec in catalogue().values() if wording_status(spec).installed]
    specs.sort(key=lambda s: (s.kind == "reflection", s.title.lower()))
    return {spec.id: spec for spec in specs}


def _every_choices() -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [("", _("Once"))]
    for weeks in range(1, 9):
        label = ngettext("Every week", "Every %(n)d weeks", weeks) % {"n": weeks}
        choices.append((str(weeks), label))
    return choices


class AssignForm(forms.Form):
    instrument = forms.ChoiceField(
        label=_("Questionnaire"),
        error_messages={
            "required": _("Choose a questionnaire."),
            "invalid_choice": _("Choose one of the questionnaires in the list."),
        },
    )
    relationship = forms.ChoiceField(
        label=_("About"),
        required=False,
        help_text=_("Only for questionnaires answered about one relationship."),
        error_messages={"invalid_choice": _("Choose one of the people in the list.")},
    )
    every_weeks = forms.TypedChoiceField(
        label=_("How often"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose once, or every 1 to 8 weeks.")},
    )
    first_due_on = forms.DateField(
        label=_("First day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Choose the first day."),
            "invalid": _("Enter a day like 2026-04-20."),
        },
    )
    open_days = forms.IntegerField(
        label=_("Open for (days)"),
        initial=7,
        help_text=_("Each time stays on their list this many days, counting the first."),
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_OPEN_DAYS, "inputmode": "numeric"}),
        error_messages={
            "required": _("Say how many days each time stays open."),
            "invalid": _("Enter a whole number of days."),
        },
    )
    ends_on = forms.DateField(
        label=_("Last day (optional)"),
        required=False,
        help_text=_("For a repeating questionnaire: no new times after this day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a day like 2026-06-30.")},
    )

    def __init__(self, *args: Any, care: CareLink, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.care = care
        self.specs = answerable()
        _set_choices(
            self.fields["instrument"],
            [("", "—"), *((spec.id, _label(spec)) for spec in self.specs.values())],
        )
        relationships: dict[str, str] = {}
        for spec in self.specs.values():
            if spec.about.kind == "relationship":
                for key in spec.about.relationships:
                    relationships.setdefault(key, str(_(spec.about.relationship_labels[key])))
        if relationships:
            _set_choices(self.fields["relationship"], [("", "—"), *relationships.items()])
        else:
            del self.fields["relationship"]  # nothing installed is answered about someone
        _set_choices(self.fields["every_weeks"], _every_choices())
        today = care.client.local_today()
        self.fields["first_due_on"].initial = today
        self.fields["first_due_on"].help_text = _(
            "In %(name)s's calendar (%(tz)s), where today is %(today)s."
        ) % {"name": care.client, "tz": care.client.time_zone, "today": _day(today)}

    @property
    def spec(self) -> InstrumentSpec | None:
        return self.specs.get(self.cleaned_data.get("instrument") or "")

    def clean_first_due_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["first_due_on"]
        today = self.care.client.local_today()
        if day < today:
            raise forms.ValidationError(
                _("Pick today or a later day: it is %(today)s where %(name)s is.")
                % {"today": _day(today), "name": self.care.client}
            )
        return day

    def clean_open_days(self) -> int:
        days: int = self.cleaned_data["open_days"]
        if not 1 <= days <= MAX_OPEN_DAYS:
            raise forms.ValidationError(
                _("Choose from 1 to %(most)d days.") % {"most": MAX_OPEN_DAYS}
            )
        return days

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        spec = self.spec
        if spec is not None:
            self._clean_relationship(spec, data)
            self._clean_not_already_asked(spec, data)
        weeks, days = data.get("every_weeks"), data.get("open_days")
        if weeks is not None and days is not None and days > 7 * weeks:
            self.add_error(
                "open_days",
                ngettext(
                    "Asked every week, each time can be open for at most 7 days, so one "
                    "closes before the next opens.",
                    "Asked every %(n)d weeks, each time can be open for at most %(days)d "
                    "days, so one closes before the next opens.",
                    weeks,
                )
                % {"n": weeks, "days": 7 * weeks},
            )
        first, last = data.get("first_due_on"), data.get("ends_on")
        if first is not None and last is not None and last < first:
            self.add_error("ends_on", _("The last day can't be before the first day."))
        return data

    def _clean_relationship(self, spec: InstrumentSpec, data: dict[str, Any]) -> None:
        if spec.about.kind != "relationship":
            data["relationship"] = ""  # not answered about anyone: nothing to keep
            return
        if data.get("relationship") not in spec.about.relationships:
            self.add_error(
                "relationship",
                _("Choose whom %(name)s answers this about.") % {"name": self.care.client},
            )

    def _clean_not_already_asked(self, spec: InstrumentSpec, data: dict[str, Any]) -> None:
        asked = self.care.assignments.filter(
            instrument_id=spec.id,
            relationship=data.get("relationship") or "",
            stopped_at__isnull=True,
        )
        if any(not _finished(a) for a in asked):
            self.add_error(
                "instrument",
                _("%(name)s is already asked to answer this. Stop that first to change it.")
                % {"name": self.care.client},
            )


def _label(spec: InstrumentSpec) -> str:
    """ "Couples Satisfaction Index (4 items) (CSI-4)": the name and how it is known."""
    if spec.short_title and spec.short_title != spec.title:
        return f"{spec.title} ({spec.short_title})"
    return spec.title


def _set_choices(field: forms.Field, choices: list[tuple[str, Any]]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _finished(assignment: Any) -> bool:
    """An assignment with no time left to come (asked once and past, or past its end)."""
    from alongside.care.schedule import due_days

    last = assignment.dues.order_by("-due_on").first()
    if last is None or last.status == "open":
        return False
    later = (day for day in due_days(assignment, start=last.due_on) if day > last.due_on)
    return next(later, None) is None


def _day(day: dt.date) -> str:
    return date_format(day, "l j F Y")
