"""Forms for choosing whom a questionnaire is about and answering one page of it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alongside.assessments.closeness import closeness_svg_for
from alongside.assessments.spec import InstrumentSpec, Item

if TYPE_CHECKING:
    from alongside.assessments.models import LinkedPartner


def field_name(item: Item) -> str:
    """The form field for an item (prefixed, so an item id never meets another field)."""
    return f"answer-{item.id}"


class StartForm(forms.Form):
    """Whom the answers are about, for questionnaires answered per relationship."""

    relationship = forms.ChoiceField(
        label=gettext_lazy("Who is this about?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose who this is about."),
            "invalid_choice": gettext_lazy("Choose one of the people listed."),
        },
    )

    def __init__(
        self, *args: Any, spec: InstrumentSpec, partner: LinkedPartner | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if spec.about.kind == "relationship":
            field = self.fields["relationship"]
            assert isinstance(field, forms.ChoiceField)
            # The linked partner by name ("Ben"), as the rest of the app calls them.
            field.choices = [
                (
                    key,
                    partner.name
                    if partner is not None and key == "partner"
                    else _(spec.about.relationship_labels[key]),
                )
                for key in spec.about.relationships
            ]
        else:
            del self.fields["relationship"]


@dataclass(frozen=True)
class Option:
    value: int
    label: str
    checked: bool
    picture: SafeString | None = None

    @property
    def spoken(self) -> str:
        """The name a screen reader gives the option: its number and its words."""
        return self.label if self.label == str(self.value) else f"{self.value}: {self.label}"


@dataclass(frozen=True)
class ItemRow:
    """What the page shows for one item: its wording, options and any error."""

    item: Item
    name: str
    wording: str
    options: tuple[Option, ...]
    errors: tuple[str, ...]
    ends: tuple[str, str] | None  # words under the first and last option
    words: bool  # every option's own words under it (short, fully labelled scales)

    @property
    def pictorial(self) -> bool:
        return self.item.presentation == "pictorial"

    @property
    def many(self) -> bool:
        """Too many answers for a row of buttons (an imported 0-100 slider): a list."""
        return len(self.options) > 11


class TakePageForm(forms.Form):
    """One page of a questionnaire: one row of answers per item.

    Nothing here is required by the field itself: a page can be saved half-done, and
    ``require_answers()`` adds "still needs an answer" only when the person moves on.
    Answers that are off the scale are refused per item with the item named.
    """

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        spec: InstrumentSpec,
        items: Sequence[Item],
        saved: Mapping[str, int],
    ) -> None:
        super().__init__(data)
        self.spec = spec
        self.items = tuple(items)
        self.saved = dict(saved)
        for item in self.items:
            scale = item.scale
            self.fields[field_name(item)] = forms.TypedChoiceField(
                label=item.wording or _("Question %(n)d") % {"n": item.number},
                choices=[
                    (value, scale.label_for(value) or str(value))
                    for value in range(scale.min, scale.max + 1)
                ],
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _(
                        "Question %(n)d: choose one of the answers, from %(lo)d to %(hi)d."
                    )
                    % {"n": item.number, "lo": scale.min, "hi": scale.max}
                },
            )

    def valid_answers(self) -> dict[str, int]:
        """The answers on this page that passed (call after ``is_valid()``)."""
        cleaned = getattr(self, "cleaned_data", {})
        return {
            item.id: cleaned[field_name(item)]
            for item in self.items
            if cleaned.get(field_name(item)) is not None
        }

    def require_answers(self) -> None:
        """Name every required item on the page that has no answer yet."""
        have = {**self.saved, **self.valid_answers()}
        for item in self.items:
            name = field_name(item)
            if item.required and item.id not in have and not self.has_error(name):
                self.add_error(
                    name, _("Question %(n)d still needs an answer.") % {"n": item.number}
                )

    def _chosen(self, item: Item) -> int | None:
        if self.is_bound:
            raw = self.data.get(field_name(item))
            if raw not in (None, ""):
                try:
                    value = int(raw)
                except (TypeError, ValueError):
                    return None
                return value if item.scale.contains(value) else None
        return self.saved.get(item.id)

    def rows(self) -> list[ItemRow]:
        rows = []
        for item in self.items:
            chosen = self._chosen(item)
            scale = item.scale
            options = []
            for value in range(scale.min, scale.max + 1):
                label = scale.label_for(value)
                picture = None
                if item.presentation == "pictorial":
                    picture = mark_safe(  # noqa: S308 - built by closeness.py, texts escaped
                        closeness_svg_for(self.spec, value, id_prefix=f"{item.id}-{value}")
                    )
                options.append(
                    Option(
                        value=value,
                        label=_(label) if label else str(value),
                        checked=chosen == value,
                        picture=picture,
                    )
                )
            labelled = all(scale.label_for(v) for v in range(scale.min, scale.max + 1))
            short = scale.max - scale.min + 1 <= 5
            first, last = scale.label_for(scale.min), scale.label_for(scale.max)
            ends = None
            pictorial = item.presentation == "pictorial"
            if not (labelled and short) and not pictorial and (first or last):
                ends = (_(first) if first else "", _(last) if last else "")
            errors = tuple(str(e) for e in self.errors.get(field_name(item), []))
            rows.append(
                ItemRow(
                    item=item,
                    name=field_name(item),
                    wording=_(item.wording)
                    if item.wording
                    else str(self.fields[field_name(item)].label),
                    options=tuple(options),
                    errors=errors,
                    ends=ends,
                    words=labelled and short and not pictorial,
                )
            )
        return rows
