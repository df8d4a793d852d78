"""Screenshots of every page, at phone and desktop width, for a person to look over.

Starts Alongside against a throwaway data directory (migrate, seed the demo, runserver
with DEBUG=true on a free port), signs in as the demo person, and saves full-page
Chromium screenshots of each page at 390x844 and 1280x800 into ``screenshots/``
(git-ignored), printing each file's name. Nothing touches your own ``var/``.

Run it from the repository with the project's environment::

    .venv/bin/python scripts/screenshots.py            # every page, both widths
    .venv/bin/python scripts/screenshots.py --only history --only profile
    .venv/bin/python scripts/screenshots.py --list     # the page names
    .venv/bin/python scripts/screenshots.py --dark     # in dark mode (NN-page-size-dark.png)

This is a tool, not a test: look at the pictures. Console errors a page logs (a CSP
refusal, a failed request) are printed beside its file names.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Error, Page, ViewportSize

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The browser tests and this script launch Chromium the same way.
from tests.e2e.helpers import CHROMIUM_ARGS  # noqa: E402

SIZES: dict[str, ViewportSize] = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 800},
    "small": {"width": 360, "height": 740},
}


@dataclass(frozen=True)
class Shot:
    name: str
    path: str  # a URL path, or "" when ``prepare`` navigates by itself
    signed_in: bool = True
    prepare: Callable[[Any], None] | None = None
    ready: str | None = None  # a selector that shows the page has finished drawing
    who: str = ""  # sign in as this demo person instead (the therapist, for care pages)


def _checkin_with_errors(page: Any) -> None:
    """Pick a few feelings and needs but no overall mood, and submit."""
    page.goto("/checkin/")
    for name, value in [("calm", "1"), ("anxious", "3"), ("need_trust", "2")]:
        page.locator(f'label:has(input[name="{name}"][value="{value}"])').click()
    page.locator("form.checkin-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def _latest_checkin(page: Any) -> None:
    page.goto("/checkins/")
    page.locator(".entries a").first.click()
    page.wait_for_load_state("networkidle")


def _partner_page(page: Any) -> None:
    """The page of the first linked person in the circle: what they share with me."""
    page.goto("/circle/")
    page.locator("ul.people a[href*='/circle/links/']").first.click()
    page.wait_for_load_state("networkidle")


def _sharing_page(page: Any) -> None:
    """What I share with the first linked person (after the password, if asked)."""
    _partner_page(page)
    page.get_by_role("link", name="Change what I share").click()
    if "/accounts/reauthenticate/" in page.url:
        page.fill("input[name=password]", "alongside-demo")
        page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def _reauthenticate(page: Any) -> None:
    page.goto("/settings/data/")
    page.locator("form[action$='/export/'] button").click()
    page.wait_for_url("**/accounts/reauthenticate/**")


def _crisis_words(page: Any) -> None:
    """Save today's note with worrying words: the help only the writer then sees."""

    def save_note(text: str) -> None:
        page.goto("/checkin/", wait_until="networkidle")
        if not page.locator('input[name="mood"]:checked').count():
            page.locator('label:has(input[name="mood"][value="4"])').click()
        note = page.locator("textarea[name=note]")
        if not note.is_visible():
            page.locator("summary", has_text="A note").click()
        note.fill(text)
        page.locator("form.checkin-form button[type=submit]").click()
        page.wait_for_load_state("networkidle")

    save_note("")  # so the words below are new each time, at each size
    save_note("A long week, and he shouted again. Some days I just want to die.")


def _care_client(page: Any) -> None:
    """The therapist's page of the first client with an open alert."""
    page.goto("/care/")
    page.locator(".care-client:has(.care-pill-alert) h2 a").first.click()
    page.wait_for_load_state("networkidle")


def _couple_page(page: Any) -> None:
    """The couple insights page (reaching and stepping back, among the rest)."""
    page.goto("/insights/")
    page.locator("main a.button", has_text="You and").first.click()
    page.wait_for_load_state("networkidle")


def _care_couple(page: Any) -> None:
    page.goto("/care/")
    page.locator("[data-testid=caseload-couple] a").first.click()
    page.wait_for_load_state("networkidle")


def _care_notes(page: Any) -> None:
    page.goto("/care/")
    page.locator(".care-client h2 a").first.click()
    page.get_by_role("link", name="Session notes").click()
    page.wait_for_load_state("networkidle")


THERAPIST = "dana@demo.alongside"  # the demo's therapist (alongside/care/demo.py)
RESEARCHER = "rhea@demo.alongside"  # the demo's researcher (alongside/research/demo.py)
PARTICIPANT = "p01@demo.alongside"  # a partner in the demo's couple study


def _research_participation(page: Any) -> None:
    page.goto("/research/")
    page.locator("[data-testid=my-studies] a").first.click()
    page.wait_for_load_state("networkidle")


def _research_timing(page: Any) -> None:
    _research_participation(page)
    page.get_by_role("link", name="Change time zone or waking hours").click()
    page.wait_for_load_state("networkidle")


def _research_prompt(page: Any) -> None:
    """The prompt made due by ``_open_a_prompt``, from the study page."""
    _research_participation(page)
    page.locator("[data-testid=waiting] a").first.click()
    page.wait_for_load_state("networkidle")


def _research_study(page: Any) -> None:
    page.goto("/research/studies/")
    page.locator("main a", has_text="Evenings together").first.click()
    page.wait_for_load_state("networkidle")


def _research_compliance(page: Any) -> None:
    _research_study(page)
    page.get_by_role("link", name="Compliance").first.click()
    page.wait_for_load_state("networkidle")


# Two-factor pages, pictured as Sam (whom no other picture signs in as): turned on, used to
# sign in, then turned off again, so that the next size starts from a password alone.
TWO_FACTOR = "sam@demo.alongside"
RESETS = "ben@demo.alongside"  # chooses a new password from an e-mailed link
_totp: dict[str, Any] = {"secret": "", "step": -1}
_outbox: dict[str, Path] = {}


def _totp_code(wait: bool = True) -> str:
    """The authenticator app's code (RFC 6238: HMAC-SHA1 of the 30-second step), from a
    step not used yet: allauth refuses a code the second time."""
    import base64
    import hashlib
    import hmac
    import struct

    step = int(time.time()) // 30
    while wait and step == _totp["step"]:
        time.sleep(1)
        step = int(time.time()) // 30
    _totp["step"] = step
    key = base64.b32decode(_totp["secret"].upper() + "=" * (-len(_totp["secret"]) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def _password_again(page: Any) -> None:
    if "/accounts/reauthenticate/" in page.url:
        page.fill("input[name=password]", "alongside-demo")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state("networkidle")


def _totp_activate(page: Any) -> None:
    page.goto("/accounts/2fa/totp/activate/")
    _password_again(page)
    page.wait_for_url("**/2fa/totp/activate/")
    _totp["secret"] = page.locator("#authenticator_secret").inner_text().strip()


def _totp_activate_error(page: Any) -> None:
    page.fill("input[name=code]", "000000")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def _recovery_codes(page: Any) -> None:
    page.fill("input[name=code]", _totp_code())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/totp/activate/" not in url)
    page.goto("/accounts/2fa/recovery-codes/")
    _password_again(page)


def _mfa_authenticate(page: Any) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", TWO_FACTOR)
    page.fill("input[name=password]", "alongside-demo")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/2fa/authenticate/")


def _mfa_reauthenticate(page: Any) -> None:
    page.fill("input[name=code]", _totp_code())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)
    page.goto("/accounts/2fa/reauthenticate/", wait_until="networkidle")


def _two_factor_off(page: Any) -> None:
    page.goto("/accounts/2fa/totp/deactivate/")
    _password_again(page)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def _reset_from_link(page: Any) -> None:
    import email
    from email import policy

    page.goto("/accounts/password/reset/")
    page.fill("input[name=email]", RESETS)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/password/reset/done/")
    newest = sorted(_outbox["dir"].glob("*.eml"))[-1]
    message = email.message_from_bytes(newest.read_bytes(), policy=policy.default)
    body = message.get_body(preferencelist=("plain",))
    text = str(body.get_content()) if body else ""
    link = next(w for w in text.split() if "/accounts/password/reset/key/" in w)
    page.goto(link, wait_until="networkidle")


def _reset_done(page: Any) -> None:
    new = f"a quiet new morning {int(time.time())}"
    page.fill("input[name=password1]", new)
    page.fill("input[name=password2]", new)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/key/done/")


SHOTS = [
    Shot("welcome", "/", signed_in=False),
    Shot("login", "/accounts/login/", signed_in=False),
    Shot("signup", "/accounts/signup/", signed_in=False),
    Shot("password-reset", "/accounts/password/reset/", signed_in=False),
    Shot("reset-link-run-out", "/accounts/password/reset/key/1-no-longer-valid/", signed_in=False),
    Shot("reset-new-password", "", signed_in=False, prepare=_reset_from_link),
    Shot("reset-done", "", signed_in=False, prepare=_reset_done),
    Shot("account-closed", "/accounts/inactive/", signed_in=False),
    Shot("help", "/help/", signed_in=False),
    Shot("home", "/"),
    Shot("checkin", "/checkin/"),
    Shot("checkin-errors", "", prepare=_checkin_with_errors),
    Shot("detail", "", prepare=_latest_checkin),
    Shot("history", "/checkins/"),
    Shot("backfill", "/checkin/missed-day/"),
    Shot("profile", "/settings/profile/"),
    Shot("reminders", "/settings/reminders/"),
    Shot("two-factor", "/accounts/2fa/"),
    Shot("totp-activate", "", prepare=_totp_activate, who=TWO_FACTOR),
    Shot("totp-activate-error", "", prepare=_totp_activate_error, who=TWO_FACTOR),
    Shot("recovery-codes", "", prepare=_recovery_codes, who=TWO_FACTOR),
    Shot("recovery-generate", "/accounts/2fa/recovery-codes/generate/", who=TWO_FACTOR),
    Shot("two-factor-on", "/accounts/2fa/", who=TWO_FACTOR),
    Shot("totp-deactivate", "/accounts/2fa/totp/deactivate/", who=TWO_FACTOR),
    Shot("mfa-authenticate", "", prepare=_mfa_authenticate, who=TWO_FACTOR),
    Shot("mfa-reauthenticate", "", prepare=_mfa_reauthenticate, who=TWO_FACTOR),
    Shot("two-factor-off", "", prepare=_two_factor_off, who=TWO_FACTOR),
    Shot("password", "/accounts/password/change/"),
    Shot("email", "/accounts/email/"),
    Shot("logout", "/accounts/logout/"),
    Shot("tokens", "/settings/tokens/"),
    Shot("access-log", "/settings/access-log/"),
    Shot("data", "/settings/data/"),
    Shot("reauthenticate", "", prepare=_reauthenticate),
    Shot("delete", "/settings/data/delete/"),
    Shot("circle", "/circle/"),
    Shot("partner", "", prepare=_partner_page),
    Shot("couple", "", prepare=_couple_page, who="alice@demo.alongside"),
    Shot("what-others-see", "/circle/what-others-see/"),
    Shot("safety", "/settings/safety/"),
    Shot("sharing", "", prepare=_sharing_page),
    Shot("api-docs", "/api/docs", ready=".swagger-ui .info"),
    Shot("research-index", "/research/", who=PARTICIPANT),
    Shot("research-participation", "", prepare=_research_participation, who=PARTICIPANT),
    Shot("research-timing", "", prepare=_research_timing, who=PARTICIPANT),
    Shot("research-prompt", "", prepare=_research_prompt, who=PARTICIPANT),
    Shot("research-studies", "/research/studies/", who=RESEARCHER),
    Shot("research-study", "", prepare=_research_study, who=RESEARCHER),
    Shot("research-compliance", "", prepare=_research_compliance, who=RESEARCHER),
    Shot("care-caseload", "/care/", who=THERAPIST),
    Shot("care-client", "", prepare=_care_client, who=THERAPIST),
    Shot("care-couple", "", prepare=_care_couple, who=THERAPIST),
    Shot("care-notes", "", prepare=_care_notes, who=THERAPIST),
    # Last: it changes the demo person's note for today.
    Shot("crisis-help", "", prepare=_crisis_words, ready="[data-testid=crisis-help]"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode}); see its output")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url} within {timeout:.0f}s")


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _open_a_prompt(env: dict[str, str]) -> None:
    """Make the demo participant's next prompt come due now (in this throwaway data
    directory), so the prompt page can be pictured whatever the time of day."""
    code = (
        "import datetime as dt, django; django.setup();"
        "from django.utils import timezone;"
        "from alongside.research.models import Prompt;"
        "now = timezone.now();"
        f"p = Prompt.objects.filter(participant__user__email={PARTICIPANT!r},"
        " scheduled_at__gt=now).order_by('scheduled_at').first();"
        "p and Prompt.objects.filter(pk=p.pk).update("
        "scheduled_at=now - dt.timedelta(minutes=2), expires_at=now + dt.timedelta(minutes=28))"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def _demo_login(env: dict[str, str]) -> tuple[str, str]:
    code = (
        "import django; django.setup();"
        "from alongside.accounts.demo import DEMO_PEOPLE, DEMO_PASSWORD;"
        "print(DEMO_PEOPLE[0][0]); print(DEMO_PASSWORD)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True
    )
    email, password = out.stdout.decode().split()[-2:]
    return email, password


def _watch(page: Page) -> list[str]:
    """Collect what the page logs as an error (a CSP refusal, a failed request)."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    def on_error(error: Error) -> None:
        problems.append(str(error))

    page.on("console", on_console)
    page.on("pageerror", on_error)
    return problems


def _sign_in(page: Any, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def take(args: argparse.Namespace) -> int:
    from playwright.sync_api import sync_playwright

    wanted = [s for s in SHOTS if not args.only or s.name in args.only]
    unknown = set(args.only or []) - {s.name for s in SHOTS}
    if unknown:
        raise SystemExit(f"unknown page(s): {', '.join(sorted(unknown))} (see --list)")
    out_dir = Path(args.out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="alongside-shots-") as data_dir:
        env = {
            **os.environ,
            "ALONGSIDE_DATA_DIR": data_dir,
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "alongside.settings",
            "EMAIL_HOST": "",  # the outbox, never a real mail server
        }
        env.pop("DATABASE_URL", None)  # a throwaway SQLite, never a real database
        _outbox["dir"] = Path(data_dir) / "outbox"
        _manage(env, "migrate", "--no-input", "-v", "0")
        _manage(env, "demo", "--quiet-logins")
        _open_a_prompt(env)
        email, password = _demo_login(env)
        email = args.as_ or email
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL if not args.verbose else None,
            stderr=subprocess.DEVNULL if not args.verbose else None,
        )
        try:
            _wait_until_up(f"{base}/help/", server)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
                for size_name, viewport in SIZES.items():
                    if args.size and size_name not in args.size:
                        continue
                    groups = dict.fromkeys((s.signed_in, s.who) for s in wanted)
                    for signed_in, who in groups:
                        shots = [s for s in wanted if (s.signed_in, s.who) == (signed_in, who)]
                        context = browser.new_context(
                            viewport=viewport,
                            base_url=base,
                            color_scheme="dark" if args.dark else "light",
                        )
                        context.set_default_timeout(15_000)
                        page = context.new_page()
                        problems = _watch(page)
                        if signed_in:
                            _sign_in(page, who or email, password)
                        for shot in shots:
                            problems.clear()
                            if shot.prepare:
                                shot.prepare(page)
                            else:
                                page.goto(shot.path, wait_until="networkidle")
                            if shot.ready:
                                page.locator(shot.ready).first.wait_for()
                            index = SHOTS.index(shot) + 1
                            scheme = "-dark" if args.dark else ""
                            target = out_dir / f"{index:02d}-{shot.name}-{size_name}{scheme}.png"
                            page.screenshot(path=str(target), full_page=True)
                            print(
                                target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
                            )
                            for problem in dict.fromkeys(problems):
                                print(f"    console: {problem}")
                            wide = page.evaluate("document.documentElement.scrollWidth")
                            if wide > viewport["width"]:
                                print(
                                    f"    overflow: {wide}px wide in a {viewport['width']}px window"
                                )
                        context.close()
                browser.close()
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/screenshots.py",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog=(
            "Starts the app against a temporary data directory with the demo seeded, signs "
            "in as the demo person and saves full-page PNGs named NN-page-size.png."
        ),
    )
    parser.add_argument(
        "--out", default=str(ROOT / "screenshots"), help="folder for the PNGs (screenshots/)"
    )
    parser.add_argument(
        "--only", action="append", metavar="PAGE", help="only this page (repeatable)"
    )
    parser.add_argument(
        "--size", action="append", choices=sorted(SIZES), help="only this size (repeatable)"
    )
    parser.add_argument(
        "--chromium",
        default=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        help="the Chromium to drive (default /usr/bin/chromium or $CHROMIUM_PATH)",
    )
    parser.add_argument(
        "--as",
        dest="as_",
        metavar="EMAIL",
        help="sign in as this demo person (e.g. ben@demo.alongside; default: the first)",
    )
    parser.add_argument(
        "--dark", action="store_true", help="in dark mode (the system setting the pages follow)"
    )
    parser.add_argument("--list", action="store_true", help="list the page names and exit")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the server's log")
    args = parser.parse_args(argv)
    if args.list:
        for shot in SHOTS:
            print(f"{shot.name:16} {shot.path or '(navigates)'}")
        return 0
    if not Path(args.chromium).exists():
        parser.error(f"Chromium not found at {args.chromium} (apt-get install chromium)")
    return take(args)


if __name__ == "__main__":
    sys.exit(main())
