"""``{% chips %}`` writes exactly what ``partials/choices.html`` (Django's widget
templates) writes, for every choice field of the check-in form, in every state."""

from __future__ import annotations

from typing import Any

import pytest
from django.forms import ChoiceField, ModelMultipleChoiceField
from django.template.loader import render_to_string

from alongside.checkins.forms import CheckInForm
from alongside.circle.models import Person
from alongside.lib.chips import chips


def _choice_fields(form: CheckInForm) -> list[str]:
    return [
        name
        for name, field in form.fields.items()
        if isinstance(field, (ChoiceField, ModelMultipleChoiceField))
    ]


@pytest.mark.parametrize(
    "data",
    [
        None,  # a new, empty form
        {"day": "2026-03-14", "mood": "7", "calm": "2", "need_trust": "", "body_areas": ["chest"]},
        # Bad values: every field in error keeps its message next to it.
        {"day": "2026-03-14", "mood": "11", "calm": "9", "closeness_wish": "never"},
    ],
)
def test_chips_write_what_the_widget_templates_write(alice: Any, data: Any) -> None:
    sam = Person.objects.create(owner=alice, name='Sam "the <brother>"', kind="family")
    Person.objects.create(owner=alice, name="Ana & Jo", kind="friend")
    if data is not None:
        data = {**data, "received_from_people": [str(sam.pk)]}
    form = CheckInForm(data, owner=alice)
    if data is not None:
        form.is_valid()
    names = _choice_fields(form)
    assert {"mood", "calm", "need_trust", "closeness_wish", "received_from_people"} <= set(names)
    for name in names:
        field = form[name]
        expected = render_to_string("partials/choices.html", {"field": field, "extra_class": "row"})
        assert str(chips(field, "row")) == expected, name
    if data is not None:
        html = str(chips(form["received_from_people"], "row"))
        assert "Sam &quot;the &lt;brother&gt;&quot;" in html and "checked" in html


def test_chips_write_what_the_templates_write_for_the_week_together_forms(
    alice: Any, ben: Any
) -> None:
    from alongside.together.forms import AgreementForm, ItemForm
    from alongside.together.models import Ritual, Session
    from conftest import link_people

    link = link_people(alice, ben, inviter_shares=["together"], invitee_shares=["together"])
    session = Session.for_week(link, Ritual.for_link(link).week_start())
    forms: list[Any] = [
        ItemForm(),
        ItemForm({"kind": "nonsense", "text": ""}),
        AgreementForm(session=session, viewer=alice, today=alice.local_today()),
        AgreementForm(
            {"text": "walk", "owner": str(ben.pk)},
            session=session,
            viewer=alice,
            today=alice.local_today(),
        ),
    ]
    for form in forms:
        if form.is_bound:
            form.is_valid()
        name = "kind" if "kind" in form.fields else "owner"
        expected = render_to_string("partials/choices.html", {"field": form[name]})
        assert str(chips(form[name])).replace(" autofocus", "") == expected
