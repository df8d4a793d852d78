"""Growth goals and prompts on two phones: alice and ben, each in their own browser.

A goal alice suggests becomes shared only once ben accepts; either can leave it, and
each keeps their own steps. A prompt answer alice shares reaches ben only after he has
shared his own (issue 10, "Done when"). A last test takes screenshots of every page.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import DESKTOP, PASSWORD, PHONE, choose, sign_in

pytestmark = pytest.mark.browser

GOAL = "Cook a new dish together once a week"
ALICE_ANSWER = "Alice: ask me twice; the first no is often just tiredness."
BEN_ANSWER = "Ben: say it plainly, I would rather know."
# Where the screenshots go; the reviewer's copy is SHOTS_DIR=/tmp/shots/practice-f.
SHOTS = Path(os.environ.get("SHOTS_DIR", "test-results/shots/practice-f"))


@pytest.fixture
def couple(transactional_db: None, live_server: Any) -> tuple[Any, Any]:
    """alice and ben, verified, linked as partners, each sharing "practice" with the other."""
    from allauth.account.models import EmailAddress
    from django.test import Client

    from alongside.accounts.models import User
    from conftest import link_people

    people = []
    for email, name in (("alice@example.org", "Alice"), ("ben@example.org", "Ben")):
        user = User.objects.create_user(
            email, PASSWORD, display_name=name, time_zone="Europe/London"
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        people.append(user)
    link_people(people[0], people[1], inviter_shares=["practice"], invitee_shares=["practice"])
    # The first request imports every view; make it here, not in a phone's page load.
    assert Client().get("/accounts/login/").status_code == 200
    return people[0], people[1]


def _main(page: Any) -> str:
    return str(page.inner_text("main"))


def test_a_goal_alice_suggests_is_shared_only_once_ben_accepts_and_either_can_leave(
    open_page: Callable[..., Any], couple: tuple[Any, Any]
) -> None:
    from alongside.circle.models import Notice

    alice, ben = couple
    her, his = open_page(PHONE), open_page(PHONE)
    sign_in(her, alice.email)
    sign_in(his, ben.email)

    her.goto("/practice/goals/")
    her.get_by_role("link", name="Start a goal").click()
    her.fill("input[name=title]", GOAL)
    choose(her, "share_with", str(ben.pk))
    her.get_by_role("button", name="Save the goal").click()
    assert "Suggested to Ben; it becomes shared once they say yes." in _main(her)
    her.fill("input[name=step-text]", "Pick three recipes")
    her.get_by_role("button", name="Add the step").click()
    goal_url = her.url.split("#")[0]

    # Not shared yet: ben sees a suggestion, not alice's steps.
    his.goto("/practice/goals/")
    assert GOAL in his.get_by_test_id("proposals").inner_text()
    assert GOAL not in his.get_by_test_id("shared-goals").inner_text()
    his.get_by_test_id("proposals").get_by_role("link", name=GOAL).click()
    assert "Alice would like to share this goal with you." in _main(his)
    assert "Pick three recipes" not in _main(his)
    his.get_by_role("button", name="Yes, share it").click()
    assert "Shared with Alice" in _main(his)
    assert "Pick three recipes" in _main(his)
    his.fill("input[name=step-text]", "Buy the spices")
    his.get_by_role("button", name="Add the step").click()
    his.get_by_test_id("step").filter(has_text="Buy the spices").get_by_role(
        "button", name="Check"
    ).click()

    her.goto(goal_url)
    assert "Shared with Ben" in _main(her)
    assert "Buy the spices" in _main(her)
    assert "1 of 2 steps checked so far." in _main(her)
    # alice cannot check ben's step: there is no button for it.
    assert (
        her.get_by_test_id("step").filter(has_text="Buy the spices").get_by_role("button").count()
        == 0
    )

    # ben leaves: each keeps their own steps, alice is told neutrally.
    his.get_by_test_id("leave").click()
    assert "This goal is yours alone now" in _main(his)
    assert "Buy the spices" in _main(his) and "Pick three recipes" not in _main(his)
    her.goto(goal_url)
    assert "Your own goal" in _main(her)
    assert "Buy the spices" not in _main(her) and "Pick three recipes" in _main(her)
    assert Notice.objects.filter(recipient=alice, text__isnull=False).count() >= 1
    assert any("A shared goal has ended." in n.text for n in Notice.objects.filter(recipient=alice))
    assert his.goto(goal_url).status == 404


def test_a_shared_prompt_answer_reaches_the_partner_only_after_both_shared(
    open_page: Callable[..., Any], couple: tuple[Any, Any]
) -> None:
    alice, ben = couple
    her, his = open_page(PHONE), open_page(PHONE)
    sign_in(her, alice.email)
    sign_in(his, ben.email)
    url = "/practice/prompts/fear-asking/"

    her.goto(url)
    her.fill("textarea[name=text]", ALICE_ANSWER)
    her.locator("input[name=share]").check()
    her.get_by_role("button", name="Save my answer").click()
    assert "If Ben shares an answer to this prompt too" in _main(her)

    his.goto(url)
    assert ALICE_ANSWER not in his.content()
    assert "Alice" not in _main(his)  # no hint that she answered
    assert ALICE_ANSWER not in his.goto("/api/v1/practice/prompts/fear-asking").text()
    his.goto(url)
    his.fill("textarea[name=text]", BEN_ANSWER)
    his.locator("input[name=share]").check()
    his.get_by_role("button", name="Save my answer").click()
    assert ALICE_ANSWER in his.get_by_test_id("their-answer").inner_text()

    her.goto(url)
    assert BEN_ANSWER in her.get_by_test_id("their-answer").inner_text()


def test_screenshots_of_every_growth_page(
    open_page: Callable[..., Any], couple: tuple[Any, Any]
) -> None:
    from alongside.practice.demo_growth import seed_goals
    from alongside.practice.models_growth import Goal

    alice, ben = couple
    shared = seed_goals(alice, ben)
    proposal = Goal.objects.create(
        owner=ben, partner=alice, state="proposed", title="Each keep one evening for a friend"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = [
        ("goals", "/practice/goals/"),
        ("goal-new", "/practice/goals/new/"),
        ("goal-shared", f"/practice/goals/{shared.pk}/"),
        ("goal-proposal", f"/practice/goals/{proposal.pk}/"),
        ("prompts", "/practice/prompts/"),
        ("prompt-revealed", "/practice/prompts/need-hard-day/"),
        ("prompt-new", "/practice/prompts/fear-asking/"),
    ]
    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = open_page(viewport)
        sign_in(page, alice.email)
        for name, url in pages:
            assert page.goto(url).status == 200, url
            page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)
        # An empty title, to see the message next to the field.
        page.goto("/practice/goals/new/")
        page.get_by_role("button", name="Save the goal").click()
        assert "Give your goal a name in a few words." in _main(page)
        page.screenshot(path=str(SHOTS / f"goal-new-error-{size}.png"), full_page=True)
