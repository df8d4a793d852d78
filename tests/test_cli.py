"""The `alongside` command: help on every command, the demo seed, the worker."""

from __future__ import annotations

import datetime as dt
import signal
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from allauth.account.models import EmailAddress
from click.testing import CliRunner

from alongside.accounts.models import User
from alongside.checkins.models import CheckIn
from alongside.cli import cli
from alongside.reminders.models import ReminderSchedule

NOW = dt.datetime(2026, 4, 13, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def restore_signals() -> Iterator[None]:
    """The worker installs its own SIGINT/SIGTERM handlers; put pytest's back."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_alongside_help_lists_the_commands(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    assert "Alongside" in result.output
    for command in ("serve", "worker", "demo", "manage"):
        assert command in result.output


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("serve", ["--bind", "--workers", "--task-workers", "--migrate"]),
        ("worker", ["--batch", "background tasks"]),
        ("demo", ["--force", "demo"]),
        ("manage", ["management command"]),
    ],
)
def test_every_command_explains_itself(runner: CliRunner, command: str, words: list[str]) -> None:
    for flag in ("--help", "-h"):
        result = runner.invoke(cli, [command, flag])
        assert result.exit_code == 0, result.output
        for word in words:
            assert word in result.output


def test_an_unknown_command_fails_with_a_message(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["sreve"])
    assert result.exit_code == 2
    assert "No such command" in result.output


def test_serve_refuses_a_silly_number_of_workers(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["serve", "--workers", "0"])
    assert result.exit_code == 2
    assert "--workers" in result.output


@pytest.mark.django_db
def test_demo_seeds_people_with_eight_weeks_of_checkins(runner: CliRunner) -> None:
    with time_machine.travel(NOW, tick=False):
        result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    assert "Demo logins" in result.output
    people = list(User.objects.all())
    assert people
    seeded = [p for p in people if p.checkins.exists()]
    assert seeded
    for person in seeded:
        assert person.email in result.output
        assert EmailAddress.objects.get(user=person).verified  # can sign in straight away
        days = sorted(person.checkins.values_list("day", flat=True))
        today = dt.date(2026, 4, 13)
        assert today - dt.timedelta(days=57) <= days[0] <= today - dt.timedelta(days=50)
        assert days[-1] < today  # today is left for the person to fill in
        span = (days[-1] - days[0]).days + 1
        assert 40 <= len(days) < span  # about eight weeks, with a few missed days
        # Varied, realistic values, including notes that decrypt.
        moods = set(person.checkins.values_list("mood", flat=True))
        assert len(moods) >= 4
        assert any(c.note for c in person.checkins.all())


@pytest.mark.django_db
def test_demo_adds_nothing_to_a_database_with_people(runner: CliRunner) -> None:
    runner.invoke(cli, ["demo"])
    people, checkins = User.objects.count(), CheckIn.objects.count()
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    assert "no demo seeded" in result.output
    assert (User.objects.count(), CheckIn.objects.count()) == (people, checkins)


@pytest.mark.django_db
def test_demo_leaves_a_real_persons_database_alone(runner: CliRunner, alice: Any) -> None:
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 0
    assert list(User.objects.all()) == [alice]
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_manage_passes_through_to_django(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["manage", "check"])
    assert result.exit_code == 0, result.output


@pytest.mark.django_db(transaction=True)
def test_worker_batch_sends_what_is_due(
    runner: CliRunner, dana: Any, mailoutbox: list[Any], restore_signals: None
) -> None:
    due = dt.datetime(2026, 4, 13, 20, 0, tzinfo=dt.UTC)
    with time_machine.travel(due - dt.timedelta(hours=2), tick=False):
        ReminderSchedule.objects.create(owner=dana, weekdays=list(range(7))).reschedule()
    with time_machine.travel(due + dt.timedelta(days=1), tick=False):
        result = runner.invoke(cli, ["worker", "--batch"])
    assert result.exit_code == 0, result.output
    assert [m.to for m in mailoutbox] == [["dana@example.org"]]
