"""The couple insights page, seen in a browser for the demo couple (issue 4)."""

from __future__ import annotations

from typing import Any

import pytest

from alongside.accounts import demo
from alongside.accounts.models import User
from alongside.circle.models import Link
from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.browser


def test_the_demo_couple_sees_pictures_and_plain_sentences(
    transactional_db: None, phone_page: Any
) -> None:
    demo.seed()
    alice = User.objects.get(email=demo.ALICE[0])
    link = Link.for_user(alice).get(kind="partner")
    # The first request after seeding eight weeks for three people can be slow on a
    # loaded two-core machine.
    phone_page.set_default_timeout(30_000)
    sign_in(phone_page, alice.email, demo.DEMO_PASSWORD)
    phone_page.goto(f"/insights/couple/{link.pk}/")
    main = phone_page.locator("main")
    assert main.locator("svg[role=img]").count() >= 4
    text = main.inner_text()
    assert "on the same day" in text.lower()
    assert "Carrying over to the next day" in text
    assert "Not enough shared days" not in text
    # Every picture has words beside it for people who can't see it.
    assert main.locator("svg title").count() >= 4
    phone_page.screenshot(path="test-results/insights-couple-phone.png", full_page=True)


def test_a_new_couple_is_told_there_are_too_few_shared_days(
    transactional_db: None, desktop_page: Any
) -> None:
    from alongside.checkins.models import CheckIn
    from alongside.circle.models import Grant, Person
    from conftest import make_person
    from tests.e2e.helpers import PASSWORD

    ana = User.objects.create_user("ana@example.org", PASSWORD, display_name="Ana")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=ana, email=ana.email, verified=True, primary=True)
    kai = make_person("kai@example.org", "Kai")
    link = Link.objects.create(kind="partner", user_a=ana, user_b=kai)
    Grant.objects.create(owner=ana, grantee=kai, link=link, categories=["mood"])
    Grant.objects.create(owner=kai, grantee=ana, link=link, categories=["mood"])
    Person.objects.create(owner=ana, name="Kai", kind="partner", link=link)
    for person, mood in ((ana, 6), (kai, 5)):
        CheckIn.objects.create(owner=person, day=person.local_today(), mood=mood)
    sign_in(desktop_page, ana.email)
    desktop_page.goto(f"/insights/couple/{link.pk}/")
    text = desktop_page.locator("main").inner_text()
    assert "Not enough shared days yet (1 of 14)." in text
