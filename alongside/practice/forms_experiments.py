from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from alongside.circle.models import Person
from alongside.practice.models_experiments import (
    ASKED_SCALE,
    CAME_TRUE,
    RATING_MAX,
    RATING_MIN,
    SAFETY_BEHAVIOURS,
    SHORT_MAX_LENGTH,
    WORD_MAX_LENGTH,
    Ladder,
    RelianceExperiment,
    Step,
)

OUT_OF_RANGE = _("Use a number from 0 to 100.")


def _unbroken_range(label: Any) -> str:
    """The label with its "(0 to 100)" kept on one line, in any language."""
    return re.sub(r"\((\d+) (\S+) (\d+)\)$", "(\\1\u00a0\\2\u00a0\\3)", str(label))


def percent(label: Any, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=lazy(_unbroken_range, str)(label),
        help_text=help_text,
        min_value=RATING_MIN,
        max_value=RATING_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "percent"}),
        error_messages={
            "required": _("A number from 0 to 100, please (a guess is fine)."),
            "invalid": OUT_OF_RANGE,
            "min_value": OUT_OF_RANGE,
            "max_value": OUT_OF_RANGE,
        },
    )


class BeforeForm(forms.ModelForm[RelianceExperiment]):
    """The before part: written before the ask, while the fear is fresh."""

    belief_before = percent(_("How strongly do you believe it? (0 to 100)"))
    prediction_likelihood = percent(_("How likely does it feel? (0 to 100)"))
    discomfort_expected = percent(_("How uncomfortable do you expect to feel? (0 to 100)"))
    safety_behaviours = forms.MultipleChoiceField(
        label=_("Anything you will try not to do this time? (optional)"),
        help_text=_("Many people soften an ask so much that it can't really be tested."),
        choices=SAFETY_BEHAVIOURS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = RelianceExperiment
        fields = (
            "direction",
            "step",
            "person",
            "person_text",
            "belief",
            "belief_before",
            "prediction",
            "prediction_likelihood",
            "discomfort_expected",
            "safety_behaviours",
            "safety_other",
            "is_private",
        )
        labels = {
            "direction": _("What kind of experiment?"),
            "person": _("Who with? (someone in your circle)"),
            "person_text": _("Or in your own words"),
            "belief": _("The belief behind the fear"),
            "prediction": _("What do you predict will happen?"),
            "step": _("Which step of a ladder is it? (optional)"),
            "safety_other": _("Something else you will try not to do"),
        }
        help_texts = {
            "belief": _('For example: "Asking will be a burden", "They will let me down".'),
            "prediction": _(
                'Something you could see or hear, so you can check it afterwards: "She '
                'will sound annoyed and say no".'
            ),
        }
        widgets = {
            "direction": forms.RadioSelect,
            "belief": forms.Textarea(attrs={"rows": 2}),
            "prediction": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = Person.objects.filter(owner=owner).by_name()
        person.required = False
        step = self.fields["step"]
        assert isinstance(step, forms.ModelChoiceField)
        step.queryset = Step.objects.filter(ladder__owner=owner).select_related("ladder")
        step.label_from_instance = lambda s: f"{s.ladder.title} · {s.text}"  # type: ignore[method-assign,assignment]
        step.required = False
        self.fields["belief"].error_messages["required"] = _(
            "A few words about the fear, please: it is what the experiment tests."
        )
        self.fields["prediction"].error_messages["required"] = _(
            "A prediction, please: something you could check afterwards."
        )

    def save(self, commit: bool = True) -> RelianceExperiment:
        experiment = super().save(commit=False)
        experiment.owner = self.owner
        if commit:
            experiment.save()
        return experiment


class AfterForm(forms.Form):
    """The after part, written once the ask has happened."""

    happened = forms.CharField(
        label=_("What actually happened?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("A few words about what happened, please.")},
    )
    came_true = forms.ChoiceField(
        label=_("Did your prediction come true?"),
        choices=CAME_TRUE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pick no, partly or yes.")},
    )
    discomfort_felt = percent(_("How uncomfortable did you feel? (0 to 100)"))
    learned = forms.CharField(
        label=_("What did you learn? (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    belief_after = percent(_("How strongly do you believe it now? (0 to 100)"))


class LadderForm(forms.ModelForm[Ladder]):
    class Meta:
        model = Ladder
        fields = ("title", "is_private")
        labels = {"title": _("What is this ladder about?")}
        help_texts = {"title": _('For example: "Asking friends for small things".')}


class StepForm(forms.Form):
    text = forms.CharField(
        label=_("A step (an ask)"),
        max_length=SHORT_MAX_LENGTH,
        help_text=_("Start small: asking for the salt counts."),
        error_messages={"required": _("A few words for the step, please.")},
    )


class AskedForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was it for you to be asked?"),
        choices=ASKED_SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pick a number from 1 to 5, or choose not to answer.")},
    )
    word = forms.CharField(
        label=_("One word for it (optional)"), max_length=WORD_MAX_LENGTH, required=False
    )
