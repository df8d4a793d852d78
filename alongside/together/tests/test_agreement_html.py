"""``{% agreement %}`` writes what ``together/_agreement.html`` writes, in every state."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import timezone, translation

from alongside.circle.models import Link
from alongside.together.models import Agreement
from alongside.together.tests.helpers import this_week

TAG = Template("{% load agreements %}{% agreement a show_week=show_week %}")


@pytest.mark.parametrize("language", ["en", "de"])
def test_an_agreement_writes_what_its_template_writes(
    couple: Link, alice: Any, ben: Any, language: str
) -> None:
    session = this_week(couple)
    agreements = [
        Agreement.objects.create(session=session, owner=owner, created_by=alice, text=text, due=due)
        for owner, text, due in [
            (alice, "Walk <together> & talk", dt.date(2026, 4, 20)),
            (ben, 'Call "Mum"', None),
        ]
    ]
    agreements[1].done_at = timezone.now()
    checked = 0
    with translation.override(language):
        for a, done, show_week, back, token in itertools.product(
            agreements, (False, True), (False, True), ("", "session"), ("tok<en>", "")
        ):
            a.done_at = timezone.now() if done else None
            values = {
                "a": a,
                "user": alice,
                "show_week": show_week,
                "from": back,
                "csrf_token": token,
            }
            expected = render_to_string("together/_agreement.html", values)
            assert TAG.render(Context(values)) == expected, (a.text, done, show_week, back)
            checked += 1
    assert checked == 32
