"""Instructions per request of the busiest pages, counted by callgrind.

    .venv/bin/python bench/page_instructions.py                 # every page, SQLite
    .venv/bin/python bench/page_instructions.py home partner -n 5
    .venv/bin/python bench/page_instructions.py --db postgres    # the web side only

On a shared machine a page's time drifts by tens of per cent from one minute to the next;
the number of instructions it takes does not. This runs the pages through Django's test
client as Alice, on a copy of ``bench/load.py``'s seeded SQLite data (run that once
first), under ``valgrind --tool=callgrind``, zeroing the counters before each page's
requests and reading them after (``callgrind_control``). It takes a few minutes: Python
under valgrind runs some fifty times slower. With ``--db postgres`` it runs on a copy of
the load benchmark's PostgreSQL database instead; what the PostgreSQL server does is not
counted, only what the web process does (psycopg included).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["bare", "home", "checkin", "history", "partner", "week", "poll", "api"]


PG = "postgres://postgres@127.0.0.1:5432"
TEMPLATE_DB = "alongside_bench_template"  # bench/load.py's


def _measure(pages: list[str], n: int, data: Path, database_url: str | None) -> None:
    """Inside valgrind: warm each page up, then count ``n`` requests of it."""
    os.environ.update(
        ALONGSIDE_DATA_DIR=str(data),
        DEBUG="false",
        ALLOWED_HOSTS="testserver",
        BENCH_BARE_VIEW="true",
        RATE_LIMITS_DISABLED="true",
        DJANGO_SETTINGS_MODULE="alongside.settings",
    )
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    from alongside.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email="alice@demo.alongside"))
    week = client.get("/together/2/").content.decode()
    poll = re.search(r"(/together/sessions/\d+/prompts/[\w-]+/)", week)
    paths = {
        "bare": ("/bench/bare/", False),
        "home": ("/", False),
        "checkin": ("/checkin/", False),
        "history": ("/checkins/?range=30", False),
        "partner": ("/circle/links/2/", False),
        "week": ("/together/2/", False),
        "poll": (poll.group(1) if poll else "/together/2/", True),
        "api": ("/api/v1/checkins/", False),
    }

    def get(page: str) -> None:
        path, htmx = paths[page]
        response = client.get(path, headers={"HX-Request": "true"} if htmx else {})
        if response.status_code != 200:
            raise SystemExit(f"{page}: {path} answered {response.status_code}")

    pid = str(os.getpid())
    for page in pages:
        for _ in range(5):
            get(page)
        subprocess.run(["callgrind_control", "-z", pid], capture_output=True, check=False)
        time.sleep(0.5)  # callgrind acts on the request between two basic blocks
        for _ in range(n):
            get(page)
        subprocess.run(["callgrind_control", "-d", page, pid], capture_output=True, check=False)
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="*", help=f"some of: {', '.join(PAGES)} (all)")
    parser.add_argument("-n", type=int, default=3, help="requests counted per page")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "alongside-bench"))
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--inside", help=argparse.SUPPRESS)  # the run under valgrind
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    pages = args.pages or PAGES
    unknown = sorted(set(pages) - set(PAGES))
    if unknown:
        parser.error(f"unknown pages: {', '.join(unknown)} (some of: {', '.join(PAGES)})")
    if args.inside:
        _measure(pages, args.n, Path(args.inside), args.database_url)
        return
    seeded = Path(args.cache) / args.db / "data"
    if not seeded.exists():
        raise SystemExit(f"no seeded data in {seeded}: run bench/load.py --db {args.db} once")
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    work = Path(tempfile.mkdtemp(prefix="alongside-instr-"))
    data = work / "data"
    shutil.copytree(seeded, data, symlinks=True)
    database = f"alongside_instr_{os.getpid()}"
    database_args = []
    if args.db == "postgres":
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", "-T", TEMPLATE_DB, database],
            check=True,
        )
        database_args = ["--database-url", f"{PG}/{database}"]
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={work}/cg.%p",
        sys.executable,
        __file__,
        *pages,
        "-n",
        str(args.n),
        "--inside",
        str(data),
        *database_args,
    ]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    finally:
        if args.db == "postgres":
            subprocess.run(
                ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database],
                check=False,
            )
    counts = {}
    for dump in work.glob("cg.*.*"):
        text = dump.read_text(errors="replace")
        name = re.search(r"^desc: Trigger: .*dump (\w+)", text, re.M)
        total = re.search(r"^summary: (\d+)", text, re.M)
        if name and total:
            counts[name.group(1)] = int(total.group(1)) / args.n
    if not counts:
        print(done.stderr[-3000:], file=sys.stderr)
        raise SystemExit("callgrind wrote no counts")
    bare = counts.get("bare")
    print("| page | instructions per request | × bare |")  # noqa: RUF001
    print("|---|---|---|")
    for page in pages:
        if page in counts:
            ratio = f"{counts[page] / bare:.1f}×" if bare else ""  # noqa: RUF001
            print(f"| {page} | {counts[page] / 1e6:.1f} M | {ratio} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
