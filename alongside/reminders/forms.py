from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alongside.reminders.models import WEEKDAYS, ReminderSchedule


class ReminderForm(forms.ModelForm[ReminderSchedule]):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On these days"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    at = forms.TimeField(
        label=_("At this time (your time zone)"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time like 20:30.")},
    )

    class Meta:
        model = ReminderSchedule
        fields = ["enabled", "weekdays", "at"]

    def clean(self) -> dict[str, object] | None:
        data = super().clean() or {}
        if data.get("enabled") and not data.get("weekdays"):
            self.add_error("weekdays", _("Pick at least one day, or turn reminders off."))
        return data
