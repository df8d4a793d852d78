"""The check-in on a phone (390x844): focus after an error, taps, one screen a section."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.helpers import PHONE, choose, sign_in

pytestmark = pytest.mark.browser

FEELINGS = {"calm": "1", "close": "2", "hopeful": "2", "anxious": "3", "irritated": "0", "sad": "4"}
NEEDS = {
    "need_security": "3",
    "need_trust": "4",
    "need_reliability": "2",
    "need_predictability": "3",
    "need_nurturance": "1",
    "need_guidance": "5",
    "need_autonomy": "4",
}
# Counts every real press on the page, whatever it lands on (a chip, a summary, a field).
COUNT_TAPS = (
    "document.addEventListener('pointerdown', () => { window.taps = (window.taps || 0) + 1 }, true)"
)


def _available_height(page: Any) -> float:
    """The viewport less what stays on screen (the header, the tab bar, the Save bar)."""
    return float(
        page.evaluate(
            """() => {
                const h = document.querySelector('.topbar');
                const t = document.querySelector('.tabbar');
                const s = document.querySelector('.checkin-form .actions');
                const vis = el => el && getComputedStyle(el).display !== 'none' ? el.getBoundingClientRect().height : 0;
                return innerHeight - vis(h) - vis(t) - vis(s);
            }"""
        )
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_after_an_error_focus_is_on_the_first_field_in_error_and_nothing_is_lost(
    open_page: Callable[..., Any],
    person: Any,
    javascript: bool,
    axe_check: Callable[[Any, str], None],
) -> None:
    from alongside.checkins.models import CheckIn

    page = open_page(PHONE, java_script_enabled=javascript)
    sign_in(page, person.email)
    page.goto("/checkin/")
    # Everything but the one required answer, the overall mood.
    choose(page, "anxious", "3")
    choose(page, "need_trust", "2")
    page.locator("summary", has_text="A note").click()
    page.fill("textarea[name=note]", "A long day, but the walk helped.")
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_load_state()

    assert not CheckIn.objects.exists()
    focused = page.evaluate(
        "() => [document.activeElement.name, document.activeElement.value, document.activeElement.tagName]"
    )
    assert focused == ["mood", "0", "INPUT"]
    # The group says it is in error and points at the message beside it.
    group = page.locator("fieldset:has(input[name=mood])")
    assert group.get_attribute("aria-invalid") == "true"
    message = page.locator(f"#{group.get_attribute('aria-describedby')}")
    assert "Pick a number for your overall mood." in message.inner_text()
    assert message.is_visible()
    # Nothing typed or chosen was lost.
    assert page.locator("textarea[name=note]").input_value() == "A long day, but the walk helped."
    assert page.locator('input[name="anxious"][value="3"]').is_checked()
    assert page.locator('input[name="need_trust"][value="2"]').is_checked()
    # Only one control asks for the focus.
    assert page.locator("[autofocus]").count() == 1
    if javascript:  # axe-core runs as a script in the page
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            axe_check(page, f"the check-in with an error ({scheme})")


def test_the_first_field_in_error_further_down_takes_the_focus(
    open_page: Callable[..., Any], person: Any
) -> None:
    """With the mood given, a note too long for the server is where the cursor goes."""
    from alongside.checkins.models import NOTE_MAX_LENGTH

    page = open_page(PHONE)
    sign_in(page, person.email)
    page.goto("/checkin/")
    choose(page, "mood", "5")
    page.locator("summary", has_text="A note").click()
    note = page.locator("textarea[name=note]")
    note.evaluate("el => el.removeAttribute('maxlength')")
    note.fill("x" * (NOTE_MAX_LENGTH + 1))
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_load_state()

    assert page.evaluate("() => document.activeElement.name") == "note"
    described = (note.get_attribute("aria-describedby") or "").split()
    assert "id_note_error" in described
    assert str(NOTE_MAX_LENGTH) in page.locator("#id_note_error").inner_text()
    assert page.locator('input[name="mood"][value="5"]').is_checked()


def test_a_full_checkin_takes_at_most_16_taps_and_each_section_fits_a_screen(
    open_page: Callable[..., Any], person: Any
) -> None:
    from alongside.checkins.models import CheckIn

    page = open_page(PHONE)
    page.add_init_script(COUNT_TAPS)
    sign_in(page, person.email)
    page.goto("/checkin/")
    screen = _available_height(page)

    # Every rated item, one tap each, then Save.
    choose(page, "mood", "6")
    for name, value in FEELINGS.items():
        choose(page, name, value)
    for name, value in NEEDS.items():
        choose(page, name, value)
    choose(page, "closeness_wish", "closer")
    rated_taps = page.evaluate("() => window.taps")

    # The optional parts too, as someone with more to say would use them.
    page.locator("summary", has_text="In my body").click()
    choose(page, "body_areas", "shoulders")
    page.locator("summary", has_text="Support today").click()
    choose(page, "support_received_kinds", "emotional")
    choose(page, "support_given_kinds", "practical")
    page.locator("summary", has_text="A note").click()
    page.locator("textarea[name=note]").click()
    page.keyboard.type("Talked it through.")
    optional_taps = page.evaluate("() => window.taps") - rated_taps

    heights = page.evaluate(
        """() => [...document.querySelectorAll('.checkin-form > fieldset, .checkin-form > .group')]
                .map(el => [(el.querySelector('h2, legend') || el).textContent.trim().slice(0, 20),
                            Math.round(el.getBoundingClientRect().height)])"""
    )
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/checkins/*/")
    taps = rated_taps + 1  # and Save
    print(f"\ntaps: {taps} for every rated item and Save; +{optional_taps} for the optional parts")
    print(f"one screen at 390x844: {screen:.0f} px; sections: {heights}")

    entry = CheckIn.objects.get()
    assert (entry.mood, entry.sad, entry.need_guidance, entry.closeness_wish) == (6, 4, 5, "closer")
    assert entry.body_areas == ["shoulders"] and entry.note == "Talked it through."
    assert taps <= 16
    assert optional_taps <= 7  # three to open, three choices, one into the note
    for label, height in heights:
        assert height <= screen, f"{label!r} is {height} px, more than one screen ({screen:.0f})"
