from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alongside.accounts.models import User


class SafetyForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["discreet", "exit_signs_out"]
        labels = {
            "discreet": _("Discreet mode"),
            "exit_signs_out": _("Quick exit also signs me out"),
        }
        help_texts = {
            "discreet": _(
                "The app is called “Notes” in your browser tabs, on your home screen, in "
                "e-mail subjects and as the sender, in the name of your data download, and "
                "on the sign-in page of this device. Nobody is told."
            ),
            "exit_signs_out": _(
                "Otherwise, after a quick exit, Alongside asks for your password before it "
                "shows anything again."
            ),
        }
