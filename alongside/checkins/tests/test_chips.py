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


def test_a_day_card_writes_what_its_template_writes() -> None:
    import datetime as dt

    from alongside.checkins.shared import DayCard, DayLine

    card = DayCard(
        day=dt.date(2026, 3, 14),
        heading="Saturday 14 <March>",
        lines=[
            DayLine("Mood", "7 out of 10"),
            DayLine("Note", 'Line one & "two" it\'s\r\n<b>not bold</b>\rthree', kind="note"),
            DayLine("Feelings", "calm (a little) · close (fully)"),
        ],
    )
    expected = render_to_string("checkins/_day_card.html", {"card": card})
    assert str(card.html()) == expected
    assert "&lt;b&gt;not bold&lt;/b&gt;" in expected and "<br>" in expected
    assert str(DayCard(day=card.day, heading="empty").html()) == render_to_string(
        "checkins/_day_card.html", {"card": DayCard(day=card.day, heading="empty")}
    )


@pytest.mark.parametrize("month", ["2026-03", "2026-02"])
def test_the_history_calendar_writes_what_its_template_writes(alice: Any, month: str) -> None:
    import datetime as dt

    from alongside.checkins.history_html import grid, table_html
    from alongside.checkins.models import CheckIn

    today = dt.date(2026, 3, 5)  # early in the month: the weeks before it are drawn too
    first = dt.date.fromisoformat(month + "-01")
    entries = {
        day: CheckIn.objects.create(owner=alice, day=day, mood=mood)
        for day, mood in [(dt.date(2026, 3, 2), 7), (dt.date(2026, 2, 14), 0)]
    }
    weeks = grid(first.year, first.month, entries, today=today)
    earliest = dt.date(2026, 2, 20)
    expected = render_to_string(
        "checkins/_calendar.html",
        {
            "weeks": weeks,
            "today": today,
            "earliest_backfill": earliest,
            "backfill_url": "/checkin/missed-day/",
        },
    )
    html = str(table_html(weeks, today=today, earliest_backfill=earliest))
    assert html == expected
    assert 'class="has mood-' in html and 'class="open"' in html
    assert (" today" in html) == (month == "2026-03")


def test_the_recent_check_ins_write_what_their_template_writes(alice: Any) -> None:
    import datetime as dt

    from alongside.checkins.history_html import entries_html
    from alongside.checkins.models import CheckIn

    recent = [
        CheckIn.objects.create(owner=alice, day=dt.date(2026, 3, 14), mood=7, sad=4, calm=3),
        CheckIn.objects.create(owner=alice, day=dt.date(2026, 3, 13), mood=0),
    ]
    expected = render_to_string("checkins/_entries.html", {"recent": recent})
    html = str(entries_html(recent))
    assert html == expected
    assert 'class="felt"' in html and "mood</span>" not in html
