from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from allauth.account.forms import SetPasswordForm as AllauthSetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alongside.accounts.models import ApiToken, User, time_zone_choices


class ProfileForm(forms.ModelForm[User]):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("Reminders and 'today' follow this time zone."),
        error_messages={"invalid_choice": _("Pick a time zone from the list.")},
    )

    language = forms.ChoiceField(
        label=_("Language"),
        # Each language in its own name (from settings), after "as my browser says".
        choices=lambda: [("", _("As my browser says")), *settings.LANGUAGES],
        required=False,
        help_text=_("The words Alongside uses with you, on every device."),
        error_messages={"invalid_choice": _("Pick a language from the list.")},
    )

    class Meta:
        model = User
        fields = ["display_name", "time_zone", "language"]


def clean_display_name(raw: str) -> str:
    """A name people you link with will see: one line, not an e-mail address."""
    name = " ".join(raw.split())
    if not name:
        raise forms.ValidationError(
            _("Tell us what to call you. A first name or a nickname is fine.")
        )
    if "@" in name:
        # An address here would show it to everyone the person links with.
        raise forms.ValidationError(
            _("This looks like an e-mail address. Choose a name or a nickname instead.")
        )
    return name


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, with the name linked people will see (asked first)."""

    display_name = forms.CharField(
        label=_("What should we call you?"),
        max_length=80,
        help_text=_("A first name or a nickname. Only people you link with will see it."),
        error_messages={
            "required": _("Tell us what to call you. A first name or a nickname is fine."),
            "max_length": _("Please keep it to 80 characters or fewer."),
        },
    )
    field_order = ["display_name", "email", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"].widget.attrs.update(autocomplete="nickname")
        self.fields["email"].label = _("Your e-mail address")
        # Django's list of four password rules is a wall of text on a phone: one line.
        self.fields["password1"].help_text = _(
            "At least 8 characters. A few words you'll remember work well."
        )

    def clean_display_name(self) -> str:
        return clean_display_name(self.cleaned_data["display_name"])


class LoginForm(AllauthLoginForm):
    """allauth's sign-in, with labels in Alongside's words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Your e-mail address")
        if "remember" in self.fields:
            self.fields["remember"].label = _("Keep me signed in on this device")


def _new_password_words(form: forms.Form) -> None:
    """The new-password pair in our words, with one line instead of Django's four rules."""
    form.fields["password1"].label = _("New password")
    form.fields["password1"].help_text = _(
        "At least 8 characters. A few words you'll remember work well."
    )
    form.fields["password2"].label = _("The same again, to be sure")
    for name in ("password1", "password2"):
        form.fields[name].widget.attrs.pop("placeholder", None)


class ResetPasswordKeyForm(AllauthResetPasswordKeyForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _new_password_words(self)


class SetPasswordForm(AllauthSetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _new_password_words(self)


class ChangePasswordForm(AllauthChangePasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"].label = _("Your password now")
        self.fields["oldpassword"].widget.attrs.pop("placeholder", None)
        _new_password_words(self)


class AddEmailForm(AllauthAddEmailForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Another e-mail address")
        self.fields["email"].widget.attrs.pop("placeholder", None)


def lifetime_choices() -> list[tuple[str, str]]:
    return [
        (str(days), ngettext("%(days)d day", "%(days)d days", days) % {"days": days})
        for days in ApiToken.LIFETIME_DAYS
    ]


class ApiTokenForm(forms.ModelForm[ApiToken]):
    # A choice, never "no expiry": a forgotten token should stop working by itself.
    lifetime = forms.TypedChoiceField(
        label=_("How long should it work?"),
        choices=lifetime_choices,
        coerce=int,
        initial=str(ApiToken.DEFAULT_LIFETIME.days),
        help_text=_("You can revoke it sooner at any time."),
        error_messages={"invalid_choice": _("Pick how long the token should work.")},
    )

    class Meta:
        model = ApiToken
        fields = ["name"]
        labels = {"name": _("What is this token for?")}
        help_texts = {"name": _("For example: 'my laptop script'.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["placeholder"] = _("my laptop script")

    @property
    def lifetime_delta(self) -> dt.timedelta:
        return dt.timedelta(days=self.cleaned_data["lifetime"])


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type DELETE to confirm"),
        max_length=20,
        error_messages={"required": _("Type DELETE (in capitals) to confirm.")},
    )

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"].strip()
        if value != "DELETE":
            raise forms.ValidationError(_("Type DELETE (in capitals) to confirm."))
        return value
