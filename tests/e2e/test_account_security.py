"""The borrowed-phone takeover, replayed in a real browser (issue 8, point 1).

Someone picks up a signed-in phone and adds their own address, meaning to confirm it and
reset the password. The password prompt stops them; when the owner does it, their primary
address hears about it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress

from alongside.accounts.tests.outbox import sent_to
from tests.e2e.helpers import PASSWORD, sign_in

pytestmark = pytest.mark.browser

INTRUDER = "mallory@example.net"


def test_adding_an_address_on_a_signed_in_phone_asks_for_the_password(
    phone_page: Any, person: Any, settings: Any
) -> None:
    page = phone_page
    sign_in(page, person.email)
    page.goto("/accounts/email/")
    page.fill("input[name=email][type=email]", INTRUDER)
    page.get_by_role("button", name="Add it").click()

    # The password prompt, and nothing added yet.
    page.wait_for_url("**/accounts/reauthenticate/**")
    assert page.locator("input[name=password]").is_visible()
    assert not EmailAddress.objects.filter(email=INTRUDER).exists()
    outbox = Path(settings.EMAIL_OUTBOX_DIR)
    assert sent_to(outbox, person.email) == []

    # A guess gets no further.
    page.fill("input[name=password]", "a guess at the password")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/accounts/reauthenticate/**")
    assert not EmailAddress.objects.filter(email=INTRUDER).exists()

    # The owner's password: the address is added and the owner's primary address is told.
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/accounts/email/")
    assert INTRUDER in page.inner_text("main")
    assert EmailAddress.objects.filter(email=INTRUDER, user=person, primary=False).exists()
    (notice,) = sent_to(outbox, person.email)
    assert "added" in notice.subject
    assert INTRUDER in notice.body
    assert "If it wasn't you" in notice.body
