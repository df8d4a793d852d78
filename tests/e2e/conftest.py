"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Chromium is not downloaded by Playwright here: we launch ``/usr/bin/chromium`` (or
``CHROMIUM_PATH``). Without it the browser tests skip with a message, unless
``REQUIRE_BROWSER=1`` (CI), when they fail instead.
"""

from __future__ import annotations

import email
import os
import time
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PASSWORD, PHONE

# Playwright's sync API runs an event loop in the test's thread, so Django sees every ORM
# call from test code as "inside async". The live server runs in its own thread; the test
# code is ordinary synchronous code, so this check only gets in the way here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def _browser_problem() -> str | None:
    """Why browser tests cannot run on this machine, or None."""
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        return (
            f"Chromium not found at {CHROMIUM} (install Debian's 'chromium' package "
            "or set CHROMIUM_PATH)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (uv sync installs the dev group)"
    return None


def _browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


def pytest_report_header(config: pytest.Config) -> str:
    problem = _browser_problem()
    return f"browser tests: {f'Chromium at {CHROMIUM}' if problem is None else problem}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    # Skips are easy to miss in a long run; say once, at the end, why there was no browser.
    problem = _browser_problem()
    if problem and not _browser_required():
        terminalreporter.write_line(f"browser tests were SKIPPED: {problem}", yellow=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    problem = _browser_problem()
    skip = None
    if problem and not _browser_required():
        skip = pytest.mark.skip(reason=f"browser test skipped: {problem}")
    # The live server's WhiteNoise looks for collectstatic's output, which tests never make;
    # static files come from the finders instead.
    quiet = None
    if config.pluginmanager.has_plugin("warnings"):  # -p no:warnings removes the marker
        quiet = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
    for item in items:
        if item.get_closest_marker("browser"):
            if quiet:
                item.add_marker(quiet)
            if skip:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    problem = _browser_problem()
    if problem:  # only reached with REQUIRE_BROWSER=1; otherwise the test was skipped
        pytest.fail(f"REQUIRE_BROWSER=1 but {problem}", pytrace=False)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def _warm_urlconf() -> None:
    """Import every view once, before the first page load starts the clock.

    The URLconf pulls in the analytics (pandas, scipy): seconds on a busy machine, which
    would otherwise land on whichever test happens to make the live server's first request.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the import is the point


@pytest.fixture(autouse=True)
def e2e_settings(settings: Any, tmp_path: Path) -> Iterator[Any]:
    """What a browser over plain http on localhost needs, and an outbox per test."""
    from django.core.cache import cache

    # DEBUG is off in tests, so settings ask for secure cookies, which a browser never
    # sends back over http: sign-in and CSRF would fail.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    # The manifest storage needs collectstatic; the live server serves from the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # pytest-django swaps in the locmem backend; the browser tests read the real outbox.
    settings.EMAIL_BACKEND = "alongside.lib.mail.OutboxBackend"
    settings.EMAIL_OUTBOX_DIR = tmp_path / "outbox"
    settings.EMAIL_OUTBOX_QUIET = True
    cache.clear()  # rate-limit counters from one test must not leak into the next
    yield settings
    cache.clear()


@pytest.fixture(scope="session")
def axe_check() -> Callable[[Any, str], None]:
    """``axe_check(page, where)``: fails with a readable list of serious or critical
    accessibility violations (axe-core, fetched from npm on first use)."""
    from tests.e2e.axe import axe_problem, axe_source, describe, violations

    problem = axe_problem()
    if problem:
        if _browser_required():
            pytest.fail(f"REQUIRE_BROWSER=1 but {problem}", pytrace=False)
        pytest.skip(problem)
    source = axe_source()

    def check(page: Any, where: str) -> None:
        found = violations(page, source)
        assert not found, f"axe-core on {where}:\n{describe(found)}"

    return check


@pytest.fixture
def newest_email(settings: Any) -> Callable[[], EmailMessage]:
    """Returns a function that reads the newest e-mail in the outbox (waiting briefly)."""

    def newest(timeout: float = 5.0) -> EmailMessage:
        folder = Path(settings.EMAIL_OUTBOX_DIR)
        deadline = time.monotonic() + timeout
        while True:
            files = sorted(folder.glob("*.eml")) if folder.exists() else []
            if files:
                message = email.message_from_bytes(files[-1].read_bytes(), policy=policy.default)
                assert isinstance(message, EmailMessage)
                return message
            if time.monotonic() > deadline:
                raise AssertionError(f"no e-mail arrived in {folder}")
            time.sleep(0.1)

    return newest


class PageProblems:
    """Collects what a careful person would notice in DevTools: JS errors, CSP refusals."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def watch(self, page: Any) -> None:
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on(
            "console",
            lambda msg: (
                self.problems.append(f"console {msg.type}: {msg.text}")
                if msg.type == "error" and not _ignorable(msg.text)
                else None
            ),
        )


def _ignorable(text: str) -> bool:
    # Pages that deliberately answer 4xx (a failed sign-in, a 404) log the status.
    if "Failed to load resource: the server responded with a status of 4" in text:
        return True
    # Chromium's own note when a page asks for push in an incognito context (Playwright's
    # contexts are): the page catches the refusal and says so itself.
    if "does not support the Push API in incognito mode" in text:
        return True
    # The offline tests cut the connection on purpose.
    return "net::ERR_INTERNET_DISCONNECTED" in text


@pytest.fixture
def open_page(
    new_context: Any, live_server: Any, _warm_urlconf: None
) -> Iterator[Callable[..., Any]]:
    """``open_page(viewport, **context_options)`` -> a fresh Page on the live server."""
    watcher = PageProblems()

    def make(viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
        context = new_context(
            viewport=viewport, base_url=live_server.url, accept_downloads=True, **options
        )
        # Generous, for a loaded CI machine; a passing run never waits this long.
        context.set_default_timeout(15_000)
        context.set_default_navigation_timeout(30_000)
        page = context.new_page()
        watcher.watch(page)
        return page

    yield make
    assert not watcher.problems, "the browser reported problems:\n" + "\n".join(watcher.problems)


@pytest.fixture
def phone_page(open_page: Callable[..., Any]) -> Any:
    return open_page(PHONE)


@pytest.fixture
def desktop_page(open_page: Callable[..., Any]) -> Any:
    return open_page(DESKTOP)


@pytest.fixture
def person(transactional_db: None) -> Any:
    """A verified account that can sign in straight away."""
    from allauth.account.models import EmailAddress

    from alongside.accounts.models import User

    user = User.objects.create_user("alice@example.org", PASSWORD, display_name="Alice")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user
