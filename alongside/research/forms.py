from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alongside.accounts.models import time_zone_choices
from alongside.research.definition import DefinitionError, Issue, dump_yaml, load_yaml
from alongside.research.models import ConsentVersion

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    StrOrPromise = str | _StrPromise

ITEMS_EXAMPLE = """- id: close
  type: slider
  text: How close do you feel to your partner right now?
  low_label: Not at all
  high_label: Very
- id: where
  type: choice
  text: Where are you?
  options: [Home, Work, Elsewhere]
"""

SCHEDULE_EXAMPLE = """kind: random
windows: ["09:00-12:00", "17:00-21:00"]
per_window: 1
min_gap: 60
expiry: 30
reminders: 1
"""


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Enrolment code"),
        max_length=30,
        help_text=_("The research team gave it to you, like EVENINGS."),
        error_messages={"required": _("Enter the code the research team gave you.")},
    )


class ConsentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.BooleanField(
        label=_("I have read the information sheet and I agree to take part"),
        error_messages={"required": _("Tick this to take part. You can leave any time.")},
    )


class PairForm(forms.Form):
    code = forms.CharField(
        label=_("Your partner's pair code"),
        max_length=20,
        help_text=_("Eight letters and numbers, on your partner's study page."),
        error_messages={"required": _("Enter the pair code your partner gave you.")},
    )


class WithdrawForm(forms.Form):
    keep = forms.TypedChoiceField(
        label=_("What you gave so far"),
        choices=(
            ("yes", _("Keep it for the study")),
            ("no", _("Delete it (your answers and planned prompts)")),
        ),
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether what you gave is kept or deleted.")},
    )

    def __init__(self, *args: Any, choice: str = "ask", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choice != "ask":
            # The consent already said; nothing to choose.
            del self.fields["keep"]


def _yaml_field(label: StrOrPromise, help_text: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "research-yaml"}),
    )


# Where a problem in the definition is shown: the first part of its path, to a field.
_FIELD_OF = {
    "consent.information_sheet": "information_sheet",
    "consent.text": "consent_text",
    "consent.researcher_sees_identity": "researcher_sees_identity",
    "consent.on_withdrawal": "on_withdrawal",
    "couple": "couple",
}


class StudyForm(forms.Form):
    """A study on one page: the same fields as a study file (items and the schedule in
    the file's YAML), checked by the same rules."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    code = forms.CharField(
        label=_("Enrolment code"),
        max_length=30,
        help_text=_("4 to 16 letters and numbers that participants type to join."),
    )
    id_prefix = forms.CharField(
        label=_("Study ID prefix"),
        max_length=5,
        required=False,
        help_text=_("2 to 5 letters: participants are EVN-014 and so on. Empty: from the code."),
    )
    couple = forms.BooleanField(
        label=_("Couple study (partners pair up as a dyad)"), required=False
    )
    starts_on = forms.CharField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.CharField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    information_sheet = forms.CharField(
        label=_("Information sheet"), widget=forms.Textarea(attrs={"rows": 8})
    )
    consent_text = forms.CharField(
        label=_("Consent text"), widget=forms.Textarea(attrs={"rows": 6})
    )
    researcher_sees_identity = forms.BooleanField(
        label=_("The consent text says I see participants' names and addresses"),
        required=False,
        help_text=_("Leave it off and you see study IDs only, which is usual."),
    )
    on_withdrawal = forms.ChoiceField(
        label=_("When someone leaves, what they gave is"),
        choices=ConsentVersion.ON_WITHDRAWAL,
        initial="ask",
    )
    items = _yaml_field(
        _("Items at each prompt"),
        _(
            "In YAML, as in a study file: slider (0 to 100), scale (1 to 7), choice, text, instrument."
        ),
    )
    schedule = _yaml_field(
        _("Schedule"),
        _("In YAML, as in a study file: daily, fixed, random or interval."),
    )

    def __init__(self, *args: Any, with_consent: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.with_consent = with_consent
        if not with_consent:
            for name in ("information_sheet", "consent_text", "researcher_sees_identity"):
                del self.fields[name]
            del self.fields["on_withdrawal"]

    @classmethod
    def initial_for(cls, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "title": data["title"],
            "description": data["description"],
            "code": data["code"],
            "id_prefix": data["id_prefix"],
            "couple": data["couple"],
            "starts_on": data["starts_on"].isoformat(),
            "ends_on": data["ends_on"].isoformat(),
            "items": dump_yaml(data["items"]),
            "schedule": dump_yaml(data["schedule"]),
        }

    def definition_data(self, consent: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The cleaned fields as a study file's data, or None (with errors added) when the
        items or schedule are no YAML."""
        c = self.cleaned_data
        parsed: dict[str, Any] = {}
        for name in ("items", "schedule"):
            try:
                parsed[name] = load_yaml(c[name])
            except DefinitionError as problem:
                self.add_error(name, str(problem.issues[0]))
        if len(parsed) < 2:
            return None
        if self.with_consent:
            consent = {
                "information_sheet": c["information_sheet"],
                "text": c["consent_text"],
                "researcher_sees_identity": c["researcher_sees_identity"],
                "on_withdrawal": c["on_withdrawal"],
            }
        data = {
            "title": c["title"],
            "description": c["description"],
            "code": c["code"],
            "id_prefix": c["id_prefix"],
            "couple": c["couple"],
            "starts_on": c["starts_on"],
            "ends_on": c["ends_on"],
            "consent": consent,
            "items": parsed["items"],
            "schedule": parsed["schedule"],
        }
        return data

    def add_issues(self, issues: list[Issue]) -> None:
        """Each problem next to its field; inside items or the schedule, with its path."""
        for issue in issues:
            head = issue.path.split(".")[0].split("[")[0]
            field = _FIELD_OF.get(issue.path) or (head if head in self.fields else None)
            if field in ("items", "schedule"):
                self.add_error(field, str(issue))
            elif field is not None:
                self.add_error(field, issue.message)
            else:
                self.add_error(None, str(issue))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Study file (YAML)"),
        help_text=_(
            "The format is in the research guide. Nothing is saved unless all of it is right."
        ),
    )


class ConsentVersionForm(forms.ModelForm[ConsentVersion]):
    class Meta:
        model = ConsentVersion
        fields = ["information_sheet", "text", "researcher_sees_identity", "on_withdrawal"]
        widgets = {
            "information_sheet": forms.Textarea(attrs={"rows": 10}),
            "text": forms.Textarea(attrs={"rows": 6}),
        }


class PromptForm(forms.Form):
    """A prompt's questions, built from the study's items; every question is optional.

    The form only turns what the browser sends into the shapes of ``answers.
    check_answers`` (whole numbers, an option, a text, an instrument's mapping), which
    is the one check, shared with the API; its messages land next to each question."""

    def __init__(self, *args: Any, items: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        self.instrument_fields: dict[str, list[str]] = {}
        for item in items:
            kind, key = item["type"], item["id"]
            if kind == "slider":
                self.fields[key] = forms.IntegerField(
                    label=item.get("text", ""),
                    required=False,
                    widget=forms.NumberInput(
                        attrs={"type": "range", "min": 0, "max": 100, "step": 1}
                    ),
                )
                self.fields[key].low_label = item.get("low_label", "")  # type: ignore[attr-defined]
                self.fields[key].high_label = item.get("high_label", "")  # type: ignore[attr-defined]
            elif kind == "scale":
                self.fields[key] = forms.TypedChoiceField(
                    label=item.get("text", ""),
                    required=False,
                    coerce=int,
                    empty_value=None,
                    choices=[(n, str(n)) for n in range(1, 8)],
                    widget=forms.RadioSelect(attrs={"class": "scale-7"}),
                )
                self.fields[key].low_label = item.get("low_label", "")  # type: ignore[attr-defined]
                self.fields[key].high_label = item.get("high_label", "")  # type: ignore[attr-defined]
            elif kind == "choice":
                options = item.get("options") or []
                self.fields[key] = forms.ChoiceField(
                    label=item.get("text", ""),
                    required=False,
                    choices=[(o, o) for o in options],
                    widget=forms.RadioSelect,
                )
            elif kind == "text":
                self.fields[key] = forms.CharField(
                    label=item.get("text", ""),
                    required=False,
                    max_length=int(item.get("max_length") or 200),
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
            elif kind == "instrument":
                self._add_instrument(item)

    def _add_instrument(self, item: dict[str, Any]) -> None:
        from alongside.assessments.spec import AssessmentError, get_instrument

        try:
            spec = get_instrument(item["instrument"])
        except AssessmentError:
            return
        names = []
        for inner in spec.items:
            name = f"{item['id']}.{inner.id}"
            labels = {o.value: o.label for o in inner.scale.options}
            self.fields[name] = forms.TypedChoiceField(
                label=inner.wording or _("Question %(n)s") % {"n": inner.number},
                required=False,
                coerce=int,
                empty_value=None,
                choices=[
                    (v, labels.get(v) or str(v))
                    for v in range(inner.scale.min, inner.scale.max + 1)
                ],
                widget=forms.RadioSelect,
            )
            names.append(name)
        self.instrument_fields[item["id"]] = names

    def answers_data(self) -> dict[str, Any]:
        """What was given, in the shapes the shared check reads."""
        data: dict[str, Any] = {}
        for item in self.items:
            key = item["id"]
            if key in self.instrument_fields:
                inner = {
                    name.split(".", 1)[1]: self.cleaned_data.get(name)
                    for name in self.instrument_fields[key]
                    if self.cleaned_data.get(name) is not None
                }
                if inner:
                    data[key] = inner
            elif self.cleaned_data.get(key) not in (None, ""):
                data[key] = self.cleaned_data[key]
        return data

    def add_answer_errors(self, errors: dict[str, str]) -> None:
        for key, message in errors.items():
            self.add_error(key if key in self.fields else None, message)


class TimingForm(forms.Form):
    """Where a participant is (their time zone) and, if the study's windows should move
    with them, their own waking hours."""

    time_zone = forms.ChoiceField(
        label=_("Your time zone for this study"),
        choices=time_zone_choices,
        help_text=_("Prompts come at the study's times on your clock."),
    )
    wakes_at = forms.TimeField(
        label=_("I usually wake at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    sleeps_at = forms.TimeField(
        label=_("I usually go to sleep at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Both or neither. The study's windows move with your waking time."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wake, sleep = data.get("wakes_at"), data.get("sleeps_at")
        if (wake is None) != (sleep is None) and not self.errors:
            missing = "sleeps_at" if sleep is None else "wakes_at"
            self.add_error(missing, _("Give both times, or leave both empty."))
        return data

    def changes(self) -> dict[str, str]:
        c = self.cleaned_data
        return {
            "time_zone": c["time_zone"],
            "wakes_at": c["wakes_at"].strftime("%H:%M") if c.get("wakes_at") else "",
            "sleeps_at": c["sleeps_at"].strftime("%H:%M") if c.get("sleeps_at") else "",
        }


class ComplianceForm(forms.Form):
    """The compliance page's choices (a GET form): the rate to flag under, and whether to
    show only those flagged. A bad value is named next to its field and the page goes on
    with the default."""

    _percent = _("Choose a whole number from 0 to 100.")
    below = forms.IntegerField(
        label=_("Flag anyone whose rate is below (%)"),
        min_value=0,
        max_value=100,
        required=False,
        error_messages={"invalid": _percent, "min_value": _percent, "max_value": _percent},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100}),
    )
    only_flagged = forms.BooleanField(label=_("Show only those flagged"), required=False)

    def choices(self, default: int) -> tuple[int, bool]:
        """(below, only_flagged), with ``default`` for a below left out or not usable."""
        if not self.is_valid():
            flag = self.fields["only_flagged"]
            return default, bool(flag.to_python(self.data.get("only_flagged")))
        below = self.cleaned_data["below"]
        return (default if below is None else below), self.cleaned_data["only_flagged"]
