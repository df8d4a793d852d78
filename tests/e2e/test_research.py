"""A couple study, in three browsers: alice and ben (each on a phone) join with the
enrolment code, consent, pair by the pair code, and alice answers a prompt opened from
its e-mail; rhea (the researcher, at her desk) sees the compliance change on her next
page load.

The first planned prompt is made due by moving it to a minute ago (the schedule plans
the study's days ahead); the real delivery sends its e-mail, whose link alice follows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.helpers import DESKTOP, PASSWORD, PHONE, choose, find_link, sign_in

pytestmark = pytest.mark.browser

PARTICIPATION = re.compile(r"/research/taking-part/\d+/$")


@pytest.fixture
def people(transactional_db: None) -> tuple[Any, Any, Any, Any]:
    """alice and ben (partners, London), rhea a researcher with a couple study."""
    from allauth.account.models import EmailAddress

    from alongside.accounts.models import User
    from alongside.research.services import researcher_grant
    from alongside.research.tests.helpers import make_study

    people = []
    for email, name in (
        ("alice@example.org", "Alice"),
        ("ben@example.org", "Ben"),
        ("rhea@example.org", "Rhea"),
    ):
        user = User.objects.create_user(
            email, PASSWORD, display_name=name, time_zone="Europe/London"
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        people.append(user)
    alice, ben, rhea = people
    researcher_grant(user=rhea, by="test")
    return alice, ben, rhea, make_study(rhea)


def _main(page: Any) -> str:
    return str(page.inner_text("main"))


def _submit(page: Any, button: Any, then: re.Pattern[str]) -> None:
    """Press ``button`` for a step that may ask for the password again (allauth asks at
    most once every few minutes): give it if asked, and end on ``then``."""
    with page.expect_navigation():
        button.click()
    if "/accounts/reauthenticate/" in page.url:
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(then)
    assert then.search(page.url), page.url


def _join(page: Any, code: str) -> str:
    """Studies → Join a study → the code → consent → the study page. The study ID."""
    page.goto("/research/")
    page.fill("input[name=code]", code)
    _submit(page, page.get_by_role("button", name="Continue"), re.compile(r"/research/join/\w+/$"))
    assert "Information sheet" in _main(page)
    page.get_by_label("I have read the information sheet and I agree to take part").check()
    _submit(page, page.get_by_role("button", name="Take part"), PARTICIPATION)
    found = re.search(r"EVN-\d{3}", page.get_by_test_id("study-id").inner_text())
    assert found, _main(page)
    return found.group(0)


def test_a_couple_enrols_pairs_and_answers_and_the_researcher_sees_it(
    people: tuple[Any, Any, Any, Any],
    open_page: Callable[..., Any],
    newest_email: Callable[..., Any],
    live_server: Any,
    settings: Any,
) -> None:
    from django.utils import timezone

    from alongside.research import delivery
    from alongside.research.models import Answer, Dyad, Prompt

    alice, ben, rhea, study = people
    settings.SITE_URL = live_server.url  # the e-mail's link leads to this server
    a, b = open_page(PHONE), open_page(PHONE)
    sign_in(a, alice.email)
    sign_in(b, ben.email)

    # A wrong code is named next to the field, and what was typed stays.
    a.goto("/research/join/")
    a.fill("input[name=code]", "NOPE-123")
    a.get_by_role("button", name="Continue").click()
    assert "That code doesn't open a study" in _main(a)
    assert a.input_value("input[name=code]") == "NOPE-123"

    alice_id = _join(a, "evenings")
    ben_id = _join(b, "EVENINGS")
    assert alice_id != ben_id
    assert "Prompts start once you and your partner are paired" in _main(a)

    a.get_by_role("button", name="Get a pair code for my partner").click()
    a.wait_for_url(PARTICIPATION)
    code = a.get_by_test_id("pair-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{8}", code)
    # A wrong pair code first: one message, nothing formed.
    b.fill("input[name=code]", "WRONG234")
    _submit(
        b,
        b.get_by_role("button", name="Pair with my partner"),
        re.compile(r"/research/taking-part/\d+/(pair/)?$"),
    )
    assert "doesn't work here" in _main(b)
    b.fill("input[name=code]", code.lower())
    _submit(b, b.get_by_role("button", name="Pair with my partner"), PARTICIPATION)
    assert "paired for this study" in _main(b)
    dyad = Dyad.objects.get(study=study)
    assert dyad.is_formed and dyad.study_code == "EVN-D01"

    # Both partners' prompts are planned at the same instants.
    mine = Prompt.objects.filter(participant__user=alice).order_by("scheduled_at")
    theirs = Prompt.objects.filter(participant__user=ben).order_by("scheduled_at")
    assert list(mine.values_list("scheduled_at", flat=True)) == list(
        theirs.values_list("scheduled_at", flat=True)
    )
    # Time passes: the first one comes due, and the worker sends it.
    now = timezone.now()
    first = mine.first()
    assert first is not None
    Prompt.objects.filter(pk=first.pk).update(
        scheduled_at=now - dt.timedelta(minutes=1), expires_at=now + dt.timedelta(minutes=29)
    )
    assert delivery.run()["sent"] == 1
    b.reload()
    ben_before = _main(b)
    message = newest_email()
    assert message["To"] == alice.email
    link = find_link(message, r"/research/prompts/\d+/")

    # rhea, at her desk, looks at compliance before alice answers.
    r = open_page(DESKTOP)
    sign_in(r, rhea.email)
    r.goto(f"/research/studies/{study.pk}/")
    r.get_by_role("link", name="Compliance").first.click()
    r.wait_for_url(f"**/research/studies/{study.pk}/compliance/")
    row = r.get_by_test_id(f"participant-{alice_id}")
    assert "none settled yet" in row.inner_text()

    a.goto(link)
    assert "A few questions for the study" in _main(a)
    a.locator("input[name=close]").fill("64")
    choose(a, "calm", "5")
    choose(a, "where", "Home")
    a.get_by_role("button", name="Send my answers").click()
    a.wait_for_url(PARTICIPATION)
    assert "Thank you. Your answers are in." in _main(a)
    stored = dict(Answer.objects.filter(prompt=first).values_list("item_id", "value"))
    assert stored == {"close": 64, "calm": 5, "where": "Home"}

    # ben's page says nothing of whether alice answered: it is as it was.
    b.reload()
    assert _main(b) == ben_before

    # The researcher sees the change on the next load, by study ID only.
    r.reload()
    cells = r.get_by_test_id(f"participant-{alice_id}").locator("td").all_inner_texts()
    assert cells[0] == "1" and cells[3].startswith("100%"), cells
    assert ben_id in _main(r)
    assert "alice@example.org" not in _main(r) and "Alice" not in _main(r)
