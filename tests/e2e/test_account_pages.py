"""The account pages allauth draws, in Alongside's words: two-factor from turning it on to
signing in with a code, a new password from an e-mailed link (and a link that has run out),
the password, e-mail and sign-out pages. Each passes axe-core in light and dark mode and
fits a 360 px screen."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
import time_machine

from tests.e2e.helpers import PASSWORD, SMALL_PHONE, find_link, fit_and_axe_problems, sign_in

pytestmark = pytest.mark.browser


def _code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return str(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))


def test_the_account_pages_read_well_and_pass_axe(
    open_page: Callable[..., Any],
    person: Any,
    axe_check: Callable[[Any, str], None],
    newest_email: Callable[[], Any],
) -> None:
    from allauth.mfa.models import Authenticator

    problems: list[str] = []
    seen: list[str] = []
    page = open_page(SMALL_PHONE)

    def check(heading: str) -> None:
        where = page.url.split(page.url.split("/")[2], 1)[1]
        seen.append(where)
        h1 = page.locator("main h1").inner_text().strip()
        if h1 != heading:
            problems.append(f"{where}: the heading is {h1!r}, not {heading!r}")
        problems.extend(fit_and_axe_problems(page, where, axe_check))

    sign_in(page, person.email)
    page.goto("/accounts/2fa/")
    check("Two-factor sign-in")
    page.get_by_role("link", name="Turn on").click()
    page.wait_for_url("**/reauthenticate/**")
    check("Is it you?")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/2fa/totp/activate/")
    check("Turn on two-factor sign-in")
    secret = page.locator("#authenticator_secret").inner_text().strip()
    page.fill("input[name=code]", "000000")
    page.get_by_role("button", name="Turn it on").click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.name") == "code"
    check("Turn on two-factor sign-in")
    page.fill("input[name=code]", _code(secret))
    page.get_by_role("button", name="Turn it on").click()
    page.wait_for_url(lambda url: "/totp/activate/" not in url)
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    page.goto("/accounts/2fa/recovery-codes/")
    check("Your recovery codes")
    assert page.locator("ul.codes li").count() > 0
    page.goto("/accounts/2fa/recovery-codes/generate/")
    check("New recovery codes")
    page.goto("/accounts/2fa/totp/deactivate/")
    check("Turn off two-factor sign-in?")
    page.goto("/accounts/password/change/")
    check("Your password")
    page.goto("/accounts/email/")
    check("Your e-mail")
    page.goto("/accounts/logout/")
    check("Sign out?")
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_load_state()

    # Signing in again asks for the app's code: a fresh one, a used code is refused.
    with time_machine.travel(time.time() + 60, tick=True):
        page.goto("/accounts/login/")
        page.fill("input[name=login]", person.email)
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url("**/2fa/authenticate/")
        check("One more step")
        page.fill("input[name=code]", _code(secret))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)
        page.goto("/accounts/2fa/reauthenticate/")
        check("Is it you?")
        page.context.clear_cookies()

    # A new password from the e-mailed link; a broken link says what to do.
    page.goto("/accounts/password/reset/key/1-not-a-real-token/")
    check("This link has run out")
    page.goto("/accounts/password/reset/")
    page.fill("input[name=email]", person.email)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/password/reset/done/")
    link = find_link(newest_email(), "/accounts/password/reset/key/")
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    check("Choose a new password")
    new = "a brand new sunrise walk 77"
    page.fill("input[name=password1]", new)
    page.fill("input[name=password2]", new)
    page.get_by_role("button", name="Save my new password").click()
    page.wait_for_url("**/key/done/")
    check("You're all set")
    page.goto("/accounts/inactive/")
    check("This account is closed")

    print(f"\naccount pages checked (360 px, light and dark): {len(seen)}: {seen}")
    assert not problems, "\n".join(problems)
