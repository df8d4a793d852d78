"""How long a therapist's PDF session report of a year takes, against a bare view.

Run from the repository: ``.venv/bin/python bench/care_report.py [--days 365] [--runs 3]
[--profile] [--keep FOLDER]``. It builds a fresh SQLite database in a temporary folder,
seeds a client with a year of daily check-ins (the demo's generator), a questionnaire a
month (two instruments), practice experiments, weekly agreements and a few alerts, all
shared with a therapist (notes excepted), then fetches, through the whole Django stack
with a signed-in and re-authenticated therapist:

- a bare ``HttpResponse`` view (the floor: middleware, session, routing), and
- ``care:report`` for the whole year,

and prints the median seconds of each and their ratio. The target is under 5 s for the
report. ``--profile`` prints the top of a cProfile of one report; ``--keep`` writes the
PDF there to look at.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_SECONDS = 5.0
PASSWORD = "bench password, long enough 42"


def _setup(folder: Path) -> None:
    os.environ["ALONGSIDE_DATA_DIR"] = str(folder)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.settings")
    os.environ.setdefault("SITE_URL", "http://testserver")
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ACCOUNT_RATE_LIMITS = False
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bare(request: object) -> object:
    from django.http import HttpResponse

    return HttpResponse(b"ok")


urlpatterns: list[object] = []


def _urls() -> None:
    from django.urls import include, path

    urlpatterns.extend([path("bench/bare/", bare), path("", include("alongside.urls"))])


def _person(email: str, name: str) -> object:
    from allauth.account.models import EmailAddress

    from alongside.accounts.models import User

    user = User.objects.create_user(email, PASSWORD, display_name=name, time_zone="Europe/Berlin")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _take(owner: object, spec: object, when: dt.datetime, level: float, rng: object) -> object:
    from alongside.assessments.models import COMPLETE, Take, scores_to_data
    from alongside.assessments.scoring import score

    answers = {}
    for item in spec.items:  # type: ignore[attr-defined]
        span = item.scale.max - item.scale.min
        value = item.scale.min + round(span * min(1.0, max(0.0, level + rng.normal(0, 0.12))))
        answers[item.id] = int(value)
    relationship = spec.about.relationships[0] if spec.about.kind == "relationship" else ""  # type: ignore[attr-defined]
    return Take(
        owner=owner,
        instrument_id=spec.id,  # type: ignore[attr-defined]
        instrument_version=spec.version,  # type: ignore[attr-defined]
        relationship=relationship,
        answers=answers,
        status=COMPLETE,
        scores=scores_to_data(score(spec, answers)),  # type: ignore[arg-type]
        started_at=when,
        completed_at=when,
    )


def seed(days: int) -> tuple[object, object, object]:
    """A therapist, their client (a year of data, shared but for notes), the care link."""
    import numpy as np
    from django.utils import timezone

    from alongside.accounts import demo
    from alongside.assessments.models import Take, instrument
    from alongside.care.models import Alert, CareLink, TherapistProfile
    from alongside.circle.models import Invitation
    from alongside.circle.services import invitation_accept
    from alongside.practice.models_experiments import RelianceExperiment
    from alongside.together.models import Agreement, Session

    rng = np.random.default_rng(11)
    therapist = _person("therapist@bench.example", "Dr Rowan Hale")
    client = _person("client@bench.example", "Mira Lindqvist")
    partner = _person("partner@bench.example", "Sam")
    profile = TherapistProfile.objects.create(user=therapist, profession="Psychologist")
    profile.verify(by="bench")
    invitation = Invitation.objects.create(inviter=therapist, kind="client", scope=[])
    shares = ["mood", "needs", "support", "assessments", "practice", "together"]
    link = invitation_accept(invitation=invitation, user=client, scope=shares)
    care = CareLink.objects.get(link=link)
    couple = invitation_accept(
        invitation=Invitation.objects.create(inviter=client, kind="partner", scope=["together"]),
        user=partner,
        scope=["together"],
    )
    demo.seed_checkins(client, demo.mira_feelings(days, rng), rng=rng)  # type: ignore[arg-type]
    now = timezone.now()
    takes = []
    for spec_id, start_level in (("ecr-r", 0.62), ("alongside-safety-needs", 0.35)):
        spec = instrument(spec_id)
        for month in range(days // 30, -1, -1):
            level = start_level + (0.3 if spec_id != "ecr-r" else -0.3) * (1 - month / 12)
            takes.append(_take(client, spec, now - dt.timedelta(days=30 * month + 1), level, rng))
    Take.objects.bulk_create(takes)
    ecr = [
        t for t in Take.objects.filter(owner=client, instrument_id="ecr-r").order_by("completed_at")
    ]
    Alert.objects.create(
        care_link=care,
        kind="deterioration",
        instrument_id="ecr-r",
        subscale_id="anxiety",
        take=ecr[len(ecr) // 2],
        created_at=ecr[len(ecr) // 2].completed_at,
        acknowledged_at=ecr[len(ecr) // 2].completed_at + dt.timedelta(days=2),
    )
    Alert.objects.create(
        care_link=care,
        kind="off_track",
        instrument_id="ecr-r",
        subscale_id="avoidance",
        take=ecr[-1],
        created_at=ecr[-1].completed_at,
    )
    experiments = []
    for week in range(days // 7, 0, -2):
        when = now - dt.timedelta(weeks=week)
        expected = int(rng.integers(40, 90))
        felt = max(0, expected - int(rng.integers(-10, 45)))
        experiments.append(
            RelianceExperiment(
                owner=client,
                direction="ask",
                person_text="a friend",
                belief="BENCH-BELIEF: asking makes me a burden",
                belief_before=70,
                prediction="they will sigh",
                prediction_likelihood=60,
                discomfort_expected=expected,
                happened="they were glad to help",
                came_true="no",
                discomfort_felt=felt,
                belief_after=50,
                discomfort_error=felt - expected,
                went_better=felt < expected,
                after_at=when,
            )
        )
    RelianceExperiment.objects.bulk_create(experiments)
    today = client.local_today()  # type: ignore[attr-defined]
    monday = today - dt.timedelta(days=today.weekday())
    for week in range(min(days // 7, 52), 0, -4):
        session = Session.for_week(couple, monday - dt.timedelta(weeks=week))
        Agreement.objects.create(
            session=session,
            text=[
                "A walk together on Sunday",
                "Phones away at dinner",
                "Ask before planning the weekend",
            ][week % 3],
            owner=client,
            created_by=client,
            done_at=now if week > 8 else None,
        )
    return therapist, client, care


def _signed_in(user: object) -> object:
    from django.test import Client

    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})  # type: ignore[attr-defined]
    assert response.status_code == 302, response.status_code
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def _median(runs: int, fetch: object) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fetch()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="alongside-bench-") as folder:
        _setup(Path(folder))
        _urls()
        from django.urls import reverse

        started = time.perf_counter()
        therapist, client, care = seed(args.days)
        print(f"seeded {args.days} days in {time.perf_counter() - started:.1f} s")
        browser = _signed_in(therapist)
        today = client.local_today()  # type: ignore[attr-defined]
        start = today - dt.timedelta(days=args.days - 1)
        url = f"{reverse('care:report', args=[care.pk])}?start={start}&end={today}"  # type: ignore[attr-defined]

        def report() -> bytes:
            response = browser.get(url)  # type: ignore[attr-defined]
            assert response.status_code == 200, (response.status_code, response.get("Location"))
            assert response["Content-Type"] == "application/pdf"
            return bytes(response.content)

        def floor() -> None:
            assert browser.get("/bench/bare/").status_code == 200  # type: ignore[attr-defined]

        pdf = report()  # warm: templates, fonts, instruments
        floor()
        bare_s = _median(args.runs * 10, floor)
        report_s = _median(args.runs, report)
        print(f"{'bare HttpResponse view':<28} {bare_s * 1000:9.2f} ms")
        print(f"{'report, ' + str(args.days) + ' days':<28} {report_s * 1000:9.2f} ms")
        print(f"ratio report / bare: {report_s / bare_s:,.0f}x; PDF {len(pdf) / 1024:.0f} KiB")
        verdict = "under" if report_s < TARGET_SECONDS else "OVER"
        print(f"report: {report_s:.2f} s, {verdict} the {TARGET_SECONDS:.0f} s target")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / "care-report.pdf").write_bytes(pdf)
            print(f"wrote {args.keep / 'care-report.pdf'}")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(report)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
