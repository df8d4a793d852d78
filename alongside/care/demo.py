"""The care part of the demo: Dana, a verified therapist, and what she works with.

Dana is linked with the demo couple (Alice and Ben, who both chose the couple page) and
with Mira, through the real invitation flow, so every grant, circle entry and care link
is what a real acceptance makes. Alice and Ben answered the CSI-16 three times; Ben's
latest answers fall by more than the reliable-change threshold, which the real alert
rules turn into an alert. Questionnaires are assigned, and Dana wrote two session notes.

Reliable change needs cited figures. The demo installs, for the CSI-16 only and only when
the deployment has none, figures computed from real couples' data (see ``CSI16_FIGURES``):
the same thing a deployment does with ``alongside instruments set-reliable-change``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from alongside.accounts.models import User
from alongside.assessments.models import ReliableChangeFigures, Take, instrument, scores_to_data
from alongside.assessments.scoring import score
from alongside.assessments.spec import ReliableChangeParams, Source
from alongside.care import alerts, schedule
from alongside.care.models import CareLink, SessionNote, TherapistProfile
from alongside.circle.models import Invitation
from alongside.circle.services import invitation_accept

DANA = ("dana@demo.alongside", "Dana", "Europe/London")

# Computed by this project from Bar-Kalifa, Rafaeli & Sened's diary study (the data as
# published in the R package dyadmlvar, MIT licence): 160 partners' CSI-16 before the
# 44-day diary (SD 8.25 on the 0-81 sum) and the correlation between their scores
# before and after it (r = .64; a 6-week stability, lower than a short test-retest, so
# the threshold it gives, about 13.7 points, is a cautious one).
# ``tests`` recompute both numbers from the data when it is present.
CSI16_FIGURES = ReliableChangeParams(
    sd=8.25,
    reliability=0.64,
    reliability_kind="stability over a 6-week diary (pre-post correlation)",
    sources=(
        Source(
            citation=(
                "Computed by the Alongside project from the CSI-16 scores of 160 partners "
                "(80 couples) before and after a 44-day diary in Bar-Kalifa, E., "
                "Rafaeli, E., & Sened, H. (2016), Personal Relationships, 23, 42-61; data "
                "from the R package dyadmlvar (Sened & Bar-Kalifa, MIT licence): SD of the "
                "scores before the diary 8.25, pre-post correlation .64."
            ),
            url="https://github.com/haranse/dyadmlvar",
        ),
    ),
)

NOTES = [
    (
        -15,
        "Mira",
        "Talked through the ladder. The ask to her sister went better than she predicted; "
        "she noticed the urge to apologise for asking. Next: one ask at work.",
    ),
    (
        -8,
        "Alice",
        "Alice came alone this week. Wants to raise the evenings with Ben without it "
        "turning into a row. Practise the soft start-up before the couple session.",
    ),
]


def _answers_for(total: int) -> dict[str, int]:
    """CSI-16 answers that sum to ``total`` (item 1 scores 0-6, the others 0-5)."""
    spec = instrument("csi-16")
    answers: dict[str, int] = {}
    left = total
    for index, item in enumerate(spec.items):
        top = int(item.scale.max)
        still = len(spec.items) - index - 1
        value = max(0, min(top, max(left - 5 * still, round(left / (still + 1)))))
        answers[item.id] = value
        left -= value
    return answers


def _take(owner: User, total: int, days_ago: int) -> Take:
    spec = instrument("csi-16")
    answers = _answers_for(total)
    when = timezone.now() - dt.timedelta(days=days_ago)
    return Take.objects.create(
        owner=owner,
        instrument_id=spec.id,
        instrument_version=spec.version,
        answers=answers,
        status="complete",
        scores=scores_to_data(score(spec, answers)),
        started_at=when - dt.timedelta(minutes=6),
        completed_at=when,
    )


def _client(therapist: User, client: User, shares: list[str], *, couple: bool) -> CareLink:
    invitation = Invitation.objects.create(inviter=therapist, kind="client", scope=[])
    link = invitation_accept(invitation=invitation, user=client, scope=shares)
    care = CareLink.objects.get(link=link)
    if couple:
        care.couple_view = True
        care.save(update_fields=["couple_view"])
    return care


def seed_care(*, mira: User, alice: User, ben: User, make_person: Any) -> User:
    dana = make_person(*DANA)
    TherapistProfile.objects.create(
        user=dana, profession="Couple and family therapist", licence="Demo registry 0042"
    ).verify(by="demo data")
    if not ReliableChangeFigures.objects.filter(instrument_id="csi-16").exists():
        ReliableChangeFigures.install(
            "csi-16", "satisfaction", CSI16_FIGURES, installed_by="demo data"
        )
    couple_shares = ["mood", "needs", "assessments", "together", "practice"]
    cares = {
        "alice": _client(dana, alice, couple_shares, couple=True),
        "ben": _client(dana, ben, [*couple_shares, "notes"], couple=True),
        "mira": _client(
            dana, mira, ["mood", "needs", "support", "assessments", "practice"], couple=False
        ),
    }
    # Three CSI-16s each, four weeks apart; Ben's latest falls by 15 points (> 13.7).
    takes = [
        *(_take(alice, total, days) for total, days in ((61, 58), (63, 30), (62, 2))),
        *(_take(ben, total, days) for total, days in ((66, 57), (63, 29), (51, 1))),
    ]
    for take in sorted(takes, key=lambda t: t.completed_at or t.started_at):
        alerts.evaluate(take)
    yesterday = timezone.now().astimezone(alice.tz).date() - dt.timedelta(days=1)
    for who in ("alice", "ben"):
        schedule.assignment_create(
            care=cares[who],
            instrument_id="alongside-safety-needs",
            relationship="partner",
            first_due_on=yesterday,
            every_weeks=2,
            open_days=7,
            ends_on=None,
        )
    schedule.assignment_create(
        care=cares["mira"],
        instrument_id="alongside-closeness",
        relationship="friend",
        first_due_on=yesterday,
        every_weeks=None,
        open_days=10,
        ends_on=None,
    )
    today = timezone.now().astimezone(dana.tz).date()
    people = {"Mira": mira, "Alice": alice}
    for days, name, text in NOTES:
        SessionNote.objects.create(
            therapist=dana,
            client=people[name],
            client_label=name,
            session_on=today + dt.timedelta(days=days),
            text=text,
        )
    return dana
