from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alongside.practice.models_growth import (
    ANSWER_MAX_LENGTH,
    STEP_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    WHY_MAX_LENGTH,
    Goal,
    GoalStep,
    PromptEntry,
)

TOO_LONG = _("Please keep it to %(limit_value)d characters; this has %(show_value)d.")


def _keep_every_word(field: forms.Field) -> forms.Field:
    # No maxlength in the page: a browser would silently cut a long paste. The server
    # says how long it may be and keeps every word of what was typed.
    field.widget.attrs.pop("maxlength", None)
    return field


class GoalForm(forms.ModelForm[Goal]):
    title = _keep_every_word(
        forms.CharField(
            label=_("Your goal"),
            max_length=TITLE_MAX_LENGTH,
            help_text=_(
                "Something to grow towards, not something to fix. For example: “Cook a new "
                "dish together once a week”, “Each keep one evening for a friend”, “Go for "
                "a walk after dinner on Sundays”."
            ),
            error_messages={
                "required": _("Give your goal a name in a few words."),
                "max_length": TOO_LONG,
            },
        )
    )
    why = _keep_every_word(
        forms.CharField(
            label=_("Why it matters to you (optional)"),
            required=False,
            max_length=WHY_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"max_length": TOO_LONG},
        )
    )
    share_with = forms.TypedChoiceField(
        label=_("Who is it for?"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Pick one of the options shown.")},
    )

    class Meta:
        model = Goal
        fields = ("title", "why")

    def __init__(self, *args: Any, partners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partners = {p.pk: p for p in partners}
        choice = self.fields["share_with"]
        assert isinstance(choice, forms.TypedChoiceField)
        choice.choices = [
            ("", _("Just me")),
            *(
                (pk, _("Me and %(name)s (they choose whether to join)") % {"name": p})
                for pk, p in self.partners.items()
            ),
        ]
        if not self.partners:
            del self.fields["share_with"]

    def partner(self) -> Any:
        return self.partners.get(self.cleaned_data.get("share_with") or 0)


class StepForm(forms.ModelForm[GoalStep]):
    prefix = "step"
    text = _keep_every_word(
        forms.CharField(
            label=_("A small step"),
            max_length=STEP_MAX_LENGTH,
            help_text=_("Small enough to do this week, like “Pick a recipe on Sunday”."),
            error_messages={
                "required": _("Write the step in a few words."),
                "max_length": TOO_LONG,
            },
        )
    )

    class Meta:
        model = GoalStep
        fields = ("text",)


class AnswerForm(forms.ModelForm[PromptEntry]):
    text = _keep_every_word(
        forms.CharField(
            label=_("Your answer"),
            max_length=ANSWER_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 6}),
            error_messages={
                "required": _("Write a few words, or choose “Skip” or “Not now”."),
                "max_length": TOO_LONG,
            },
        )
    )
    share = forms.BooleanField(
        label=_("Share with my partner when they have shared theirs"),
        required=False,
        help_text=_(
            "Neither of you sees the other's answer until you have both shared one. "
            "Left unticked, it stays in your own journal."
        ),
    )

    class Meta:
        model = PromptEntry
        fields = ("text",)

    def __init__(self, *args: Any, can_share: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["share"].initial = not self.instance.is_private
        if not can_share:
            del self.fields["share"]

    def save(self, commit: bool = True) -> PromptEntry:
        entry = super().save(commit=False)
        entry.is_private = not self.cleaned_data.get("share", False)
        if commit:
            entry.save()
        return entry
