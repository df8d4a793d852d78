"""The therapist's forms: a session note."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from alongside.care.models import SessionNote


class SessionNoteForm(forms.ModelForm[SessionNote]):
    """A note of one session, dated in the therapist's own time zone (up to tomorrow, for
    a session written up ahead across a date line; never further ahead)."""

    class Meta:
        model = SessionNote
        fields = ["session_on", "text"]
        labels = {"session_on": _("Session on"), "text": _("Note")}
        widgets = {
            "session_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 8}),
        }
        error_messages = {
            "session_on": {
                "required": _("Pick the day of the session."),
                "invalid": _("Enter the day as a date, like 2026-05-04."),
            },
            "text": {"required": _("Write a few words before saving.")},
        }

    def __init__(self, *args: Any, therapist: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tz = therapist.tz
        latest = therapist.local_today() + dt.timedelta(days=1)
        self.fields["session_on"].widget.attrs["max"] = latest.isoformat()
        self.fields["text"].validators.append(MaxLengthValidator(SessionNote.MAX_LENGTH))
        if not self.is_bound and self.instance.pk is None:
            self.initial.setdefault("session_on", therapist.local_today())

    def clean_session_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["session_on"]
        problem = SessionNote.day_problem(day, self.tz)
        if problem:
            raise forms.ValidationError(problem)
        return day
