"""Sending prompts: by e-mail and on the participant's devices, from the task worker.

``dispatch`` runs every minute in the worker (queued on worker start and kept queued by
the housekeeping). Each run closes what expired, sends what is due, and sends reminders.

Once per prompt, whatever crashes and however many workers run:

- A prompt is *claimed* by one conditional UPDATE (``claimed_at`` set where it is still
  unclaimed, or where the earlier claim is older than ``TASK_STALE_AFTER_SECONDS``),
  committed before anything is sent: of two workers, one wins; nothing is sent under a
  row lock.
- Only then does the e-mail go, under the key ``research-prompt-<id>`` (its Message-ID,
  and the outbox keeps one copy per key), and ``sent_at`` is set.
- A worker killed after the claim leaves ``claimed_at`` without ``sent_at``; once the
  claim is stale, the next run sends it again under the same key. So the outbox (and a
  mail server that drops repeated Message-IDs) holds each prompt once. A push
  notification sent again after such a crash may arrive twice: harmless, unlike a
  missing one.

Only participants who may be prompted get prompts (active, with the current consent);
a prompt of a paused participant is not sent, and closes as "not sent".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from alongside.research.models import Participant, Prompt

DISPATCH_EVERY = dt.timedelta(minutes=1)
BATCH = 200


def _stale(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=settings.TASK_STALE_AFTER_SECONDS)


def close_expired(now: dt.datetime) -> int:
    """Prompts past their expiry and unanswered get ``expired_at`` (when they closed)."""
    return Prompt.objects.filter(
        expires_at__lte=now, completed_at__isnull=True, expired_at__isnull=True
    ).update(expired_at=F("expires_at"))


def _due(now: dt.datetime) -> Any:
    return (
        Prompt.objects.filter(
            scheduled_at__lte=now,
            expires_at__gt=now,
            sent_at__isnull=True,
            completed_at__isnull=True,
            participant__in=Participant.objects.promptable(),
        )
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=_stale(now)))
        .order_by("scheduled_at")
    )


def claim(pk: int, claimed_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Claim prompt ``pk`` for sending: true for exactly one of the workers trying."""
    unclaimed = Q(claimed_at__isnull=True) if claimed_at is None else Q(claimed_at=claimed_at)
    return bool(
        Prompt.objects.filter(unclaimed, pk=pk, sent_at__isnull=True).update(claimed_at=now)
    )


def deliver(pk: int, *, reminder: int = 0) -> bool:
    """Send prompt ``pk`` (or its ``reminder``-th reminder) by e-mail and push."""
    from alongside import push
    from alongside.lib import mail

    found = (
        Prompt.objects.select_related("participant__user", "participant__study")
        .filter(pk=pk, participant__user__isnull=False)
        .first()
    )
    if found is None:
        return False
    person = found.participant.user
    assert person is not None
    url = reverse("research:prompt", args=[found.pk])
    closes = time_format(found.expires_at.astimezone(person.tz), "H:i")
    key = f"research-prompt-{found.pk}" + (f"-r{reminder}" if reminder else "")
    with translation.override(person.messages_language):
        mail.send(
            "research_prompt",
            person.email,
            {"url": url, "closes": closes, "reminder": reminder},
            discreet=person.discreet,
            key=key,
        )
        push.send(
            person,
            "Alongside",
            _("A few questions for the study, open until %(t)s.") % {"t": closes},
            url,
        )
    return True


def send_due(now: dt.datetime) -> int:
    """Claim and send every prompt due now; returns how many this worker sent."""
    sent = 0
    while True:
        batch = list(_due(now).values_list("pk", "claimed_at")[:BATCH])
        if not batch:
            return sent
        for pk, claimed_at in batch:
            if not claim(pk, claimed_at, now):
                continue  # another worker has it
            deliver(pk)
            Prompt.objects.filter(pk=pk, sent_at__isnull=True).update(sent_at=timezone.now())
            sent += 1
        now = timezone.now()


def send_reminders(now: dt.datetime) -> int:
    """Send each reminder whose time came, for prompts sent and still unanswered. A
    reminder is claimed by moving ``reminders_sent`` on in one conditional UPDATE, then
    sent; one lost in a crash between the two is not sent again (a reminder is a nudge:
    better one missing than two)."""
    sent = 0
    candidates = Prompt.objects.filter(
        sent_at__isnull=False,
        completed_at__isnull=True,
        expires_at__gt=now,
        participant__in=Participant.objects.promptable(),
    ).values_list("pk", "reminders_at", "reminders_sent")
    for pk, planned, done in candidates.iterator():
        due = [t for t in planned[done:] if dt.datetime.fromisoformat(t) <= now]
        if not due:
            continue
        # Several reminders due at once (a worker was down): send the last, once.
        upto = done + len(due)
        moved = Prompt.objects.filter(pk=pk, reminders_sent=done).update(reminders_sent=upto)
        if moved:
            deliver(pk, reminder=upto)
            sent += 1
    return sent


def run(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        "expired": close_expired(now),
        "sent": send_due(now),
        "reminders": send_reminders(now),
    }


@task()
def dispatch() -> str:
    """Send what is due, then come back in a minute."""
    done = run()
    ensure_scheduled(after=DISPATCH_EVERY)
    return ", ".join(f"{key}: {value}" for key, value in done.items())


def ensure_scheduled(after: dt.timedelta = dt.timedelta(0)) -> bool:
    """Queue the dispatch unless one is queued already (on worker start, in the
    housekeeping, and by each dispatch for the next). A dispatch a killed worker left
    running does not count: the new worker's own runs at once, and the old one, when it
    is reclaimed, finds nothing left to send; of two queued at once, the next run of
    each sees the other and queues none."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=dispatch.module_path, status="READY").exists():
        return False
    dispatch.using(run_after=timezone.now() + after).enqueue()
    return True
