"""Add a therapist to the seeded demo, for looking at the care pages (screenshots).

Run after ``manage.py demo`` against a throwaway data directory (scripts/screenshots.py
does): Dana (dana@demo.alongside, the demo password) is a verified therapist; Mira,
Alice and Ben are her clients, each sharing something different; Alice and Ben both
chose to be seen side by side. The reliable-change figures it installs are DEMO FIGURES
ONLY, made up and cited as such, so a verdict can be seen on the page: never use them.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.settings")

DANA = ("dana@demo.alongside", "Dana", "Europe/London")


def _take(owner: Any, instrument_id: str, scores: dict[str, float], days_ago: int) -> Any:
    from django.utils import timezone

    from alongside.assessments.models import COMPLETE, Take

    when = timezone.now() - dt.timedelta(days=days_ago)
    return Take.objects.create(
        owner=owner,
        instrument_id=instrument_id,
        status=COMPLETE,
        scores={key: {"value": value} for key, value in scores.items()},
        started_at=when,
        completed_at=when,
    )


def _client(client: Any, therapist: Any, shares: list[str], *, couple_view: bool) -> Any:
    from alongside.care.models import CareLink
    from alongside.circle.models import Invitation
    from alongside.circle.services import invitation_accept

    invitation = Invitation.objects.create(inviter=therapist, kind="client", scope=[])
    link = invitation_accept(invitation=invitation, user=client, scope=shares)
    care = CareLink.objects.get(link=link)
    care.couple_view = couple_view
    care.save(update_fields=["couple_view"])
    return care


def seed() -> None:
    from allauth.account.models import EmailAddress
    from django.db import transaction

    from alongside.accounts.demo import ALICE, BEN, DEMO_PASSWORD, MIRA
    from alongside.accounts.models import User
    from alongside.assessments.models import ReliableChangeFigures
    from alongside.assessments.spec import ReliableChangeParams, Source
    from alongside.care.models import Alert, SessionNote, TherapistProfile

    if User.objects.filter(email=DANA[0]).exists():
        return
    with transaction.atomic():
        dana = User.objects.create_user(
            DANA[0], DEMO_PASSWORD, display_name=DANA[1], time_zone=DANA[2]
        )
        EmailAddress.objects.create(user=dana, email=DANA[0], verified=True, primary=True)
        profile = TherapistProfile.objects.create(
            user=dana, profession="Couples therapist", licence="Demo board 0001"
        )
        profile.verify(by="the demo")
        mira, alice, ben = (User.objects.get(email=who[0]) for who in (MIRA, ALICE, BEN))
        _client(
            mira, dana, ["mood", "needs", "notes", "assessments", "practice"], couple_view=False
        )
        alice_care = _client(
            alice, dana, ["mood", "needs", "assessments", "together"], couple_view=True
        )
        _client(ben, dana, ["mood", "assessments", "together"], couple_view=True)
        ReliableChangeFigures.install(
            "csi-4",
            "satisfaction",
            ReliableChangeParams(
                sd=5.0,
                reliability=0.9,
                reliability_kind="test-retest",
                sources=(Source("DEMO FIGURES ONLY: made up for screenshots, never use."),),
            ),
            installed_by="scripts/care_demo.py",
        )
        for days_ago, value in ((49, 16.0), (27, 13.0), (3, 9.0)):
            latest = _take(alice, "csi-4", {"satisfaction": value}, days_ago)
        for days_ago, value in ((48, 14.0), (26, 15.0), (4, 15.0)):
            _take(ben, "csi-4", {"satisfaction": value}, days_ago)
        _take(mira, "ecr-r", {"anxiety": 4.6, "avoidance": 3.9}, 45)
        _take(mira, "ecr-r", {"anxiety": 3.8, "avoidance": 3.5}, 5)
        Alert.objects.create(
            care_link=alice_care,
            kind="deterioration",
            instrument_id="csi-4",
            subscale_id="satisfaction",
            take=latest,
            evidence={
                "rule": (
                    "The latest score is lower than the first by more than the reliable "
                    "change threshold (1.96 standard errors of the difference)."
                ),
                "before": 16,
                "after": 9,
                "threshold": 4.38,
                "citation": "Jacobson, N. S., & Truax, P. (1991). DEMO ALERT for screenshots.",
            },
        )
        SessionNote.objects.create(
            therapist=dana,
            client=mira,
            client_label=str(mira),
            session_on=dana.local_today() - dt.timedelta(days=2),
            text="Talked through the ask of Sam. Noticed how much lighter it felt afterwards.",
        )


if __name__ == "__main__":
    import django

    django.setup()
    seed()
