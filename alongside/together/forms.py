from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alongside.accounts.models import User
from alongside.together.models import (
    AGREEMENT_MAX_LENGTH,
    ANSWER_MAX_LENGTH,
    ITEM_KINDS,
    ITEM_MAX_LENGTH,
    WEEKDAYS,
    Agreement,
    Item,
    PromptAnswer,
    Ritual,
    Session,
)
from alongside.together.prompts import Prompt

ANSWERED_TWICE = _(
    "You have already answered this one. Answers stay as first written, so the reveal is "
    "fair to you both."
)
TOO_LONG = _("Please keep it to %(limit_value)d characters; this has %(show_value)d.")


def _text(label: Any, limit: int, *, rows: int, required_message: Any) -> forms.CharField:
    field = forms.CharField(
        label=label,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message, "max_length": TOO_LONG},
    )
    # No maxlength in the page: a browser would silently cut a long paste. The server
    # says how long it may be and keeps every word of what was typed.
    field.widget.attrs.pop("maxlength", None)
    return field


class ItemForm(forms.ModelForm[Item]):
    prefix = "item"
    kind = forms.ChoiceField(
        label=_("What would you like to bring?"),
        choices=ITEM_KINDS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pick what kind of thing this is."),
            "invalid_choice": _("Pick one of the kinds shown."),
        },
    )
    text = _text(
        _("In a few words"),
        ITEM_MAX_LENGTH,
        rows=2,
        required_message=_("Write a few words first."),
    )

    class Meta:
        model = Item
        fields = ["kind", "text"]


class AnswerForm(forms.Form):
    """One answer to one prompt, once: answers stay as first written."""

    text = _text(
        _("Your answer"),
        ANSWER_MAX_LENGTH,
        rows=3,
        required_message=_("Write your answer first, even a few words."),
    )

    def __init__(self, *args: Any, session: Session, prompt: Prompt, author: Any, **kw: Any):
        self.session, self.prompt, self.author = session, prompt, author
        super().__init__(*args, **kw)
        self.fields["text"].label = prompt.text

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        if self.already_answered():
            raise forms.ValidationError(ANSWERED_TWICE)
        return text

    def already_answered(self) -> bool:
        return PromptAnswer.objects.filter(
            session=self.session, prompt_key=self.prompt.key, author=self.author
        ).exists()


class PartnerChoiceField(forms.ModelChoiceField[User]):
    def __init__(self, *, viewer: Any, **kwargs: Any) -> None:
        self.viewer = viewer
        super().__init__(**kwargs)

    def label_from_instance(self, obj: User) -> str:
        if obj.pk == self.viewer.pk:
            return str(_("Me"))
        return str(obj)


class AgreementForm(forms.ModelForm[Agreement]):
    prefix = "agreement"
    text = _text(
        _("What did you agree?"),
        AGREEMENT_MAX_LENGTH,
        rows=2,
        required_message=_("Write down what you agreed first."),
    )
    due = forms.DateField(
        label=_("By when (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date like 2026-03-14.")},
    )

    class Meta:
        model = Agreement
        fields = ["text", "owner", "due"]

    def __init__(self, *args: Any, session: Session, viewer: Any, today: dt.date, **kw: Any):
        super().__init__(*args, **kw)
        self.today = today
        link = session.couple
        self.fields["owner"] = PartnerChoiceField(
            viewer=viewer,
            label=_("Who takes it on?"),
            # Not by name: display_name is encrypted, so the database only sees ciphertext.
            queryset=User.objects.filter(pk__in=[link.user_a_id, link.user_b_id]).order_by("pk"),
            widget=forms.RadioSelect,
            empty_label=None,
            error_messages={
                "required": _("Pick which of you takes this on."),
                "invalid_choice": _("Pick one of you two."),
            },
        )
        # Drawn from the two people the link already holds (the queryset still checks
        # what is sent): two queries fewer on every week page.
        owner = self.fields["owner"]
        assert isinstance(owner, PartnerChoiceField)
        owner.widget.choices = [
            (person.pk, owner.label_from_instance(person))
            for person in sorted((link.user_a, link.user_b), key=lambda p: p.pk)
        ]

    def clean_due(self) -> dt.date | None:
        due: dt.date | None = self.cleaned_data.get("due")
        if due is not None and due < self.today:
            raise forms.ValidationError(_("That day has passed. Pick today or a later day."))
        return due


class RitualForm(forms.ModelForm[Ritual]):
    """The day and time, shown and saved in the time zone of the person editing."""

    weekday = forms.TypedChoiceField(
        label=_("Which day?"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pick a day."), "invalid_choice": _("Pick a day.")},
    )
    at = forms.TimeField(
        label=_("What time?"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": _("Pick a time."), "invalid": _("Enter a time like 19:30.")},
    )

    class Meta:
        model = Ritual
        fields = ["weekday", "at"]

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        ritual: Ritual = kwargs["instance"]
        local = ritual.next_at().astimezone(viewer.tz)
        kwargs.setdefault("initial", {"weekday": local.weekday(), "at": local.time()})
        super().__init__(*args, **kwargs)
        self.fields["at"].help_text = _("In your time zone (%(tz)s).") % {
            "tz": viewer.time_zone.replace("_", " ")
        }
