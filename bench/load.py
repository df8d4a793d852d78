"""Pages under load: gunicorn (DEBUG off, 2 workers) on the demo data, wrk with 50 connections.

    .venv/bin/python bench/load.py --db sqlite
    .venv/bin/python bench/load.py --db postgres --duration 15

Seeds a fresh data directory (and, for PostgreSQL, a fresh database) with `alongside demo`,
starts gunicorn with ``BENCH_BARE_VIEW`` on, signs in the demo couple over HTTP, times the
couple page's first request after the start, then runs wrk against each page in turn and
prints p50/p95/p99, requests/s and each page's p95 against the bare view's, measured again
just before that page (a shared machine's speed drifts), with the load average. The seeded data directory (and database) is kept as a template
in ``--cache`` so a second run starts in seconds; ``--fresh`` seeds again.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PASSWORD = "alongside-demo"
ALICE = "alice@demo.alongside"
PG = "postgres://postgres@127.0.0.1:5432"

LUA = r"""
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
local htmx = os.getenv("BENCH_HTMX")
if htmx == "1" then wrk.headers["HX-Request"] = "true" end
local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary, latency, requests)
  local out = io.open(os.getenv("BENCH_OUT"), "w")
  out:write(string.format(
    '{"p50": %d, "p95": %d, "p99": %d, "requests": %d, "seconds": %f, "errors": %d}',
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout))
  out:close()
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def prepare(args: argparse.Namespace, env: dict[str, str]) -> dict[str, str]:
    """A data directory (and database) seeded with the demo, copied from the template."""
    cache = Path(args.cache) / args.db
    if args.fresh and cache.exists():
        shutil.rmtree(cache)
    template_db = "alongside_bench_template"
    if not (cache / "ready").exists():
        cache.mkdir(parents=True, exist_ok=True)
        seed_env = {**env, "ALONGSIDE_DATA_DIR": str(cache / "data")}
        if args.db == "postgres":
            subprocess.run(
                ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", template_db],
                check=True,
            )
            subprocess.run(
                ["createdb", "-h", "127.0.0.1", "-U", "postgres", template_db], check=True
            )
            seed_env["DATABASE_URL"] = f"{PG}/{template_db}"
        print("seeding the demo (once; kept in", cache, ")", flush=True)
        run([str(BIN / "alongside"), "manage", "migrate", "--no-input"], seed_env)
        run([str(BIN / "alongside"), "manage", "collectstatic", "--no-input"], seed_env)
        run([str(BIN / "alongside"), "demo"], seed_env)
        (cache / "ready").touch()
    data = Path(tempfile.mkdtemp(prefix="alongside-load-"))
    shutil.copytree(cache / "data", data, dirs_exist_ok=True, symlinks=True)
    out = {**env, "ALONGSIDE_DATA_DIR": str(data)}
    if args.db == "postgres":
        name = f"alongside_load_{os.getpid()}"
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", "-T", template_db, name], check=True
        )
        out["DATABASE_URL"] = f"{PG}/{name}"
    return out


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return str(response.read().decode())

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name and c.value is not None)

    def login(self, email: str) -> None:
        self.get("/accounts/login/")
        body = urllib.parse.urlencode(
            {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": self.cookie("csrftoken")}
        ).encode()
        request = urllib.request.Request(
            self.base + "/accounts/login/", data=body, headers={"Referer": self.base + "/"}
        )
        with self.opener.open(request, timeout=60) as response:
            response.read()
        self.cookie("sessionid")

    def header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def wait_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not answer")


def drain(base: str) -> None:
    """Wait until requests queued by the last wrk run (whose clients left) are served:
    a sync worker answers them anyway, and the next page would be timed behind them."""
    deadline = time.monotonic() + 180
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        t0 = time.perf_counter()
        urllib.request.urlopen(base + "/healthz", timeout=180).read()
        quick = quick + 1 if time.perf_counter() - t0 < 0.2 else 0


_TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of every process still running."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        found.append((int(entry.name), int(stat.rsplit(")", 1)[1].split()[1]), cmdline))
    return found


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU the processes used so far (those that ended are not counted)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / _TICK


class CpuMeter:
    """CPU per request spent by the web server (gunicorn and its workers) and by the
    database server (PostgreSQL's backends for the benchmark's database; SQLite runs
    inside the web workers), so a page's cost can be told apart from its queries'."""

    def __init__(self, web_pid: int, database: str | None) -> None:
        self.web_pid, self.database = web_pid, database

    def pids(self) -> tuple[list[int], list[int]]:
        running = _processes()
        web = [pid for pid, parent, _ in running if self.web_pid in (pid, parent)]
        title = f" {self.database} " if self.database else None
        db = [
            pid for pid, _, cmd in running if title and cmd.startswith("postgres:") and title in cmd
        ]
        return web, db

    def __enter__(self) -> CpuMeter:
        web, db = self.pids()
        self.start = (_cpu_seconds(web), _cpu_seconds(db))
        self.started_pids = (set(web), set(db))
        return self

    def __exit__(self, *exc: object) -> None:
        web, db = self.pids()
        # A process that started during the run counts from zero; one that ended is lost
        # (a PostgreSQL backend replaced after CONN_MAX_AGE): the numbers are a floor.
        self.web = _cpu_seconds(web) - self.start[0] * bool(self.started_pids[0] & set(web))
        self.db = _cpu_seconds(db) - self.start[1] * bool(self.started_pids[1] & set(db))


def wrk(
    url: str,
    cookie: str,
    *,
    htmx: bool,
    args: argparse.Namespace,
    lua: Path,
    meter: CpuMeter | None = None,
) -> dict:
    out = lua.with_suffix(".json")
    env = {
        **os.environ,
        "BENCH_COOKIE": cookie,
        "BENCH_HTMX": "1" if htmx else "0",
        "BENCH_OUT": str(out),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    if meter is not None:
        meter.__enter__()
    subprocess.run(
        [
            args.wrk,
            "-t2",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--timeout",
            "30s",
            "-s",
            str(lua),
            url,
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    result = dict(json.loads(out.read_text()))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    requests = max(result["requests"], 1)
    result["wrk_cpu_ms"] = (
        (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000 / requests
    )
    if meter is not None:
        meter.__exit__()
        result["web_cpu_ms"] = meter.web * 1000 / requests
        result["db_cpu_ms"] = meter.db * 1000 / requests
    return result


def query_counts(env: dict[str, str], paths: dict[str, tuple[str, bool]]) -> dict[str, int]:
    """Queries one request of each page makes (Django's test client, same database)."""
    code = (
        "import json, sys, django\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "from alongside.accounts.models import User\n"
        "c = Client()\n"
        f"c.force_login(User.objects.get(email={ALICE!r}))\n"
        "out = {}\n"
        "for name, (path, htmx) in json.loads(sys.argv[2]).items():\n"
        "    headers = {'HX-Request': 'true'} if htmx else {}\n"
        "    c.get(path, headers=headers)\n"
        "    with CaptureQueriesContext(connection) as q:\n"
        "        r = c.get(path, headers=headers)\n"
        "    out[name] = len(q)\n"
        "print(json.dumps(out))\n"
    )
    shell = [
        str(BIN / "python"),
        "-c",
        "import os, sys, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
        "'alongside.settings'); django.setup(); exec(sys.argv[1])",
        code,
        json.dumps(paths),
    ]
    done = subprocess.run(shell, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        print(done.stderr[-3000:], file=sys.stderr)
        return {}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "alongside-bench"))
    parser.add_argument("--fresh", action="store_true", help="seed the demo again")
    parser.add_argument(
        "--only",
        nargs="*",
        help="pages to run, by name or its start: home partner week api (the bare view always runs)",
    )
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()

    base_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    base_env.update(
        {
            "SECURE_COOKIES": "false",
            "EMAIL_HOST": "",
            "DEBUG": "false",
            "BENCH_BARE_VIEW": "true",
            "RATE_LIMITS_DISABLED": "true",
        }
    )
    env = prepare(args, base_env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "alongside.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "300",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        started = time.perf_counter()
        wait_up(base, proc)
        print(f"gunicorn answered after {time.perf_counter() - started:.1f} s", flush=True)
        alice = Browser(base)
        alice.login(ALICE)
        couple = "/insights/couple/2/"
        t0 = time.perf_counter()
        alice.get(couple)
        first_couple = time.perf_counter() - t0
        print(f"couple page, first request after the start: {first_couple * 1000:.0f} ms")
        week = alice.get("/together/2/")
        poll = re.search(r'hx-get="(/together/sessions/\d+/prompts/[\w-]+/)"', week)
        if poll is None:
            found = re.search(r"(/together/sessions/\d+/prompts/[\w-]+/)", week)
            poll = found
        pages: dict[str, tuple[str, bool]] = {
            "bare view": ("/bench/bare/", False),
            "home": ("/", False),
            "check-in (GET)": ("/checkin/", False),
            "history, 30 days": ("/checkins/?range=30", False),
            "partner page": ("/circle/links/2/", False),
            "couple patterns": (couple, False),
            "together week": ("/together/2/", False),
            "together poll": (poll.group(1) if poll else "/together/2/", True),
            "API check-in list": ("/api/v1/checkins/", False),
        }
        if args.only:
            pages = {
                k: v
                for k, v in pages.items()
                if k == "bare view" or any(k.startswith(o) for o in args.only)
            }
        cookie = alice.header()
        lua = Path(tempfile.mkdtemp()) / "session.lua"
        lua.write_text(LUA)
        results: dict[str, dict] = {}
        paired: dict[str, dict] = {}  # the bare view measured just before each page
        for path, htmx in pages.values():  # every worker has served each page once
            warm = {
                **os.environ,
                "BENCH_COOKIE": cookie,
                "BENCH_HTMX": "1" if htmx else "0",
                "BENCH_OUT": str(lua.with_suffix(".warm")),
            }
            subprocess.run(
                [args.wrk, "-t1", "-c4", "-d2s", "--timeout", "60s", "-s", str(lua), base + path],
                env=warm,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        bare_path = pages["bare view"][0]
        database = env["DATABASE_URL"].rsplit("/", 1)[1] if args.db == "postgres" else None
        meter = CpuMeter(proc.pid, database)
        for name, (path, htmx) in pages.items():
            if name != "bare view":
                # The bare view again, just before the page: a shared machine's speed
                # drifts from minute to minute, and each page is compared with the bare
                # view of its own minute.
                drain(base)
                paired[name] = wrk(base + bare_path, cookie, htmx=False, args=args, lua=lua)
            drain(base)
            results[name] = wrk(base + path, cookie, htmx=htmx, args=args, lua=lua, meter=meter)
            load = os.getloadavg()[0]
            results[name]["load"] = load
            r = results[name]
            print(
                f"  {name:<20} p95 {r['p95'] / 1000:7.1f} ms  {r['requests'] / r['seconds']:6.0f}"
                f" req/s  errors {r['errors']}  load {load:.2f}",
                flush=True,
            )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    queries = query_counts(env, pages)
    print(
        f"\n{args.db}, {args.connections} connections, {args.workers} workers, "
        f"{args.duration} s per page, {os.cpu_count()} CPUs, "
        f"load average {' / '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(
        "| page | p50 | p95 | p99 | req/s | bare p95 just before | × bare (p95) | queries "  # noqa: RUF001
        "| CPU per request: web / database / wrk | load |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        bare = paired.get(name, results["bare view"])["p95"]
        r["bare_p95"] = bare
        print(
            f"| {name} | {r['p50'] / 1000:.1f} ms | {r['p95'] / 1000:.1f} ms | "
            f"{r['p99'] / 1000:.1f} ms | {r['requests'] / r['seconds']:.0f} | "
            f"{bare / 1000:.1f} ms | {r['p95'] / bare:.1f}× | {queries.get(name, '?')} | "  # noqa: RUF001
            f"{r.get('web_cpu_ms', 0):.2f} / {r.get('db_cpu_ms', 0):.2f} / "
            f"{r['wrk_cpu_ms']:.2f} ms | {r['load']:.2f} |"
        )
    print(f"\ncouple page, first request after a fresh start: {first_couple * 1000:.0f} ms")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "db": args.db,
                    "results": results,
                    "queries": queries,
                    "first_couple_ms": first_couple * 1000,
                },
                indent=1,
            )
        )
    if args.db == "postgres":
        subprocess.run(
            [
                "dropdb",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "--if-exists",
                env["DATABASE_URL"].rsplit("/", 1)[1],
            ],
            check=False,
        )
    shutil.rmtree(env["ALONGSIDE_DATA_DIR"], ignore_errors=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
