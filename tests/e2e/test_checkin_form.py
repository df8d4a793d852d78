"""Bad input in the check-in form: a message next to the field, and nothing typed is lost."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.helpers import choose, sign_in

pytestmark = pytest.mark.browser


def _fill_some(page: Any) -> None:
    choose(page, "mood", "6")
    choose(page, "anxious", "3")
    choose(page, "sad", "1")
    choose(page, "need_trust", "2")
    choose(page, "need_autonomy", "5")


def _assert_still_chosen(page: Any) -> None:
    for name, value in [
        ("mood", "6"),
        ("anxious", "3"),
        ("sad", "1"),
        ("need_trust", "2"),
        ("need_autonomy", "5"),
    ]:
        assert page.locator(f'input[name="{name}"][value="{value}"]').is_checked(), name


def test_an_over_long_note_is_explained_and_kept(desktop_page: Any, person: Any) -> None:
    from alongside.checkins.models import NOTE_MAX_LENGTH, CheckIn

    page = desktop_page
    sign_in(page, person.email)
    page.goto("/checkin/")
    _fill_some(page)
    page.locator("summary", has_text="A note").click()
    note = page.locator("textarea[name=note]")
    # The browser stops typing at maxlength; a paste from an old browser or a script
    # does not, so the server must say it kindly too.
    note.evaluate("el => el.removeAttribute('maxlength')")
    long_note = "I kept writing. " * (NOTE_MAX_LENGTH // 16 + 5)
    note.fill(long_note)
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_load_state()

    error = page.locator(".field.has-error:has(textarea[name=note]) .error")
    assert error.is_visible()
    assert str(NOTE_MAX_LENGTH) in error.inner_text()
    assert page.locator("textarea[name=note]").input_value() == long_note
    _assert_still_chosen(page)
    assert not CheckIn.objects.exists()


def test_a_backfill_older_than_a_week_is_explained_and_kept(desktop_page: Any, person: Any) -> None:
    from alongside.checkins.models import BACKFILL_DAYS, CheckIn

    page = desktop_page
    sign_in(page, person.email)
    page.goto("/checkin/missed-day/")
    too_old = person.local_today() - dt.timedelta(days=BACKFILL_DAYS + 3)
    page.fill("input[name=day]", too_old.isoformat())
    _fill_some(page)
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_load_state()

    error = page.locator(".field.has-error:has(input[name=day]) .error")
    assert error.is_visible()
    assert f"{BACKFILL_DAYS} days back" in error.inner_text()
    assert page.locator("input[name=day]").input_value() == too_old.isoformat()
    _assert_still_chosen(page)
    assert not CheckIn.objects.exists()

    # Correcting the day keeps everything else and saves.
    yesterday = person.local_today() - dt.timedelta(days=1)
    page.fill("input[name=day]", yesterday.isoformat())
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/checkins/*/")
    saved = CheckIn.objects.get(owner=person)
    assert (saved.day, saved.mood, saved.anxious, saved.need_autonomy) == (yesterday, 6, 3, 5)
