"""Small helpers the browser tests share (the fixtures are in conftest.py)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PASSWORD = "a quiet river at dusk 42"


def email_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    assert part is not None, "the e-mail has no body"
    return str(part.get_content())


def find_link(message: EmailMessage, pattern: str) -> str:
    match = re.search(rf"https?://[^\s\"'<>]*{pattern}[^\s\"'<>]*", email_text(message))
    assert match, f"no link matching {pattern!r} in:\n{email_text(message)}"
    return match.group(0)


def sign_in(page: Any, email_address: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email_address)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def assert_styled(page: Any) -> None:
    """The site's stylesheet loaded and applies (not a bare, unstyled page)."""
    loaded = page.evaluate(
        """() => [...document.styleSheets].some(
               s => s.href && s.href.includes('/site.css') && s.cssRules.length > 0)"""
    )
    assert loaded, "site.css did not load"


def choose(page: Any, name: str, value: str) -> None:
    """Pick a chip (a radio or checkbox styled as a button) by clicking its label."""
    page.locator(f'label:has(input[name="{name}"][value="{value}"])').click()
    assert page.locator(f'input[name="{name}"][value="{value}"]').is_checked()


SMALL_PHONE = {"width": 360, "height": 740}
DEMO_PASSWORD = "alongside-demo"
_SEEDS = ["/", "/checkin/", "/checkins/", "/circle/", "/practice/", "/questionnaires/",
         "/insights/", "/settings/profile/", "/settings/safety/", "/settings/data/",
         "/settings/reminders/", "/settings/access-log/", "/settings/tokens/", "/help/",
         "/together/my-part/", "/accounts/2fa/", "/accounts/password/change/",
         "/accounts/email/"]  # fmt: skip
# Where the crawl of every page starts, for each kind of demo person (the phone-layout
# test and scripts/screenshots.py both use it): the pages are found, not listed.
CRAWL_PEOPLE = {
    "alice@demo.alongside": _SEEDS,  # linked with Ben as partners
    "mira@demo.alongside": _SEEDS,  # friends and practice, no partner
    "dana@demo.alongside": ["/care/", *_SEEDS[:3]],  # the therapist
    "rhea@demo.alongside": ["/research/studies/"],  # the researcher
    "p01@demo.alongside": ["/research/"],  # a partner in the couple study
    "": ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/help/"],
}

# Crawled without skipping the kinds of page others reached: signed out, "/" and its
# neighbours are other pages; a participant's /research/ pages are not a member's.
CRAWL_FRESH = {"", "p01@demo.alongside"}
# Never followed by the crawl: leaving, signing out, downloads, the API, the admin.
_NOT_PAGES = re.compile(
    r"^/(api|admin|static|accounts/logout|exit|manifest|sw\.js|healthz|readyz)"
    r"|\.(csv|zip|pdf|json|yaml)$|/export/"
)


def page_shape(path: str) -> str:
    """A path with its numbers and tokens taken out: one page per kind is enough."""
    path, _, query = path.partition("?")
    keys = sorted(part.split("=")[0] for part in query.split("&") if part)
    shape = re.sub(r"/[0-9]+/", "/N/", re.sub(r"/join/[^/]+/", "/join/T/", path))
    return shape + ("?" + "&".join(keys) if keys else "")


def crawl(
    page: Any,
    seeds: list[str],
    limit: int = 80,
    visit: Callable[[str], None] | None = None,
    seen: set[str] | None = None,
) -> list[str]:
    """The app's pages a signed-in (or signed-out) person can reach by following links
    from ``seeds``: one of each kind (``page_shape``), each answering 200.

    ``visit(path)`` runs on each page found while it is open (one load per page);
    ``seen`` carries the kinds already found by an earlier crawl, to skip them.
    """
    seen = set() if seen is None else seen
    found: list[str] = []
    queue = list(seeds)
    while queue and len(found) < limit:
        path = queue.pop(0).split("#")[0]
        if page_shape(path) in seen or _NOT_PAGES.search(path.split("?")[0]):
            continue
        seen.add(page_shape(path))
        response = page.goto(path, wait_until="networkidle")
        if (
            response is None
            or response.status != 200
            or "text/html" not in (response.headers.get("content-type", ""))
        ):
            continue
        if "/accounts/login/" in page.url and "/accounts/login/" not in path:
            continue
        found.append(path)
        hrefs = page.eval_on_selector_all(
            "a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
        )
        if visit is not None:
            visit(path)
        queue.extend(h for h in hrefs if page_shape(h.split("#")[0]) not in seen)
    return found


def fit_and_axe_problems(page: Any, where: str, axe_check: Callable[[Any, str], None]) -> list[str]:
    """What is wrong with the page as shown: wider than the screen, or axe-core's serious
    and critical findings in light and in dark mode (left in light mode)."""
    problems: list[str] = []
    extra = int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))
    if extra > 0:
        problems.append(f"{where}: {extra}px too wide at {page.viewport_size['width']} px")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        try:
            axe_check(page, f"{where} ({scheme})")
        except AssertionError as exc:
            problems.append(str(exc))
    page.emulate_media(color_scheme="light")
    return problems
