"""axe-core finds no serious or critical problem on the pages of the privacy core and
of safety: the partner's page, the access log, the check-in (with its note field), the
circle, what others can see of me, sharing, the safety settings and one's own part of
weeks together; at phone and desktop width."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from conftest import PASSWORD as ROOT_PASSWORD
from tests.e2e.helpers import DESKTOP, PHONE, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def couple(transactional_db: None) -> tuple[Any, Any, Any]:
    from alongside.accounts.models import AccessLogEntry
    from alongside.checkins.models import CheckIn
    from alongside.together.models import Item, Session
    from conftest import link_people, make_person

    alice = make_person("alice@example.org", "Alice")
    ben = make_person("ben@example.org", "Ben")
    link = link_people(
        alice, ben, inviter_shares=["mood", "needs", "notes"], invitee_shares=["mood", "needs"]
    )
    today = alice.local_today()
    for i, mood in enumerate([6, 4, 7]):
        for owner in (alice, ben):
            CheckIn.objects.create(
                owner=owner,
                day=today - dt.timedelta(days=i),
                mood=mood,
                calm=2,
                need_trust=3,
                note="a quiet day" if i == 0 else "",
            )
    AccessLogEntry.record(owner=alice, viewer=ben, categories=["mood"], detail="check-ins")
    ended = Session.objects.create(link=None, week_start=today - dt.timedelta(weeks=8))
    Item.objects.create(session=ended, author=alice, kind="for_myself", text="A walk")
    return alice, ben, link


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_privacy_and_safety_pages_have_no_serious_accessibility_problems(
    open_page: Callable[..., Any],
    couple: tuple[Any, Any, Any],
    axe_check: Callable[[Any, str], None],
    viewport: dict[str, int],
) -> None:
    alice, _ben, link = couple
    page = open_page(viewport)
    sign_in(page, alice.email, ROOT_PASSWORD)
    from alongside.together.models import Session

    ended = Session.objects.get(link=None)
    for path in (
        f"/circle/links/{link.pk}/",
        "/settings/access-log/",
        "/checkin/missed-day/",
        "/circle/",
        "/circle/what-others-see/",
        "/settings/safety/",
        "/together/my-part/",
        f"/together/my-part/{ended.pk}/",
    ):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        axe_check(page, path)
    # The check-in with its note open, and after a mistake (messages next to fields).
    page.goto("/checkin/missed-day/")
    page.locator("details.group", has_text="A note").locator("summary").click()
    axe_check(page, "the check-in with the note open")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_practice_pages_have_no_serious_accessibility_problems(
    open_page: Callable[..., Any],
    couple: tuple[Any, Any, Any],
    axe_check: Callable[[Any, str], None],
    viewport: dict[str, int],
) -> None:
    from alongside.practice.models import Ladder

    alice, _ben, _link = couple
    ladder = Ladder.objects.create(owner=alice, title="Asking for help")
    for text in ("Ask for the salt", "Ask a friend to call", "Ask for a lift"):
        ladder.add_step(text)
    page = open_page(viewport)
    sign_in(page, alice.email, ROOT_PASSWORD)
    for path in (
        "/practice/",
        f"/practice/ladders/{ladder.pk}/",
        "/practice/experiments/new/",
        "/practice/goals/",
        "/practice/goals/new/",
        "/practice/prompts/",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
        axe_check(page, path)
