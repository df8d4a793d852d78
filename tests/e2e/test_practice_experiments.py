"""Practice at phone width: a five-step ladder, three experiments before and after, the
prediction-vs-outcome picture with its sentence, and the suggested next step. Then
screenshots of every experiments page at phone and desktop width, from the demo."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import DESKTOP, PHONE, assert_styled, choose, sign_in

pytestmark = pytest.mark.browser

# Screenshots are written only when asked for (SHOTS_DIR=/tmp/shots/practice-e); the
# pages are visited and checked for sideways scrolling either way.
SHOTS = Path(os.environ["SHOTS_DIR"]) if os.environ.get("SHOTS_DIR") else None
STEPS = [
    "Ask for the salt at dinner",
    "Ask a friend for a book tip",
    "Ask a neighbour to water my plants",
    "Ask a friend for a lift",
    "Ask my sister to listen after a hard day",
]


def _experiment(page: Any, step_text: str, came_true: str) -> None:
    page.locator("li.step", has_text=step_text).get_by_role(
        "link", name="Plan an ask for this step"
    ).click()
    page.fill("textarea[name=belief]", "Asking will be a burden")
    page.fill("input[name=belief_before]", "80")
    page.fill("textarea[name=prediction]", "They will sound annoyed and say no")
    page.fill("input[name=prediction_likelihood]", "70")
    page.fill("input[name=discomfort_expected]", "65")
    choose(page, "safety_behaviours", "apologising")
    page.get_by_role("button", name="Save the plan").click()
    page.get_by_role("link", name="Write what happened").click()
    page.fill("textarea[name=happened]", "They said yes straight away")
    choose(page, "came_true", came_true)
    page.fill("input[name=discomfort_felt]", "30")
    page.fill("input[name=belief_after]", "55")
    page.get_by_role("button", name="Save what happened").click()
    assert page.locator("[data-testid=after]").is_visible()
    page.get_by_role("link", name="Ladder").click()


def test_a_ladder_three_experiments_the_picture_and_the_suggestion_at_phone_width(
    phone_page: Any, person: Any, axe_check: Any
) -> None:
    page = phone_page
    sign_in(page, person.email)
    page.goto("/practice/")
    assert_styled(page)
    page.get_by_role("link", name="Start a ladder").click()
    page.fill("input[name=title]", "Asking for small things")
    page.get_by_role("button", name="Start the ladder").click()
    for text in STEPS:
        page.fill("input[name=text]", text)
        page.get_by_role("button", name="Add this step").click()
    assert page.locator("li.step").count() == 5
    # Reorder without JavaScript's help: the buttons are plain forms.
    page.get_by_role("button", name=f"Move “{STEPS[1]}” up (easier)").click()
    assert page.locator("li.step h2").first.inner_text() == STEPS[1]
    page.get_by_role("button", name=f"Move “{STEPS[0]}” up (easier)").click()
    assert page.locator("li.step h2").first.inner_text() == STEPS[0]

    _experiment(page, STEPS[0], "no")
    _experiment(page, STEPS[0], "partly")
    _experiment(page, STEPS[0], "yes")

    suggestion = page.locator("[data-testid=suggestion]")
    assert STEPS[1] in suggestion.inner_text()
    assert "went better than you predicted often enough" in suggestion.inner_text()
    assert "How the suggestion works" in page.content()
    axe_check(page, "the ladder after three experiments")

    page.goto("/practice/")
    sentence = page.locator("[data-testid=better-sentence]")
    assert sentence.inner_text() == "2 of your last 3 asks went better than you expected."
    chart = page.locator("svg.chart-line")
    assert chart.is_visible()
    assert "Discomfort: expected and felt" in (chart.locator("title").text_content() or "")
    # The picture fits the phone's width (no sideways scrolling).
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_check(page, "practice with the picture and its sentence")


def test_screenshots_of_every_experiments_page(open_page: Any, transactional_db: None) -> None:
    from alongside.accounts.demo import DEMO_PASSWORD, seed
    from alongside.accounts.models import User
    from alongside.practice.models import Ladder, RelianceExperiment

    seed(days=56)
    mira = User.objects.get(email="mira@demo.alongside")
    ladder = Ladder.objects.get(owner=mira)
    relational = RelianceExperiment.objects.get(owner=mira, invited__isnull=False)
    planned = RelianceExperiment.objects.create(
        owner=mira,
        belief="They will think I am needy",
        belief_before=75,
        prediction="Jo will go quiet and change the subject",
        prediction_likelihood=60,
        discomfort_expected=70,
    )
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)

    def shot(page: Any, name: str) -> None:
        if SHOTS:
            page.screenshot(path=SHOTS / f"{name}.png", full_page=True)

    pages = {
        "index": "/practice/",
        "ladder": f"/practice/ladders/{ladder.pk}/",
        "ladder-new": "/practice/ladders/new/",
        "before": "/practice/experiments/new/",
        "detail-relational": f"/practice/experiments/{relational.pk}/",
        "detail-planned": f"/practice/experiments/{planned.pk}/",
        "after": f"/practice/experiments/{planned.pk}/after/",
    }
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = open_page(viewport)
        sign_in(page, mira.email, DEMO_PASSWORD)
        for name, url in pages.items():
            page.goto(url)
            assert_styled(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], name
            shot(page, f"{name}-{label}")
        sam = open_page(viewport)
        sign_in(sam, "sam@demo.alongside", DEMO_PASSWORD)
        sam.goto(f"/practice/asked/{relational.pk}/")
        assert "For Mira" in sam.content()
        shot(sam, f"asked-answered-{label}")
        sam.goto("/practice/")
        shot(sam, f"index-sam-{label}")
        sam.goto("/circle/")
        sam.locator("a[href^='/circle/links/']").first.click()
        assert sam.locator("[data-testid=practice-shared]").is_visible()
        shot(sam, f"person-page-sam-sees-mira-{label}")


def test_dragging_a_step_reorders_the_ladder(desktop_page: Any, person: Any) -> None:
    from alongside.practice.models import Ladder

    ladder = Ladder.objects.create(owner=person, title="Asking")
    for text in STEPS[:3]:
        ladder.add_step(text)
    page = desktop_page
    sign_in(page, person.email)
    page.goto(f"/practice/ladders/{ladder.pk}/")
    steps = page.locator("li.step")
    with page.expect_navigation():
        steps.nth(2).drag_to(steps.nth(0))
    assert [s.text for s in ladder.ordered_steps()] == [STEPS[2], STEPS[0], STEPS[1]]
    assert page.locator("li.step h2").first.inner_text() == STEPS[2]


def _couple_sharing_practice() -> tuple[Any, Any, Any]:
    from alongside.circle.models import Person
    from conftest import PASSWORD as PERSONA_PASSWORD
    from conftest import link_people, make_person

    alice = make_person("alice@example.org", "Alice")
    ben = make_person("ben@example.org", "Ben")
    link = link_people(alice, ben, inviter_shares=["practice"], invitee_shares=["practice"])
    ben_for_alice = Person.objects.get(owner=alice, link=link)
    assert PERSONA_PASSWORD
    return alice, ben, ben_for_alice


def _plan_ask_of_ben(page: Any, ben_for_alice: Any) -> str:
    page.goto("/practice/experiments/new/")
    page.select_option("select[name=person]", str(ben_for_alice.pk))
    page.fill("textarea[name=belief]", "Asking will be a burden")
    page.fill("input[name=belief_before]", "80")
    page.fill("textarea[name=prediction]", "Ben will sigh and say he is busy")
    page.fill("input[name=prediction_likelihood]", "70")
    page.fill("input[name=discomfort_expected]", "65")
    page.get_by_role("button", name="Save the plan").click()
    page.get_by_role("button", name="Invite Ben").click()
    return str(page.url)


def test_blind_answers_appear_to_each_only_after_both_answered(
    open_page: Any, transactional_db: None
) -> None:
    from conftest import PASSWORD as PERSONA_PASSWORD

    alice, ben, ben_for_alice = _couple_sharing_practice()
    asker, asked = open_page(PHONE), open_page(PHONE)
    sign_in(asker, alice.email, PERSONA_PASSWORD)
    sign_in(asked, ben.email, PERSONA_PASSWORD)
    detail = _plan_ask_of_ben(asker, ben_for_alice)

    asked.goto("/practice/")
    asked.get_by_role(
        "link", name="Alice would like to know how it was for you to be asked"
    ).click()
    choose(asked, "rating", "4")
    asked.fill("input[name=word]", "touched")
    asked.get_by_role("button", name="Send my answer").click()
    asked.get_by_text("You answered: 4 out of 5").wait_for()  # swapped in by htmx
    assert "You answered: 4 out of 5" in asked.locator("[data-testid=asked-form]").inner_text()
    assert "For Alice" not in asked.content()  # alice has not written her part yet

    asker.goto(detail)
    assert "touched" not in asker.content()  # nor does alice see ben's answer
    asker.get_by_role("link", name="Write what happened").click()
    asker.fill("textarea[name=happened]", "He smiled and said of course")
    choose(asker, "came_true", "no")
    asker.fill("input[name=discomfort_felt]", "25")
    asker.fill("input[name=belief_after]", "50")
    asker.get_by_role("button", name="Save what happened").click()
    assert "Ben: 4 out of 5" in asker.locator("[data-testid=their-answer]").inner_text()

    asked.reload()
    assert (
        "For Alice: discomfort 25 out of 100"
        in asked.locator("[data-testid=their-answer]").inner_text()
    )


def test_a_decline_shows_the_asker_only_no_answer(open_page: Any, transactional_db: None) -> None:
    from conftest import PASSWORD as PERSONA_PASSWORD

    alice, ben, ben_for_alice = _couple_sharing_practice()
    asker, asked = open_page(DESKTOP), open_page(DESKTOP)
    sign_in(asker, alice.email, PERSONA_PASSWORD)
    sign_in(asked, ben.email, PERSONA_PASSWORD)
    detail = _plan_ask_of_ben(asker, ben_for_alice)
    asker.get_by_role("link", name="Write what happened").click()
    asker.fill("textarea[name=happened]", "Fine")
    choose(asker, "came_true", "no")
    asker.fill("input[name=discomfort_felt]", "25")
    asker.fill("input[name=belief_after]", "50")
    asker.get_by_role("button", name="Save what happened").click()

    asked.goto("/practice/")
    asked.get_by_role(
        "link", name="Alice would like to know how it was for you to be asked"
    ).click()
    asked.get_by_role("button", name="I'd rather not answer").click()
    asked.get_by_text("You chose not to answer").wait_for()  # swapped in by htmx
    assert "You chose not to answer" in asked.content()
    assert "For Alice" not in asked.content()

    asker.goto(detail)
    part = asker.locator("[data-testid=asked-part]").inner_text()
    assert "No answer to show yet." in part
    assert "declin" not in asker.content().lower()
