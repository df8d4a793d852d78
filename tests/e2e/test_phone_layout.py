"""The phone layout: every page of the app fits a 360 px screen without scrolling
sideways, passes axe-core in light and dark mode, and the tab bar offers "Together"
only to someone with a partner link.

The pages are found, not listed: the demo is seeded, and for each kind of person (the
couple, the therapist, the researcher, a study participant, someone signed out) the test
follows every link from the main pages, one page of each kind (see ``helpers.crawl``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.helpers import (
    CRAWL_FRESH,
    CRAWL_PEOPLE,
    DEMO_PASSWORD,
    DESKTOP,
    PHONE,
    SMALL_PHONE,
    crawl,
    fit_and_axe_problems,
    page_shape,
    sign_in,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db: None) -> None:
    from django.core.management import call_command

    call_command("demo", "--quiet-logins")


def _overflow(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def test_every_page_fits_360_px_and_passes_axe_in_light_and_dark_mode(
    open_page: Callable[..., Any], demo: None, axe_check: Callable[[Any, str], None]
) -> None:
    """One load per page: overflow at 360 px, then axe in light and in dark. A kind of
    page that an earlier person already reached is not checked again (the chrome around
    it is the same; what differs by person is the kinds of page each one can reach)."""
    seen: set[str] = set()
    problems: list[str] = []
    counts: dict[str, int] = {}
    for who, seeds in CRAWL_PEOPLE.items():
        page = open_page(SMALL_PHONE)
        if who:
            sign_in(page, who, DEMO_PASSWORD)

        # Signed out, "/" and its neighbours are other pages than signed in; and a study
        # participant's /research/ pages are not the ones a signed-in person finds there.
        # Anyone else opens their seeds again, as those lead on to pages only they have
        # (Mira's ladder and experiments), but checks only the kinds not checked before.
        checked = set() if who in CRAWL_FRESH else set(seen)
        kinds = set() if who in CRAWL_FRESH else seen - {page_shape(s) for s in seeds}

        def check(path: str, page: Any = page, checked: set[str] = checked) -> None:
            if page_shape(path) in checked:
                return
            problems.extend(fit_and_axe_problems(page, path, axe_check))

        found = crawl(page, seeds, visit=check, seen=kinds)
        counts[who or "signed out"] = len([f for f in found if page_shape(f) not in checked])
        if who not in CRAWL_FRESH:
            seen |= kinds
        page.context.close()
    assert sum(counts.values()) >= 40, counts
    assert not problems, "\n".join(problems)
    print(f"pages checked (light and dark, 360 px): {counts}")


def _tabs(page: Any) -> list[str]:
    return [t.strip() for t in page.locator(".tabbar > a, .tabbar summary").all_inner_texts()]


def test_the_tab_bar_shows_together_only_with_a_partner_link(
    open_page: Callable[..., Any], demo: None
) -> None:
    page = open_page(PHONE)
    sign_in(page, "alice@demo.alongside", DEMO_PASSWORD)
    page.goto("/checkins/")
    assert _tabs(page) == ["Check in", "History", "Together", "Circle", "More"]
    assert page.locator(".tabbar a[aria-current=page]").inner_text() == "History"
    page.locator(".tabbar a", has_text="Together").click()
    assert "/together/" in page.url
    assert page.locator(".tabbar a[aria-current=page]").inner_text() == "Together"
    # The header keeps Help now and the quick exit, and is one short row.
    assert page.locator(".topbar .help-link").is_visible()
    assert page.locator(".topbar .quick-exit").is_visible()
    assert page.locator(".topbar").bounding_box()["height"] <= 56

    other = open_page(PHONE)
    sign_in(other, "mira@demo.alongside", DEMO_PASSWORD)
    other.goto("/circle/")
    assert _tabs(other) == ["Check in", "History", "Circle", "More"]
    # More opens without JavaScript's help and holds the rest, sign-out included.
    other.locator(".tabbar summary").click()
    menu = other.locator(".more-menu")
    assert menu.get_by_role("link", name="Questionnaires").is_visible()
    assert menu.get_by_role("button", name="Sign out").is_visible()


def test_a_wide_screen_has_the_top_menu_and_no_tab_bar(
    open_page: Callable[..., Any], demo: None
) -> None:
    page = open_page(DESKTOP)
    sign_in(page, "alice@demo.alongside", DEMO_PASSWORD)
    page.goto("/checkin/")
    assert page.locator(".topbar .nav").is_visible()
    assert not page.locator(".tabbar").is_visible()
    assert page.locator(".nav a[aria-current=page]").inner_text() == "Check in"


# What the pictures showed on a small phone: a sub-menu that took five rows, a heat-map
# whose first column and date hid half behind the row labels, small words in charts.
FIRST_VISIBLE_COLUMN = """(box) => {
  const labels = box.querySelector('.chart-heat-labels').getBoundingClientRect();
  const first = Array.from(box.querySelectorAll('.chart-heat rect.cell'))
    .map((r) => r.getBoundingClientRect()).filter((r) => r.right > labels.right)
    .sort((a, b) => a.left - b.left)[0];
  const date = box.querySelector('.chart-heat text.axis');
  const d = date.getBoundingClientRect();
  const dateCut = getComputedStyle(date).visibility !== 'hidden'
    && d.left < labels.right && d.right > labels.right;
  return {gap: first.left - labels.right, dateCut: dateCut,
          scrolls: box.scrollWidth > box.clientWidth};
}"""
SMALLEST_WORDS = """(svg) => {
  const k = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return Math.min(...Array.from(svg.querySelectorAll('text'),
    (t) => parseFloat(getComputedStyle(t).fontSize) * k));
}"""


def test_a_small_phone_keeps_menus_heat_maps_and_chart_words_tidy(
    open_page: Callable[..., Any], demo: None
) -> None:
    page = open_page(SMALL_PHONE)
    sign_in(page, "alice@demo.alongside", DEMO_PASSWORD)
    # The settings sub-menu is one row that scrolls sideways, its own page's pill in view.
    page.goto("/settings/data/")
    menu = page.locator(".subnav")
    assert menu.bounding_box()["height"] < 60
    here = menu.locator("[aria-current=page]").bounding_box()
    assert here["x"] >= 0 and here["x"] + here["width"] <= 360
    assert page.get_by_role("heading", level=1).bounding_box()["y"] < 150
    assert _overflow(page) == 0
    # Week by week fits beside its labels; day by day starts on a whole column, and no
    # date shows half hidden behind the labels.
    page.goto("/insights/")
    weekly = page.locator(".scroll-x:has(.heat)").first.evaluate(FIRST_VISIBLE_COLUMN)
    assert not weekly["scrolls"] and not weekly["dateCut"]
    page.goto("/checkins/")
    daily = page.locator(".scroll-x:has(.heat)").first.evaluate(FIRST_VISIBLE_COLUMN)
    assert daily["scrolls"] and 0 <= daily["gap"] < 4 and not daily["dateCut"]
    # The likely-range charts read at 11 px or more, here and at 390 px.
    page.goto("/insights/couple/2/")
    for svg in page.locator("svg.chart-interval").all():
        assert svg.evaluate(SMALLEST_WORDS) >= 11
    page.set_viewport_size(PHONE)
    page.reload()
    for svg in page.locator("svg.chart-interval").all():
        assert svg.evaluate(SMALLEST_WORDS) >= 11.5
