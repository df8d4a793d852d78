"""Screenshots of every page, at two phone widths and a desktop, light and dark, for a
person to look over.

Starts Alongside against a throwaway data directory (migrate, seed the demo, add a site
administrator, runserver with DEBUG=true on a free port). Then, for each kind of demo
person (the couple, a person without a partner, the therapist, the researcher, a study
participant, the site administrator, and someone signed out), it follows every link from
the main pages, one page of each kind, the same crawl the phone-layout test runs
(``tests.e2e.helpers.crawl`` and ``CRAWL_PEOPLE``), and adds the few pages no link
reaches (a check-in with errors, the password asked again, the help after worrying
words). Each page is saved as full-page Chromium PNGs at 360x740, 390x844 and 1280x800,
light and dark, into ``screenshots/`` (git-ignored) as ``NNN-person-page-size-scheme.png``.
Nothing touches your own ``var/``.

Run it from the repository with the project's environment::

    .venv/bin/python scripts/screenshots.py                   # everything (~15 minutes)
    .venv/bin/python scripts/screenshots.py --out /tmp/shots --contact-sheet
    .venv/bin/python scripts/screenshots.py --only checkins --size small --scheme dark
    .venv/bin/python scripts/screenshots.py --who dana --who signed-out
    .venv/bin/python scripts/screenshots.py --sheets-only --out /tmp/shots  # sheets again

``--contact-sheet`` then tiles them: ``sheets/NNN-person-page-phone.png`` (360 and 390,
light and dark, side by side at full size) and ``...-desktop.png`` (light and dark at
60 %), so many can be looked at at once; very long pages are cut, the full PNG is beside.

This is a tool, not a test: look at the pictures. For each page it also prints what a
script can notice: console errors (a CSP refusal, a failed request), sideways scrolling,
text cut off inside its box, controls touching the window's edge, and, in dark mode,
large light boxes.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
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
# The browser tests and this script launch Chromium and find the pages the same way.
from tests.e2e.helpers import (  # noqa: E402
    CHROMIUM_ARGS,
    CRAWL_FRESH,
    CRAWL_PEOPLE,
    DEMO_PASSWORD,
    crawl,
    page_shape,
)

SIZES: dict[str, ViewportSize] = {
    "small": {"width": 360, "height": 740},
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 800},
}
SCHEMES = ("light", "dark")
ADMIN = "admin@demo.alongside"  # added to the throwaway data: a site administrator
# Everyone the crawl signs in as, and the site administrator, who sees the questionnaires
# still waiting for their wording (what is new from there; the rest is as for others).
PEOPLE: dict[str, list[str]] = {**CRAWL_PEOPLE, ADMIN: ["/questionnaires/"]}
RESEARCHER = "rhea@demo.alongside"  # the demo's researcher (alongside/research/demo.py)
PARTICIPANT = "p01@demo.alongside"  # a partner in the demo's couple study
COUPLE = "alice@demo.alongside"


def short(who: str) -> str:
    return who.split("@")[0] if who else "signed-out"


def slug(path: str) -> str:
    """``/settings/data/?a=1`` -> ``settings-data-a``; ``/`` -> ``home``."""
    path, _, query = path.partition("?")
    keys = [part.split("=")[0] for part in query.split("&") if part]
    words = [w for w in re.split(r"[^A-Za-z0-9]+", path) if w] + keys
    return "-".join(words)[:60] or "home"


# Pages no link reaches: a form sent with mistakes, the password asked again, the help
# shown after worrying words. Each ``prepare`` navigates by itself (again for each size).


def _checkin_with_errors(page: Any) -> None:
    """Pick a few feelings and needs but no overall mood, and submit."""
    page.goto("/checkin/")
    for name, value in [("calm", "1"), ("anxious", "3"), ("need_trust", "2")]:
        page.locator(f'label:has(input[name="{name}"][value="{value}"])').click()
    page.locator("form.checkin-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def _partner_page(page: Any) -> None:
    page.goto("/circle/")
    page.locator("ul.people a[href*='/circle/links/']").first.click()
    page.wait_for_load_state("networkidle")


def _sharing_page(page: Any) -> None:
    """What I share with the first linked person (after the password, if asked)."""
    _partner_page(page)
    page.get_by_role("link", name="Change what I share").click()
    if "/accounts/reauthenticate/" in page.url:
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def _reauthenticate(page: Any) -> None:
    page.goto("/settings/data/")
    page.locator("form[action$='/export/'] button").click()
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.wait_for_load_state("networkidle")


def _api_docs(page: Any) -> None:
    page.goto("/api/docs", wait_until="networkidle")
    page.locator(".swagger-ui .info").first.wait_for()


def _research_prompt(page: Any) -> None:
    """The prompt made due by ``_open_a_prompt``, from the study page."""
    page.goto("/research/")
    page.locator("[data-testid=my-studies] a").first.click()
    page.locator("[data-testid=waiting] a").first.click()
    page.wait_for_load_state("networkidle")


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
    page.locator("[data-testid=crisis-help]").first.wait_for()


@dataclass(frozen=True)
class Extra:
    name: str
    who: str
    prepare: Callable[[Any], None]


EXTRAS = [
    Extra("checkin-errors", COUPLE, _checkin_with_errors),
    Extra("reauthenticate", COUPLE, _reauthenticate),
    Extra("sharing-after-password", COUPLE, _sharing_page),
    Extra("api-docs", COUPLE, _api_docs),
    Extra("research-prompt-due", PARTICIPANT, _research_prompt),
    Extra("crisis-help", COUPLE, _crisis_words),  # last of the couple's: changes today's note
]

_TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"

# What a script can notice on a page (the eye does the rest). Returns short sentences.
_LINT = """(dark) => {
  const out = [];
  const vw = window.innerWidth;
  const de = document.documentElement;
  if (de.scrollWidth > vw) out.push(`scrolls sideways: ${de.scrollWidth}px wide`);
  const label = (el) => {
    const t = (el.innerText || el.getAttribute('aria-label') || el.value || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 40);
    return `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).join('.') : ''} "${t}"`;
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  for (const el of document.querySelectorAll('body *')) {
    if (!visible(el) || el.closest('.swagger-ui, [hidden], .visually-hidden, .sr-only')) continue;
    const s = getComputedStyle(el);
    const clips = /(hidden|clip)/.test(s.overflowX) || s.textOverflow === 'ellipsis';
    if (clips && el.scrollWidth > el.clientWidth + 2 && el.innerText && el.innerText.trim()
        && !el.matches('.scroll-x, .table-wrap, [data-scroll]')) {
      out.push(`text cut off: ${label(el)} (${el.scrollWidth} > ${el.clientWidth})`);
    }
    if (el.matches('a.button, button, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), select, textarea, .chip')
        && !el.closest('.tabbar, .topbar, nav')) {
      const r = el.getBoundingClientRect();
      if (r.left < 4 || r.right > vw - 4) out.push(`touches the edge: ${label(el)}`);
    }
    if (dark) {
      const m = s.backgroundColor.match(/rgba?\\(([\\d.]+), ([\\d.]+), ([\\d.]+)(?:, ([\\d.]+))?/);
      const r = el.getBoundingClientRect();
      if (m && (m[4] === undefined || +m[4] > 0.5) && r.width * r.height > 2000) {
        const lum = (0.2126 * m[1] + 0.7152 * m[2] + 0.0722 * m[3]) / 255;
        if (lum > 0.75) out.push(`light box in dark mode: ${label(el)} (${s.backgroundColor})`);
      }
    }
  }
  return [...new Set(out)].slice(0, 12);
}"""


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


def _django(env: dict[str, str], code: str) -> None:
    subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=env,
        check=True,
    )


def _open_a_prompt(env: dict[str, str]) -> None:
    """Make the demo participant's next prompt come due now (in this throwaway data
    directory), so the prompt page can be pictured whatever the time of day."""
    _django(
        env,
        "import datetime as dt\n"
        "from django.utils import timezone\n"
        "from alongside.research.models import Prompt\n"
        "now = timezone.now()\n"
        f"p = Prompt.objects.filter(participant__user__email={PARTICIPANT!r},"
        " scheduled_at__gt=now).order_by('scheduled_at').first()\n"
        "p and Prompt.objects.filter(pk=p.pk).update("
        "scheduled_at=now - dt.timedelta(minutes=2), expires_at=now + dt.timedelta(minutes=28))",
    )


def _add_site_admin(env: dict[str, str]) -> None:
    """A site administrator with a verified address, in this throwaway data only."""
    _django(
        env,
        "from allauth.account.models import EmailAddress\n"
        "from alongside.accounts.models import User\n"
        f"u = User.objects.create_superuser({ADMIN!r}, {DEMO_PASSWORD!r},"
        " display_name='Site admin')\n"
        "EmailAddress.objects.create(user=u, email=u.email, verified=True, primary=True)",
    )


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
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


class Camera:
    """Saves one page at every wanted size and scheme, and says what it noticed."""

    def __init__(self, args: argparse.Namespace, out_dir: Path) -> None:
        self.args = args
        self.out_dir = out_dir
        self.sizes = [s for s in SIZES if not args.size or s in args.size]
        self.schemes = [s for s in SCHEMES if not args.scheme or s in args.scheme]
        self.count = 0  # pages
        self.files = 0

    def wanted(self, name: str) -> bool:
        return not self.args.only or any(word in name for word in self.args.only)

    def shoot(self, page: Any, name: str, again: Callable[[], None], problems: list[str]) -> None:
        """``page`` shows the page now; ``again()`` opens it afresh (for the next size)."""
        self.count += 1
        name = f"{self.count:03d}-{name}"
        notes: list[str] = list(dict.fromkeys(problems))
        for i, size in enumerate(self.sizes):
            page.set_viewport_size(SIZES[size])
            if i:
                problems.clear()
                again()
                notes += [p for p in dict.fromkeys(problems) if p not in notes]
            for scheme in self.schemes:
                page.emulate_media(color_scheme=scheme)
                target = self.out_dir / f"{name}-{size}-{scheme}.png"
                # As tall as the page, so the tab bar and sticky buttons sit where they
                # do at the end of scrolling, not across the middle of a long picture.
                tall = page.evaluate("document.documentElement.scrollHeight")
                page.set_viewport_size({**SIZES[size], "height": max(tall, SIZES[size]["height"])})
                # Two frames, so fixed parts (the tab bar) are painted at their new place.
                page.evaluate(_TWO_FRAMES)
                page.screenshot(path=str(target), full_page=True, animations="disabled")
                page.set_viewport_size(SIZES[size])
                self.files += 1
                for lint in page.evaluate(_LINT, scheme == "dark"):
                    notes.append(f"{size} {scheme}: {lint}")
            page.emulate_media(color_scheme="light")
        print(name, flush=True)
        for note in dict.fromkeys(notes):
            print(f"    {note}", flush=True)


def _as(
    browser: Any, base: str, who: str, seeds: list[str], seen: set[str], camera: Camera, limit: int
) -> None:
    """Crawl and picture the pages ``who`` (or someone signed out) reaches from ``seeds``."""
    context = browser.new_context(viewport=SIZES[camera.sizes[0]], base_url=base)
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = _watch(page)
    if who:
        _sign_in(page, who, DEMO_PASSWORD)
    problems.clear()

    def visit(path: str) -> None:
        name = f"{short(who)}-{slug(path)}"
        if page_shape(path) in pictured and not (who == ADMIN and path in seeds):
            return  # pictured already, as someone else
        if camera.wanted(name):
            camera.shoot(page, name, lambda: page.goto(path, wait_until="networkidle"), problems)
        problems.clear()
        page.set_viewport_size(SIZES[camera.sizes[0]])

    # The crawl opens each seed again (a seed someone else reached leads on to pages only
    # this person has: Mira's ladder and experiments), but pictures only the new kinds of
    # page, and the site administrator's seeds (the questionnaires waiting for wording).
    # A study participant's /research/ pages are not the ones a member sees there, and
    # someone signed out sees other pages altogether.
    pictured = set() if not who else set(seen)
    if who in CRAWL_FRESH:
        pictured = {k for k in pictured if not any(k.startswith(s) for s in seeds)}
    kinds = set() if who in CRAWL_FRESH else pictured - {page_shape(s) for s in seeds}
    crawl(page, seeds, limit=limit, visit=visit, seen=kinds)
    seen |= kinds
    for extra in EXTRAS:
        name = f"{short(who)}-{extra.name}"
        if extra.who == who and camera.wanted(name):
            problems.clear()
            extra.prepare(page)
            camera.shoot(page, name, lambda e=extra: e.prepare(page), problems)
    context.close()


def take(args: argparse.Namespace) -> int:
    from playwright.sync_api import sync_playwright

    out_dir = Path(args.out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    people = {who: seeds for who, seeds in PEOPLE.items() if not args.who or short(who) in args.who}
    if args.who and (unknown := set(args.who) - {short(w) for w in PEOPLE}):
        raise SystemExit(f"unknown person(s): {', '.join(sorted(unknown))} (see --list)")
    camera = Camera(args, out_dir)

    with tempfile.TemporaryDirectory(prefix="alongside-shots-") as data_dir:
        env = {
            **os.environ,
            "ALONGSIDE_DATA_DIR": data_dir,
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "alongside.settings",
            "EMAIL_HOST": "",  # the outbox, never a real mail server
        }
        env.pop("DATABASE_URL", None)  # a throwaway SQLite, never a real database
        _manage(env, "migrate", "--no-input", "-v", "0")
        _manage(env, "demo", "--quiet-logins")
        _open_a_prompt(env)
        _add_site_admin(env)
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
                seen: set[str] = set()
                for who, seeds in people.items():
                    _as(browser, base, who, seeds, seen, camera, args.limit)
                browser.close()
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    print(
        f"{camera.count} pages x {len(camera.sizes)} sizes x {len(camera.schemes)} schemes"
        f" = {camera.files} PNGs in {out_dir}"
    )
    return 0


_NAME = re.compile(
    r"^(?P<page>\d{3}-.+)-(?P<size>small|phone|desktop)-(?P<scheme>light|dark)\.png$"
)


def contact_sheets(out_dir: Path, part_height: int = 1700, parts: int = 3) -> int:
    """Tile the PNGs in ``out_dir`` into ``out_dir/sheets``: per page, phone sheets (360
    and 390 wide, light and dark, at full size) and desktop sheets (light and dark at
    60 %), small enough to read. A long page is split into parts of ``part_height``
    pixels (``-phone-2.png``...); beyond ``parts`` parts it is cut, under a red line."""
    from PIL import Image, ImageDraw

    pages: dict[str, dict[tuple[str, str], Path]] = {}
    for png in sorted(out_dir.glob("*.png")):
        if match := _NAME.match(png.name):
            pages.setdefault(match["page"], {})[(match["size"], match["scheme"])] = png
    sheets = out_dir / "sheets"
    sheets.mkdir(exist_ok=True)
    for old in sheets.glob("*.png"):
        old.unlink()
    gap, made = 12, 0
    phone = [("small", "light"), ("small", "dark"), ("phone", "light"), ("phone", "dark")]
    layouts = {"phone": (phone, 1.0), "desktop": ([("desktop", "light"), ("desktop", "dark")], 0.6)}
    for page_name, shots in pages.items():
        for sheet_name, (cells, scale) in layouts.items():
            images = []
            for cell in cells:
                if cell in shots:
                    with Image.open(shots[cell]) as img:
                        img = img.convert("RGB")
                    if scale != 1.0:
                        img = img.resize((round(img.width * scale), round(img.height * scale)))
                    images.append(img)
            if not images:
                continue
            tallest = max(i.height for i in images)
            count = min(parts, -(-tallest // part_height))
            for part in range(count):
                top = part * part_height
                height = min(part_height, tallest - top)
                width = sum(i.width for i in images) + gap * (len(images) + 1)
                sheet = Image.new("RGB", (width, height + 2 * gap), (128, 128, 128))
                draw = ImageDraw.Draw(sheet)
                x = gap
                for img in images:
                    if img.height > top:
                        sheet.paste(
                            img.crop((0, top, img.width, min(img.height, top + height))), (x, gap)
                        )
                    if part == count - 1 and img.height > top + height:
                        y = gap + height - 2
                        draw.line([(x, y), (x + img.width, y)], fill=(255, 0, 0), width=4)
                    x += img.width + gap
                suffix = f"-{part + 1}" if count > 1 else ""
                sheet.save(sheets / f"{page_name}-{sheet_name}{suffix}.png")
                made += 1
    print(f"{made} contact sheets in {sheets}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/screenshots.py",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument(
        "--out", default=str(ROOT / "screenshots"), help="folder for the PNGs (screenshots/)"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="WORD",
        help="only pages whose name (person-page) holds this, e.g. checkins (repeatable)",
    )
    parser.add_argument(
        "--who",
        action="append",
        metavar="PERSON",
        help="only crawl as this person: alice, mira, dana, rhea, p01, admin, signed-out",
    )
    parser.add_argument(
        "--size", action="append", choices=list(SIZES), help="only this size (repeatable)"
    )
    parser.add_argument(
        "--scheme", action="append", choices=SCHEMES, help="only light or dark (default both)"
    )
    parser.add_argument(
        "--dark", action="store_true", help="only dark mode (the same as --scheme dark)"
    )
    parser.add_argument(
        "--limit", type=int, default=80, help="at most this many pages per person (80)"
    )
    parser.add_argument(
        "--contact-sheet", action="store_true", help="then tile the PNGs into sheets/"
    )
    parser.add_argument(
        "--sheets-only", action="store_true", help="only tile the PNGs already in --out"
    )
    parser.add_argument(
        "--chromium",
        default=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        help="the Chromium to drive (default /usr/bin/chromium or $CHROMIUM_PATH)",
    )
    parser.add_argument("--list", action="store_true", help="list the people and exit")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the server's log")
    args = parser.parse_args(argv)
    if args.dark:
        args.scheme = ["dark"]
    if args.list:
        for who, seeds in PEOPLE.items():
            print(f"{short(who):12} crawls from {' '.join(seeds)}")
        for extra in EXTRAS:
            print(f"{short(extra.who):12} and {extra.name} (no link reaches it)")
        return 0
    if args.sheets_only:
        return contact_sheets(Path(args.out).resolve())
    if not Path(args.chromium).exists():
        parser.error(f"Chromium not found at {args.chromium} (apt-get install chromium)")
    # Stopped with kill: still stop the server and Chromium (the finally blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    status = take(args)
    if args.contact_sheet:
        status = status or contact_sheets(Path(args.out).resolve())
    return status


if __name__ == "__main__":
    sys.exit(main())
