from __future__ import annotations

import copy
import datetime as dt
from functools import lru_cache
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alongside.checkins.models import (
    BODY_AREAS,
    CLOSENESS_WISHES,
    EMOTION_LEVELS,
    EMOTIONS,
    MOOD_MAX,
    MOOD_MIN,
    NEED_LEVELS,
    NEEDS,
    NOTE_MAX_LENGTH,
    SUPPORT_KINDS,
    CheckIn,
    day_problem,
)
from alongside.circle import access
from alongside.circle.models import Person, name_order
from alongside.lib.prepared import Prepared


def _names(people: list[Any]) -> str:
    names = [str(p) for p in people]
    if len(names) == 1:
        return names[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def who_sees_notes(owner: Any) -> str:
    readers = access.audience(owner, "notes")
    if not readers:
        return str(_("Who can read it: only you."))
    return str(
        _("Who can read it: you and %(names)s, unless you keep this day private.")
        % {"names": _names(readers)}
    )


# The person's people as (pk, name), on every check-in page: compiled once.
_PEOPLE = Prepared(
    lambda owner: Person.objects.filter(owner_id=owner).values_list("pk", "name"), owner=int
)


class _Rating(forms.TypedChoiceField):
    """A rating question whose copies share its choices: Django deep-copies a form's
    fields for every form, and copying the choices' lazy labels was most of that cost.
    Nothing changes a rating's choices after it is built."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _Rating:
        result = copy.copy(self)
        memo[id(self)] = result
        result.widget = copy.copy(self.widget)
        result.widget.attrs = dict(self.widget.attrs)
        result.error_messages = dict(self.error_messages)
        result.validators = list(self.validators)
        return result


@lru_cache(maxsize=1)
def _rating_fields() -> dict[str, forms.Field]:
    """The feelings, needs and closeness questions, built once: a form copies them (as
    Django copies declared fields), which costs a fraction of building twenty choice
    fields with their widgets on every check-in page. Labels are lazy: translated when
    drawn, in the reader's language."""
    fields: dict[str, forms.Field] = {}
    for key, label in EMOTIONS:
        fields[key] = _Rating(
            label=label,
            # "skip" clears a feeling chosen by mistake (a radio cannot be unticked).
            choices=[("", _("skip")), *((value, word) for value, word in EMOTION_LEVELS)],
            coerce=int,
            required=False,
            empty_value=None,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": _("Choose one of the five steps, or 'skip'.")},
        )
    for key, label in NEEDS:
        fields[f"need_{key}"] = _Rating(
            label=label,
            choices=[("", _("skip")), *NEED_LEVELS],
            coerce=int,
            required=False,
            empty_value=None,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": _("Choose one of the steps, or 'skip'.")},
        )
    fields["closeness_wish"] = _Rating(
        label=_("Today I wanted …"),
        choices=[("", _("skip")), *CLOSENESS_WISHES],
        required=False,
        empty_value="",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the three, or 'skip'.")},
    )
    return fields


class CheckInForm(forms.ModelForm[CheckIn]):
    """One form for today, a backfilled day, and edits; ``day`` is only editable on create."""

    mood = forms.TypedChoiceField(
        label=_("Overall, how are you today?"),
        choices=[(n, str(n)) for n in range(MOOD_MIN, MOOD_MAX + 1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pick a number for your overall mood."),
            "invalid_choice": _("Mood goes from %(lo)d to %(hi)d.")
            % {"lo": MOOD_MIN, "hi": MOOD_MAX},
        },
    )
    body_areas = forms.MultipleChoiceField(
        label=_("Where do you feel it in your body? (optional)"),
        choices=BODY_AREAS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    support_received_kinds = forms.MultipleChoiceField(
        label=_("Support I received"),
        choices=SUPPORT_KINDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    support_given_kinds = forms.MultipleChoiceField(
        label=_("Support I gave"),
        choices=SUPPORT_KINDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("A note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _(
                "Notes can be up to %(limit_value)d characters; this one has %(show_value)d."
            )
        },
    )
    day = forms.DateField(
        label=_("Which day is this for?"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date like 2026-03-14.")},
    )

    class Meta:
        model = CheckIn
        fields = [
            "day",
            "mood",
            *[key for key, _label in EMOTIONS],
            *[f"need_{key}" for key, _label in NEEDS],
            "closeness_wish",
            "body_areas",
            "support_received_kinds",
            "received_from_people",
            "support_received_from",
            "support_given_kinds",
            "given_to_people",
            "support_given_to",
            "note",
            "is_private",
        ]

    def __init__(self, *args: Any, owner: Any, today: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        # A missed day, or an earlier day being changed, is asked about as that day.
        self.today = today
        if not today:
            self.fields["mood"].label = _("Overall, how were you that day?")
        if self.instance.pk:
            del self.fields["day"]
        # Say truthfully, under today's grants, who will be able to read the note.
        self.fields["note"].help_text = who_sees_notes(owner)
        for name, prototype in _rating_fields().items():
            self.fields[name] = copy.deepcopy(prototype)
        if not today:
            self.fields["closeness_wish"].label = _("That day I wanted …")
        people = Person.objects.filter(owner=owner)
        # Asked once for both fields (a ModelChoiceIterator asks on every rendering), in
        # one query, sorted here (names are encrypted: the database cannot sort them).
        self.people_choices = sorted(
            _PEOPLE(owner=owner.pk), key=lambda row: (name_order(row[1]), row[0])
        )
        for name, label in (
            ("received_from_people", _("From")),
            ("given_to_people", _("To")),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = people
            field.widget = forms.CheckboxSelectMultiple()
            field.widget.choices = self.people_choices
            field.label = label
            field.required = False
        self.fields["support_received_from"].label = _("Someone else (optional)")
        self.fields["support_given_to"].label = _("Someone else (optional)")
        self.fields["support_received_from"].widget.attrs["placeholder"] = _("e.g. Sam, my sister")
        self.fields["support_given_to"].widget.attrs["placeholder"] = _("e.g. a colleague")

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        problem = day_problem(self.owner, day)
        if problem:
            raise forms.ValidationError(problem)
        return day

    def emotion_fields(self) -> list[forms.BoundField]:
        return [self[key] for key, _label in EMOTIONS]

    def need_fields(self) -> list[forms.BoundField]:
        return [self[f"need_{key}"] for key, _label in NEEDS]

    def save(self, commit: bool = True) -> CheckIn:
        checkin = super().save(commit=False)
        checkin.owner = self.owner
        if commit:
            checkin.save()
            self.save_m2m()  # the circle people picked for support received and given
        return checkin
