from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alongside.care.models import TherapistProfile


class TherapistProfileForm(forms.ModelForm[TherapistProfile]):
    class Meta:
        model = TherapistProfile
        fields = ["profession", "licence"]
        help_texts = {
            "profession": _("As a client would read it, like “Clinical psychologist”."),
        }


class CoupleViewForm(forms.Form):
    couple_view = forms.BooleanField(
        label=_("Let them see me beside my partner"),
        required=False,
        help_text=_(
            "Only when your partner chooses this for the same therapist too. They then see "
            "what each of you shares with them on one page, side by side."
        ),
    )
