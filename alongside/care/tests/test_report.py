"""The PDF session report: only what the client shares, logged in their access log, a
clear message next to the field for a bad period, and a PDF a person can read."""

from __future__ import annotations

import datetime as dt
import math
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from alongside.accounts.models import AccessLogEntry
from alongside.assessments.models import ReliableChangeFigures
from alongside.assessments.results import number
from alongside.assessments.spec import ReliableChangeParams, Source
from alongside.care.models import Alert, CareEvent
from alongside.care.tests.test_fhir import ecr_answers, finished
from alongside.checkins.models import CheckIn
from alongside.circle.models import Grant
from alongside.together.models import Agreement, Session
from conftest import link_people, link_therapist, make_therapist

NOTE = "UNSHARED-NOTE-TEXT-6b1f"
PRIVATE = "PRIVATE-DAY-NOTE-0c4e"


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils (.ci/run does)")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())  # one line: table cells wrap


def seed_client(client: Any, *, days: int = 70) -> None:
    """Daily check-ins with a note each day, one private day, two questionnaires."""
    today = client.local_today()
    for i in range(days):
        CheckIn.objects.create(
            owner=client,
            day=today - dt.timedelta(days=i),
            mood=3 + i % 5,
            need_trust=2 + i % 3,
            note=f"{NOTE} {i}",
        )
    CheckIn.objects.filter(owner=client, day=today - dt.timedelta(days=3)).update(
        note=PRIVATE, is_private=True
    )
    finished(client, "ecr-r", ecr_answers(6), days_ago=50)
    finished(client, "ecr-r", ecr_answers(3), days_ago=5)


@pytest.fixture
def shared(alice: Any, dana: Any) -> Any:
    """dana is alice's therapist; alice shares mood and questionnaire results, not notes."""
    make_therapist(dana)
    seed_client(alice)
    return link_therapist(alice, dana, shares=["mood", "assessments"])


def _period(user: Any, days: int = 84) -> str:
    today = user.local_today()
    return f"start={today - dt.timedelta(days=days - 1)}&end={today}"


def _pdf(response: Any) -> bytes:
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="alongside-report-')
    content = bytes(response.content)
    assert content.startswith(b"%PDF")
    return content


def test_the_report_shows_shared_scores_and_nothing_unshared(
    alice: Any, dana: Any, shared: Any, reauthed: Callable[..., Client], tmp_path: Path
) -> None:
    text = pdf_text(
        _pdf(reauthed(dana).get(f"/care/clients/{shared.pk}/report.pdf?{_period(alice)}")), tmp_path
    )
    assert "Alice" in text and "shared by the client" in text
    assert "Experiences in Close Relationships" in text
    assert "Attachment-related anxiety" in text
    first, latest = (t.values()["anxiety"] for t in alice.assessment_takes.order_by("completed_at"))
    assert f"{number(first)} {number(latest)} \u2212{number(first - latest)}" in text
    assert "can't be worked out yet" in text  # no published figures installed here
    assert "Mood" in text
    assert NOTE not in text and PRIVATE not in text  # notes are not shared
    assert "Needs met" not in text and "Agreements" not in text
    assert "Page 1 of" in text


def test_making_it_is_logged_for_the_client_and_recorded_for_the_therapist(
    alice: Any, dana: Any, shared: Any, reauthed: Callable[..., Client]
) -> None:
    _pdf(reauthed(dana).get(f"/care/clients/{shared.pk}/report.pdf?{_period(alice)}"))
    entry = AccessLogEntry.objects.get(owner=alice)
    assert entry.viewer == dana
    assert set(entry.categories) == {"mood", "assessments"}
    assert any("session report" in d for d in entry.details)
    event = CareEvent.objects.get(therapist=dana, action="report")
    assert event.care_link == shared
    assert event.detail["end"] == alice.local_today().isoformat()


def test_reliable_change_shows_once_published_figures_are_installed(
    alice: Any, dana: Any, shared: Any, reauthed: Callable[..., Client], tmp_path: Path
) -> None:
    ReliableChangeFigures.install(
        "ecr-r",
        "anxiety",
        ReliableChangeParams(
            sd=1.0,
            reliability=0.8,
            reliability_kind="test-retest",
            sources=(Source(citation="Figures for this test only, not from a publication"),),
        ),
        installed_by="test",
    )
    text = pdf_text(
        _pdf(reauthed(dana).get(f"/care/clients/{shared.pk}/report.pdf?{_period(alice)}")),
        tmp_path,
    )
    first, latest = (t.values()["anxiety"] for t in alice.assessment_takes.order_by("completed_at"))
    rci = (latest - first) / (1.0 * math.sqrt(2 * (1 - 0.8)))  # Jacobson and Truax (1991)
    assert rci < -1.96
    assert f"\u2212{number(abs(rci))}" in text


def test_shared_notes_appear_but_never_a_private_day(
    alice: Any, dana: Any, reauthed: Callable[..., Client], tmp_path: Path
) -> None:
    make_therapist(dana)
    seed_client(alice)
    care = link_therapist(alice, dana, shares=["notes"])
    text = pdf_text(
        _pdf(reauthed(dana).get(f"/care/clients/{care.pk}/report.pdf?{_period(alice)}")), tmp_path
    )
    assert f"{NOTE} 0" in text
    assert PRIVATE not in text
    assert "Experiences in Close Relationships" not in text  # results are not shared


def test_alerts_and_agreements_appear_for_the_therapist(
    alice: Any, ben: Any, dana: Any, shared: Any, reauthed: Callable[..., Client], tmp_path: Path
) -> None:
    take = alice.assessment_takes.order_by("-completed_at").first()
    Alert.objects.create(
        care_link=shared,
        kind="deterioration",
        instrument_id="ecr-r",
        subscale_id="anxiety",
        take=take,
    )
    couple = link_people(alice, ben, inviter_shares=["together"], invitee_shares=["together"])
    today = alice.local_today()
    session = Session.for_week(couple, today - dt.timedelta(days=today.weekday() + 7))
    Agreement.objects.create(
        session=session, text="AGREED-WALK-ON-SUNDAY", owner=alice, created_by=alice
    )
    Agreement.objects.create(session=session, text="BENS-OWN-AGREEMENT", owner=ben, created_by=ben)
    url = f"/care/clients/{shared.pk}/report.pdf?{_period(alice)}"
    text = pdf_text(_pdf(reauthed(dana).get(url)), tmp_path)
    assert "Reliable deterioration" in text and "open" in text
    assert "AGREED-WALK-ON-SUNDAY" not in text  # alice does not share "together" with dana
    grant = Grant.objects.get(owner=alice, grantee=dana)
    grant.categories = [*grant.categories, "together"]
    grant.save()
    text = pdf_text(_pdf(reauthed(dana).get(url)), tmp_path)
    assert "AGREED-WALK-ON-SUNDAY" in text
    assert "BENS-OWN-AGREEMENT" not in text  # ben's, not alice's


def test_the_client_never_sees_alerts_in_their_own_report(
    alice: Any, dana: Any, shared: Any, reauthed: Callable[..., Client], tmp_path: Path
) -> None:
    take = alice.assessment_takes.first()
    Alert.objects.create(
        care_link=shared,
        kind="deterioration",
        instrument_id="ecr-r",
        subscale_id="anxiety",
        take=take,
    )
    client = reauthed(alice)
    own = pdf_text(_pdf(client.get(f"/care/my/report.pdf?{_period(alice)}")), tmp_path)
    assert f"{NOTE} 0" in own and PRIVATE in own  # everything of hers, private days too
    assert "Reliable deterioration" not in own
    preview = pdf_text(
        _pdf(client.get(f"/care/my/report.pdf?{_period(alice)}&seen_by={shared.pk}")), tmp_path
    )
    assert NOTE not in preview  # exactly what dana gets: no notes
    assert "Attachment-related anxiety" in preview
    assert "Reliable deterioration" not in preview
    assert not AccessLogEntry.objects.exists()  # her own look is nobody's visit


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("start=2026-05-10&end=2026-05-01", "end", "The end comes before the start"),
        ("start=someday&end=2026-05-01", "start", "Enter a date"),
        ("start=2026-02-30&end=2026-05-01", "start", "Enter a date"),
        ("start=1990-01-01&end=1990-02-01", "start", "shares nothing from these dates"),
        ("start=2020-01-01&end=2026-01-01", "start", "at most two years"),
    ],
)
def test_a_bad_period_gets_a_message_next_to_the_field(
    alice: Any,
    dana: Any,
    shared: Any,
    reauthed: Callable[..., Client],
    query: str,
    field: str,
    message: str,
) -> None:
    client = reauthed(dana)
    page = client.get(f"/care/clients/{shared.pk}/report/?{query}")
    assert page.status_code == 200
    html = page.content.decode().replace("&#x27;", "'")
    assert f'id="id_{field}_error"' in html
    assert message in html.split(f'id="id_{field}_error"', 1)[1][:200]
    # The PDF address with the same input goes back to the form: never an empty PDF.
    response = client.get(f"/care/clients/{shared.pk}/report.pdf?{query}")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/care/clients/{shared.pk}/report/?")
    assert not CareEvent.objects.filter(action="report").exists()


def test_the_form_offers_the_last_twelve_weeks_and_goes_on_to_the_pdf(
    alice: Any, dana: Any, shared: Any, reauthed: Callable[..., Client]
) -> None:
    client = reauthed(dana)
    page = client.get(f"/care/clients/{shared.pk}/report/").content.decode()
    today = alice.local_today()
    assert f'value="{today - dt.timedelta(weeks=12, days=-1)}"' in page
    assert f'value="{today}"' in page
    response = client.get(f"/care/clients/{shared.pk}/report/?{_period(alice)}")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/care/clients/{shared.pk}/report.pdf?start=")


def test_only_the_clients_therapist_gets_the_report(
    alice: Any, dana: Any, eve: Any, shared: Any, reauthed: Callable[..., Client]
) -> None:
    make_therapist(eve)
    for who in (eve, alice):
        client = reauthed(who)
        assert client.get(f"/care/clients/{shared.pk}/report/").status_code == 404
        assert (
            client.get(f"/care/clients/{shared.pk}/report.pdf?{_period(alice)}").status_code == 404
        )
    assert not AccessLogEntry.objects.exists()


def test_a_pdf_page_renders_to_an_image(
    alice: Any, dana: Any, shared: Any, reauthed: Callable[..., Client], tmp_path: Path
) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: apt-get install poppler-utils (.ci/run does)")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(
        _pdf(reauthed(dana).get(f"/care/clients/{shared.pk}/report.pdf?{_period(alice)}"))
    )
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    [page] = list(tmp_path.glob("page*.png"))
    assert page.read_bytes().startswith(b"\x89PNG")
    assert page.stat().st_size > 5000  # something drawn, not a blank page


def test_a_share_that_ended_reads_nothing(
    alice: Any, dana: Any, reauthed: Callable[..., Client]
) -> None:
    """The grant is read on every request: once it ends, the report has nothing."""
    make_therapist(dana)
    seed_client(alice)
    care = link_therapist(alice, dana, shares=["mood"])
    Grant.objects.filter(owner=alice, grantee=dana).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    client = reauthed(dana)
    page = client.get(f"/care/clients/{care.pk}/report/?{_period(alice)}")
    assert "shares nothing from these dates" in page.content.decode().replace("&#x27;", "'")
    assert client.get(f"/care/clients/{care.pk}/report.pdf?{_period(alice)}").status_code == 302
    assert not AccessLogEntry.objects.exists()


def test_my_own_report_form_explains_an_empty_period_for_either_eyes(
    alice: Any, dana: Any, shared: Any, reauthed: Callable[..., Client]
) -> None:
    client = reauthed(alice)
    page = client.get("/care/my/report/?start=1990-01-01&end=1990-02-01").content.decode()
    assert "There is nothing of yours from these dates yet." in page
    seen = f"/care/my/report/?start=1990-01-01&end=1990-02-01&seen_by={shared.pk}"
    assert "Dana would see nothing of yours" in client.get(seen).content.decode()
    response = client.get(f"/care/my/report/?{_period(alice)}&seen_by={shared.pk}")
    assert response["Location"] == f"/care/my/report.pdf?{_period(alice)}&seen_by={shared.pk}"


def test_nobody_can_preview_through_the_eyes_of_a_therapist_not_theirs(
    alice: Any, ben: Any, dana: Any, shared: Any, reauthed: Callable[..., Client]
) -> None:
    seed_client(ben)
    client = reauthed(ben)
    page = client.get(f"/care/my/report/?{_period(ben)}&seen_by={shared.pk}").content.decode()
    assert 'id="id_seen_by_error"' in page
    response = client.get(f"/care/my/report.pdf?{_period(ben)}&seen_by={shared.pk}")
    assert response.status_code == 302 and response["Location"].startswith("/care/my/report/?")


def test_my_own_report_defaults_to_the_last_twelve_weeks(
    alice: Any, reauthed: Callable[..., Client], tmp_path: Path
) -> None:
    seed_client(alice)
    text = pdf_text(_pdf(reauthed(alice).get("/care/my/report.pdf")), tmp_path)
    assert "your own summary" in text and "(84 days)" in text
