"""kill -9 the task worker, several times, in the middle of 200 due reminders (issue 13):
afterwards no reminder went out twice, every person got theirs, and every schedule's next
reminder is queued. A real worker process on a real SQLite file, and the real outbox."""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

ALONGSIDE = str(Path(sys.executable).with_name("alongside"))
PEOPLE = 200

SEED = f"""
import datetime as dt
import django
django.setup()
from django.utils import timezone
from alongside.accounts.models import User
from alongside.reminders.models import ReminderSchedule
from alongside.reminders.tasks import send_reminder
now = timezone.now()
due = now - dt.timedelta(minutes=1)
users = User.objects.bulk_create(
    User(email=f"person{{i}}@example.org", display_name=f"Person {{i}}", time_zone="UTC")
    for i in range({PEOPLE})
)
for user in User.objects.all():
    schedule = ReminderSchedule.objects.create(
        owner=user, enabled=True, weekdays=list(range(7)),
        at=due.time().replace(second=0, microsecond=0), next_due_at=due, version=1,
    )
    send_reminder.using(run_after=due).enqueue(schedule.pk, 1)
"""

CHECK = """
import json
import django
django.setup()
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from alongside.reminders.models import ReminderSchedule
queued = {
    tuple(r["args"]) for r in DBTaskResult.objects.filter(
        status="READY", task_path="alongside.reminders.tasks.send_reminder"
    ).values_list("args_kwargs", flat=True)
}
schedules = list(ReminderSchedule.objects.values_list("pk", "version", "next_due_at"))
print(json.dumps({
    "schedules": len(schedules),
    "next_in_future": sum(1 for _pk, _v, due in schedules if due and due > timezone.now()),
    "next_queued": sum(1 for pk, v, _due in schedules if (pk, v) in queued),
    "running": DBTaskResult.objects.filter(status="RUNNING").count(),
    "failed": DBTaskResult.objects.filter(status="FAILED").count(),
}))
"""


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG", "EMAIL_HOST"}
    }
    env.update(ALONGSIDE_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="alongside.settings")
    env.update(extra)
    return env


def _recipients(outbox: Path) -> Counter[str]:
    sent: Counter[str] = Counter()
    for path in outbox.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes())
        sent[str(message["To"])] += 1
    return sent


def _kill_workers_mid_batch(data_dir: Path, seed: str, kills: int, what: str) -> Counter[str]:
    """Migrate a fresh data directory, seed it, start the worker and kill -9 it ``kills``
    times as it works through the batch; then let one worker finish what is left, with
    the stale limit at 0 s (no other worker is alive). Returns who got how many e-mails,
    having checked that none got two and everyone got one."""
    env = _env(data_dir)
    subprocess.run([ALONGSIDE, "manage", "migrate", "-v", "0"], env=env, check=True)
    subprocess.run([sys.executable, "-c", seed], env=env, check=True)
    outbox = data_dir / "outbox"
    quiet = _env(data_dir, EMAIL_OUTBOX_QUIET="1")
    killed_with_work_left = 0
    for n in range(kills):
        worker = subprocess.Popen(
            [ALONGSIDE, "worker"],
            env=quiet,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        # Let it get into the batch, then kill it without warning, mid-task.
        deadline = time.monotonic() + 60
        before = sum(_recipients(outbox).values()) if outbox.exists() else 0
        while time.monotonic() < deadline:
            time.sleep(0.02)
            now_sent = sum(_recipients(outbox).values()) if outbox.exists() else 0
            if now_sent >= before + 10 + 7 * n:
                break
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        if sum(_recipients(outbox).values()) < PEOPLE:
            killed_with_work_left += 1
    assert killed_with_work_left >= 2, "the kills came too late to test anything"
    subprocess.run(
        [ALONGSIDE, "worker", "--batch"],
        env=_env(data_dir, EMAIL_OUTBOX_QUIET="1", TASK_STALE_AFTER_SECONDS="0"),
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=600,
    )
    sent = _recipients(outbox)
    twice = {to: n for to, n in sent.items() if n > 1}
    assert not twice, f"sent more than once: {twice}"
    assert len(sent) == PEOPLE, f"{PEOPLE - len(sent)} {what} were never sent"
    return sent


def _state(data_dir: Path, check: str) -> dict[str, int]:
    import json

    run = subprocess.run(
        [sys.executable, "-c", check],
        env=_env(data_dir),
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(run.stdout))


@pytest.mark.parametrize("kills", [4])
def test_killing_the_worker_mid_batch_sends_each_reminder_once(tmp_path: Path, kills: int) -> None:
    data_dir = tmp_path / "data"
    _kill_workers_mid_batch(data_dir, SEED, kills, "reminders")
    state = _state(data_dir, CHECK)
    assert state == {
        "schedules": PEOPLE,
        "next_in_future": PEOPLE,
        "next_queued": PEOPLE,
        "running": 0,
        "failed": 0,
    }


PROMPT_SEED = f"""
import datetime as dt
import django
django.setup()
from django.utils import timezone
from alongside.accounts.models import User
from alongside.research.models import Prompt
from alongside.research.tests.helpers import enrol, make_study, plan_prompt
from alongside.research.services import researcher_grant
lead = User.objects.create(email="lead@example.org", display_name="Lead", time_zone="UTC")
researcher_grant(user=lead, by="test")
study = make_study(lead, couple=False)
due = timezone.now() - dt.timedelta(minutes=1)
people = User.objects.bulk_create(
    User(email=f"person{{i}}@example.org", display_name=f"Person {{i}}", time_zone="UTC")
    for i in range({PEOPLE})
)
for person in User.objects.exclude(pk=lead.pk):
    participant = enrol(person, study)
    Prompt.objects.filter(participant=participant).delete()  # next week's: not due
    prompt = plan_prompt(participant, due)
    Prompt.objects.filter(pk=prompt.pk).update(expires_at=due + dt.timedelta(hours=2))
"""

PROMPT_CHECK = """
import json
import django
django.setup()
from django_tasks_db.models import DBTaskResult
from alongside.research.models import Prompt
print(json.dumps({
    "prompts": Prompt.objects.count(),
    "unsent": Prompt.objects.filter(sent_at__isnull=True).count(),
    "running": DBTaskResult.objects.filter(status="RUNNING").count(),
    "failed": DBTaskResult.objects.filter(status="FAILED").count(),
}))
"""


def test_killing_the_worker_mid_batch_sends_each_prompt_once(tmp_path: Path) -> None:
    """Issue 12: prompt delivery claims each prompt with a conditional update and sends it
    under its key, so kill -9 in the middle of a batch never sends one twice or loses one."""
    data_dir = tmp_path / "data"
    _kill_workers_mid_batch(data_dir, PROMPT_SEED, 4, "prompts")
    state = _state(data_dir, PROMPT_CHECK)
    assert state == {"prompts": PEOPLE, "unsent": 0, "running": 0, "failed": 0}


SIGTERM_CHECK = """
import json
import django
django.setup()
from django_tasks_db.models import DBTaskResult
from alongside.research.models import Prompt
print(json.dumps({
    "unsent": Prompt.objects.filter(sent_at__isnull=True).count(),
    "running": DBTaskResult.objects.filter(status="RUNNING").count(),
    "dispatches_done": DBTaskResult.objects.filter(
        status="SUCCESSFUL", task_path="alongside.research.delivery.dispatch"
    ).count(),
}))
"""


def test_sigterm_lets_the_worker_finish_its_task_first(tmp_path: Path) -> None:
    """Issue 13 point 3: asked to stop (SIGTERM, as a supervisor or systemd does), the
    worker finishes the task in hand — here the batch of 200 due prompts — and exits
    cleanly, leaving nothing RUNNING."""
    data_dir = tmp_path / "data"
    env = _env(data_dir)
    subprocess.run([ALONGSIDE, "manage", "migrate", "-v", "0"], env=env, check=True)
    subprocess.run([sys.executable, "-c", PROMPT_SEED], env=env, check=True)
    outbox = data_dir / "outbox"
    worker = subprocess.Popen(
        [ALONGSIDE, "worker"],
        env=_env(data_dir, EMAIL_OUTBOX_QUIET="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.02)
        if outbox.exists() and sum(_recipients(outbox).values()) >= 10:
            break
    stopped_at = sum(_recipients(outbox).values())
    assert stopped_at < PEOPLE, "the batch finished before the signal: nothing tested"
    os.killpg(worker.pid, signal.SIGTERM)
    assert worker.wait(timeout=120) == 0
    assert len(_recipients(outbox)) == PEOPLE  # the batch in hand was finished
    assert _state(data_dir, SIGTERM_CHECK) == {"unsent": 0, "running": 0, "dispatches_done": 1}
