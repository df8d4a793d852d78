"""Sending prompts from the worker: once each, only to whom may be prompted, with their
reminders, closing what expired; a claim by a dead worker is sent again under its key."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from alongside.research import delivery, services
from alongside.research.models import Prompt
from alongside.research.tests.helpers import enrol, plan_prompt
from conftest import run_worker


def _mail(outbox: Path) -> list[email.message.Message]:
    if not outbox.exists():
        return []
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    ]


def _due(participant: Any, minutes_ago: int = 2, **fields: Any) -> Prompt:
    at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return plan_prompt(participant, at, **fields)


def test_a_due_prompt_is_sent_once_with_its_link(
    solo: Any, alice: Any, ben: Any, outbox: Path
) -> None:
    Prompt.objects.all().delete()  # only the prompts made here
    mine = _due(enrol(alice, solo))
    theirs = _due(enrol(ben, solo))
    assert delivery.run()["sent"] == 2
    assert delivery.run()["sent"] == 0  # sent already: nothing goes twice
    sent = _mail(outbox)
    assert sorted(m["To"] for m in sent) == [alice.email, ben.email]
    to_alice = next(m for m in sent if m["To"] == alice.email)
    body = to_alice.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
    assert f"/research/prompts/{mine.pk}/" in body
    assert to_alice["Message-ID"].startswith(f"<research-prompt-{mine.pk}@")
    for prompt in (mine, theirs):
        prompt.refresh_from_db()
        assert prompt.sent_at is not None and prompt.claimed_at is not None


def test_prompts_not_yet_due_wait(solo: Any, alice: Any, outbox: Path) -> None:
    Prompt.objects.all().delete()
    plan_prompt(enrol(alice, solo), timezone.now() + dt.timedelta(minutes=10))
    assert delivery.run()["sent"] == 0
    assert _mail(outbox) == []


def test_a_paused_participant_is_not_prompted_and_the_prompt_closes_unsent(
    solo: Any, alice: Any, outbox: Path
) -> None:
    Prompt.objects.all().delete()
    me = enrol(alice, solo)
    prompt = _due(me)
    services.participant_pause(participant=me)
    assert delivery.run()["sent"] == 0
    later = prompt.expires_at + dt.timedelta(minutes=1)
    assert delivery.run(later)["expired"] == 1
    prompt.refresh_from_db()
    assert prompt.expired_at == prompt.expires_at
    assert Prompt.objects.with_status(later).get(pk=prompt.pk).status == "not_sent"  # type: ignore[attr-defined]
    assert _mail(outbox) == []


def test_a_participant_whose_consent_changed_is_not_prompted(
    solo: Any, alice: Any, outbox: Path
) -> None:
    Prompt.objects.all().delete()
    _due(enrol(alice, solo))
    services.consent_publish(
        study=solo,
        information_sheet="New sheet",
        text="New consent",
        researcher_sees_identity=False,
        on_withdrawal="ask",
    )
    assert delivery.run()["sent"] == 0


def test_reminders_go_at_their_times_until_it_is_answered(
    solo: Any, alice: Any, outbox: Path
) -> None:
    Prompt.objects.all().delete()
    start = timezone.now() - dt.timedelta(minutes=2)
    prompt = plan_prompt(
        enrol(alice, solo),
        start,
        reminders_at=[(start + dt.timedelta(minutes=m)).isoformat() for m in (20, 40)],
    )
    delivery.run(start + dt.timedelta(minutes=1))
    assert delivery.run(start + dt.timedelta(minutes=10))["reminders"] == 0
    assert delivery.run(start + dt.timedelta(minutes=21))["reminders"] == 1
    assert delivery.run(start + dt.timedelta(minutes=22))["reminders"] == 0
    Prompt.objects.filter(pk=prompt.pk).update(completed_at=start + dt.timedelta(minutes=30))
    assert delivery.run(start + dt.timedelta(minutes=41))["reminders"] == 0
    subjects = sorted(m["Subject"] for m in _mail(outbox))
    assert subjects == [
        "A few questions for the study",
        "Still open: a few questions for the study",
    ]


def test_of_two_workers_claiming_one_prompt_one_wins(solo: Any, alice: Any) -> None:
    Prompt.objects.all().delete()
    prompt = _due(enrol(alice, solo))
    now = timezone.now()
    assert delivery.claim(prompt.pk, None, now) is True
    assert delivery.claim(prompt.pk, None, now) is False


def test_a_claim_left_by_a_dead_worker_is_sent_again_under_the_same_key(
    solo: Any, alice: Any, outbox: Path, settings: Any
) -> None:
    Prompt.objects.all().delete()
    prompt = _due(enrol(alice, solo))
    # A worker claimed it, sent the e-mail, and died before writing sent_at.
    claimed = timezone.now() - dt.timedelta(minutes=1)
    assert delivery.claim(prompt.pk, None, claimed)
    delivery.deliver(prompt.pk)
    assert delivery.run()["sent"] == 0  # the claim is not stale yet: a worker may be on it
    settings.TASK_STALE_AFTER_SECONDS = 30
    assert delivery.run()["sent"] == 1
    prompt.refresh_from_db()
    assert prompt.sent_at is not None
    assert len(_mail(outbox)) == 1  # the same key: the outbox keeps it once


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_prompts_and_keeps_the_dispatch_queued(
    solo: Any, alice: Any, outbox: Path
) -> None:
    from django_tasks_db.models import DBTaskResult

    Prompt.objects.all().delete()
    _due(enrol(alice, solo))
    assert delivery.ensure_scheduled() is True
    assert delivery.ensure_scheduled() is False  # queued once
    done = run_worker()
    assert any("sent: 1" in str(r) for r in done)
    assert len(_mail(outbox)) == 1
    assert DBTaskResult.objects.filter(
        task_path=delivery.dispatch.module_path, status="READY"
    ).exists()
