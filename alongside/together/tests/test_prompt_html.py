"""``{% prompt %}`` writes what ``together/_prompt.html`` writes, in every state."""

from __future__ import annotations

import itertools
from types import SimpleNamespace
from typing import Any

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from alongside.circle.models import Link
from alongside.together.forms import AnswerForm
from alongside.together.models import PromptAnswer, Reveal
from alongside.together.tests.helpers import this_week

TAG = Template("{% load prompts %}{% prompt reveal form %}")


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_question_writes_what_its_template_writes(
    couple: Link, alice: Any, ben: Any, language: str
) -> None:
    session = this_week(couple)
    question = session.prompts()[0]
    mine = PromptAnswer(session=session, prompt_key=question.key, author=alice)
    mine.text = "Tired <mostly> & 'quiet'\nbut better"
    theirs = PromptAnswer(
        session=session, prompt_key=question.key, author=ben, text='"Calm"\r\nnow'
    )
    blank = AnswerForm(session=session, prompt=question, author=alice)
    sent = AnswerForm({"text": "  "}, session=session, prompt=question, author=alice)
    assert not sent.is_valid()
    checked = 0
    with translation.override(language):
        for (have_mine, have_theirs), current, form, helped, token in itertools.product(
            [(False, False), (True, False), (True, True)],
            (True, False),
            (None, blank, sent),
            (False, True),
            ("tok<en>", ""),
        ):
            reveal = Reveal(
                prompt=question,
                mine=mine if have_mine else None,
                theirs=theirs if have_theirs else None,
            )
            values = {
                "reveal": reveal,
                "form": form,
                "session": session,
                "current": current,
                "user": alice,
                "request": SimpleNamespace(crisis_help=helped),
                "csrf_token": token,
            }
            expected = render_to_string("together/_prompt.html", values)
            assert TAG.render(Context(values)) == expected, (have_mine, have_theirs, current, form)
            checked += 1
    assert checked == 72
