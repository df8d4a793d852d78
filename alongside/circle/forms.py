from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alongside.circle import registry
from alongside.circle.models import LINK_KINDS, Invitation, Person
from alongside.circle.services import has_partner_link


class PersonForm(forms.ModelForm[Person]):
    class Meta:
        model = Person
        fields = ["name", "kind"]
        help_texts = {"name": _("They won't be told or contacted.")}


class ScopeField(forms.MultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("What you share with them"))
        kwargs.setdefault(
            "help_text",
            _("Nothing is shared unless you tick it. You can change this any time."),
        )
        super().__init__(
            choices=registry.choices, required=False, widget=forms.CheckboxSelectMultiple, **kwargs
        )


class InvitationForm(forms.ModelForm[Invitation]):
    kind = forms.ChoiceField(label=_("They are your"), choices=LINK_KINDS, widget=forms.RadioSelect)
    # LINK_KINDS: a therapist invites clients from the care pages, not here.
    scope = ScopeField()

    class Meta:
        model = Invitation
        fields = ["kind", "scope"]

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner

    def clean_kind(self) -> str:
        kind: str = self.cleaned_data["kind"]
        if kind == "partner" and has_partner_link(self.owner):
            raise forms.ValidationError(
                _(
                    "You already have a partner link, and there can be one at a time. "
                    "You can invite them as a friend or family."
                )
            )
        return kind


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Invitation code"),
        max_length=20,
        help_text=_("Eight letters and numbers, like K7QD 4MRT."),
        error_messages={"required": _("Enter the code you were given.")},
    )

    def clean_code(self) -> str:
        code = Invitation.normalise_code(self.cleaned_data["code"])
        if len(code) != 8:
            raise forms.ValidationError(
                _("Codes have eight letters and numbers. Check it and try again.")
            )
        return code


# The latest "share until" day: a later one means "until I change it" (leave it empty),
# and 9999-12-31 would overflow turning "the whole of that day" into an expiry time.
LATEST_UNTIL = dt.date(2099, 12, 31)


class GrantForm(forms.Form):
    scope = ScopeField()
    until = forms.DateField(
        label=_("Share until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "max": LATEST_UNTIL.isoformat()}),
        help_text=_("Leave empty to share until you change it."),
        error_messages={"invalid": _("Enter a date like 2026-03-14.")},
    )

    def __init__(self, *args: Any, tz: dt.tzinfo | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tz = tz

    def clean_until(self) -> dt.date | None:
        until: dt.date | None = self.cleaned_data.get("until")
        # "Today" in the person's own zone: near midnight the server's day may differ.
        if until and until < timezone.localdate(timezone=self.tz):
            raise forms.ValidationError(_("Pick today or a later day."))
        if until and until > LATEST_UNTIL:
            raise forms.ValidationError(
                _("Pick a day up to %(latest)s, or leave it empty to share until you change it.")
                % {"latest": LATEST_UNTIL.isoformat()}
            )
        return until


class AcceptForm(GrantForm):
    """Accepting an invitation: what to share (nothing unless ticked), and until when."""
