"""A check-in in German at phone width: chosen in the profile, saved, and shown back in German."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.helpers import PHONE, choose, sign_in

pytestmark = pytest.mark.browser


def _fits_the_screen(page: Any) -> bool:
    # German words run long ("Unterstützungsangebote"): nothing may push the page sideways.
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_check_in_in_german_on_a_phone(open_page: Any, person: Any) -> None:
    from alongside.checkins.models import CheckIn

    # An English browser: the German comes from the profile, not from Accept-Language.
    page = open_page(PHONE, locale="en-GB")
    sign_in(page, person.email)
    page.goto("/settings/profile/")
    page.get_by_label("Language").select_option(label="Deutsch")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_text("Dein Profil ist gespeichert.").is_visible()

    page.goto("/checkin/")
    assert page.get_by_role("heading", name="Wie geht es dir heute?").is_visible()
    assert _fits_the_screen(page)
    choose(page, "mood", "7")
    choose(page, "anxious", "3")
    choose(page, "need_trust", "4")
    page.get_by_role("button", name="Check-in speichern").click()
    page.wait_for_url("**/checkins/*/")

    saved = CheckIn.objects.get(owner=person)
    assert (saved.mood, saved.anxious, saved.need_trust) == (7, 3, 4)
    assert page.get_by_text("Danke fürs Einchecken.").is_visible()
    assert page.get_by_role("heading", name="Gefühle").is_visible()
    assert page.get_by_role("heading", name="Bedürfnisse").is_visible()
    assert page.get_by_text("Vertrauen").first.is_visible()
    assert page.get_by_text("Stimmung insgesamt").is_visible()
    assert _fits_the_screen(page)

    # The narrowest phone: the header's "Hilfe jetzt" and "Schnell weg" are longer than
    # their English, and no page may scroll sideways for them.
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/", "/checkin/", "/checkins/", "/circle/", "/settings/profile/", "/help/"):
        page.goto(path)
        assert _fits_the_screen(page), path
