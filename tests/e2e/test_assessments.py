"""Questionnaires in a real browser at phone width (issue 5).

The deployment's part is done first, the way a deployment does it: the command line
imports made-up ECR-RS wording (a REDCap data dictionary the project wrote itself, see
alongside/assessments/tests/fixtures/README.md) and reliable-change figures that are
TEST FIGURES ONLY, cited as made up, so that a verdict can be shown.
"""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from alongside.assessments.tests.conftest import ECR_RS_CSV, TEST_FIGURES
from alongside.cli import cli
from tests.e2e.helpers import PHONE, assert_styled, choose, sign_in

pytestmark = pytest.mark.browser

# ECR-RS items 1-4 are reverse-keyed: the first set scores avoidance 6 and anxiety 6,
# the second avoidance 2 and anxiety 2.
FIRST = {"q1": 2, "q2": 2, "q3": 2, "q4": 2, "q5": 6, "q6": 6, "q7": 6, "q8": 6, "q9": 6}
SECOND = {"q1": 6, "q2": 6, "q3": 6, "q4": 6, "q5": 2, "q6": 2, "q7": 2, "q8": 2, "q9": 2}


def deploy() -> None:
    """What a deployment runs once: its wording, and (here) test figures."""
    runner = CliRunner()
    for args in (
        ["instruments", "import", str(ECR_RS_CSV), "--into", "ecr-rs", "--by", "e2e"],
        ["instruments", "import", str(TEST_FIGURES), "--by", "e2e (TEST FIGURES ONLY)"],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output


def begin_for_partner(page: Any) -> None:
    # On a phone, Questionnaires is under the tab bar's "More".
    tabs = page.get_by_role("navigation", name="Tabs")
    tabs.locator("summary", has_text="More").click()
    tabs.get_by_role("link", name="Questionnaires").click()
    page.locator('[data-instrument="ecr-rs"] h3 a').click()
    choose(page, "relationship", "partner")
    page.get_by_role("button", name="Begin").click()
    page.wait_for_url("**/questionnaires/answers/*/")
    assert page.get_by_text("About: Romantic partner").is_visible()


def answer(page: Any, answers: dict[str, int]) -> None:
    for item, value in answers.items():
        choose(page, f"answer-{item}", str(value))


def no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_ecr_rs_for_a_partner_twice_shows_the_picture_and_reliable_change(
    open_page: Any, person: Any
) -> None:
    deploy()
    page = open_page(PHONE)
    sign_in(page, person.email)

    begin_for_partner(page)
    assert_styled(page)
    assert page.get_by_text("Made-up statement one").is_visible()
    no_sideways_scroll(page)
    answer(page, FIRST)
    page.get_by_role("button", name="See my results").click()
    page.wait_for_url("**/result/")
    assert page.get_by_role("heading", name="Your results").is_visible()
    assert page.locator("svg.chart-plane circle.dot").count() == 1
    no_sideways_scroll(page)

    begin_for_partner(page)
    answer(page, SECOND)
    page.get_by_role("button", name="See my results").click()
    page.wait_for_url("**/result/")

    picture = page.locator("svg.chart-plane")
    assert picture.is_visible()
    assert picture.get_attribute("role") == "img"
    assert picture.locator("circle.dot").count() == 2
    assert picture.locator("polyline.trail").count() == 1
    assert page.locator("p.summary", has_text="avoidance 2 and anxiety 2").is_visible()
    comparison = page.get_by_test_id("comparison")
    assert comparison.get_by_text("Reliable improvement").count() == 2
    assert comparison.get_by_text("\u22124").count() == 2  # a true minus sign: 6 -> 2
    assert page.get_by_text("With this person you tend to feel at ease").is_visible()
    no_sideways_scroll(page)

    page.get_by_role("link", name="Your answers over time").click()
    assert page.locator("svg.chart-timeline").count() == 2
    assert page.get_by_test_id("comparison").get_by_text("Reliable improvement").count() == 2


def test_a_missing_or_impossible_answer_is_named_and_nothing_is_lost(
    open_page: Any, person: Any
) -> None:
    from alongside.assessments.models import Take

    deploy()
    page = open_page(PHONE)
    sign_in(page, person.email)
    begin_for_partner(page)
    answer(page, {"q1": 3, "q2": 5, "q3": 4})
    # A tampered form sends an answer that is not on the scale.
    page.locator('input[name="answer-q4"][value="7"]').evaluate("el => { el.value = '9' }")
    choose(page, "answer-q4", "9")
    page.get_by_role("button", name="See my results").click()
    page.wait_for_load_state()

    problems = page.get_by_role("alert")
    assert problems.get_by_text("Everything else you chose is saved").is_visible()
    item = page.locator("#item-q4")
    assert item.get_by_text("Question 4: choose one of the answers, from 1 to 7.").is_visible()
    assert page.locator("#item-q5").get_by_text("Question 5 still needs an answer.").is_visible()
    for name, value in (("q1", "3"), ("q2", "5"), ("q3", "4")):
        assert page.locator(f'input[name="answer-{name}"][value="{value}"]').is_checked()
    assert Take.objects.get().answers == {"q1": 3, "q2": 5, "q3": 4}
    no_sideways_scroll(page)
