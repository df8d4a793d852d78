"""Reminders fire at the person's own local time, through the real django-tasks-db worker."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django_tasks_db.models import DBTaskResult

from alongside.checkins.models import CheckIn
from alongside.reminders.models import ReminderSchedule
from conftest import results, run_worker

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
EVERY_DAY = ["0", "1", "2", "3", "4", "5", "6"]

pytestmark = pytest.mark.django_db(transaction=True)


def ny(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    """A wall-clock time in New York."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=NEW_YORK)


@pytest.fixture
def traveller() -> Iterator[Any]:
    """Move the frozen clock: traveller.to(moment)."""
    machine: list[Any] = []

    class Traveller:
        def to(self, moment: dt.datetime) -> None:
            if machine:
                machine.pop().stop()
            travel = time_machine.travel(moment, tick=False)
            travel.start()
            machine.append(travel)

    yield Traveller()
    if machine:
        machine.pop().stop()


@pytest.fixture
def new_yorker(dana: Any) -> Any:
    assert dana.time_zone == "America/New_York"
    return dana


@pytest.fixture
def dana_client(new_yorker: Any) -> Client:
    client = Client()
    client.force_login(new_yorker)
    return client


def save_reminder(client: Client, at: str = "20:00", days: list[str] = EVERY_DAY) -> Any:
    response = client.post("/settings/reminders/", {"enabled": "on", "weekdays": days, "at": at})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_it_fires_at_eight_in_the_evening_new_york_time(
    traveller: Any, dana_client: Client, new_yorker: Any, mailoutbox: list[Any]
) -> None:
    traveller.to(ny(2026, 2, 2, 9, 0))  # Monday morning in New York
    save_reminder(dana_client)
    schedule = ReminderSchedule.objects.get(owner=new_yorker)
    assert schedule.next_due_at == ny(2026, 2, 2, 20, 0)
    assert schedule.next_due_at == dt.datetime(2026, 2, 3, 1, 0, tzinfo=dt.UTC)

    traveller.to(ny(2026, 2, 2, 19, 59))
    run_worker()
    assert mailoutbox == []

    traveller.to(ny(2026, 2, 2, 20, 1))
    run_worker()
    (message,) = mailoutbox
    assert message.to == ["dana@example.org"]
    assert "Hello Dana," in message.body
    assert "http://testserver/checkin/" in message.body
    schedule.refresh_from_db()
    assert schedule.last_sent_at == ny(2026, 2, 2, 20, 1)
    assert schedule.next_due_at == ny(2026, 2, 3, 20, 0)
    queued = DBTaskResult.objects.filter(status="READY")
    assert [t.run_after for t in queued] == [ny(2026, 2, 3, 20, 0)]

    # Running the worker again the same evening sends nothing more.
    traveller.to(ny(2026, 2, 2, 23, 0))
    run_worker()
    assert len(mailoutbox) == 1


def test_the_page_shows_the_next_reminder_in_local_time(
    traveller: Any, dana_client: Client
) -> None:
    traveller.to(ny(2026, 2, 2, 9, 0))
    save_reminder(dana_client)
    html = dana_client.get("/settings/reminders/").content.decode()
    assert "Next reminder: Monday 2 February, 20:00." in html
    assert "America/New_York" in html


def test_it_keeps_local_time_across_the_change_to_summer_time(
    traveller: Any, dana_client: Client, new_yorker: Any, mailoutbox: list[Any]
) -> None:
    # Clocks in New York go forward at 02:00 on Sunday 8 March 2026.
    traveller.to(ny(2026, 3, 7, 12, 0))
    save_reminder(dana_client)
    traveller.to(ny(2026, 3, 7, 20, 0, 30))
    run_worker()
    assert len(mailoutbox) == 1
    schedule = ReminderSchedule.objects.get(owner=new_yorker)
    assert schedule.next_due_at == ny(2026, 3, 8, 20, 0)
    # Still 20:00 on the wall clock, one hour earlier in UTC.
    assert schedule.next_due_at == dt.datetime(2026, 3, 9, 0, 0, tzinfo=dt.UTC)

    traveller.to(ny(2026, 3, 8, 19, 30))
    run_worker()
    assert len(mailoutbox) == 1
    traveller.to(ny(2026, 3, 8, 20, 0, 30))
    run_worker()
    assert len(mailoutbox) == 2


def test_a_time_skipped_by_the_clock_change_lands_just_after_it(new_yorker: Any) -> None:
    schedule = ReminderSchedule(owner=new_yorker, weekdays=[6], at=dt.time(2, 30))
    due = schedule.next_after(ny(2026, 3, 7, 12, 0))
    assert due is not None
    assert due.astimezone(NEW_YORK).replace(tzinfo=None) == dt.datetime(2026, 3, 8, 3, 30)


def test_it_only_fires_on_the_chosen_days(
    traveller: Any, dana_client: Client, new_yorker: Any, mailoutbox: list[Any]
) -> None:
    traveller.to(ny(2026, 2, 2, 9, 0))  # Monday
    save_reminder(dana_client, days=["2", "5"])  # Wednesday and Saturday
    schedule = ReminderSchedule.objects.get(owner=new_yorker)
    assert schedule.next_due_at == ny(2026, 2, 4, 20, 0)
    traveller.to(ny(2026, 2, 4, 20, 5))
    run_worker()
    assert len(mailoutbox) == 1
    schedule.refresh_from_db()
    assert schedule.next_due_at == ny(2026, 2, 7, 20, 0)


def test_no_email_when_todays_checkin_is_done(
    traveller: Any, dana_client: Client, new_yorker: Any, mailoutbox: list[Any]
) -> None:
    traveller.to(ny(2026, 2, 2, 9, 0))
    save_reminder(dana_client)
    # 19:00 in New York is already 3 February in UTC: the check-in is for her local day.
    traveller.to(ny(2026, 2, 2, 19, 0))
    assert dana_client.post("/checkin/", {"day": "2026-02-02", "mood": "6"}).status_code == 302
    traveller.to(ny(2026, 2, 2, 20, 1))
    run_worker()
    assert mailoutbox == []
    assert results() == ["skipped: already checked in"]
    # Tomorrow's reminder is still on its way.
    schedule = ReminderSchedule.objects.get(owner=new_yorker)
    assert schedule.next_due_at == ny(2026, 2, 3, 20, 0)
    traveller.to(ny(2026, 2, 3, 20, 1))
    run_worker()
    assert len(mailoutbox) == 1


def test_a_checkin_for_another_day_does_not_silence_today(
    traveller: Any, dana_client: Client, new_yorker: Any, mailoutbox: list[Any]
) -> None:
    traveller.to(ny(2026, 2, 2, 9, 0))
    save_reminder(dana_client)
    CheckIn.objects.create(owner=new_yorker, day=dt.date(2026, 2, 1), mood=5)
    traveller.to(ny(2026, 2, 2, 20, 1))
    run_worker()
    assert len(mailoutbox) == 1


def test_changing_the_time_reschedules_and_the_old_task_sends_nothing(
    traveller: Any, dana_client: Client, new_yorker: Any, mailoutbox: list[Any]
) -> None:
    traveller.to(ny(2026, 2, 2, 9, 0))
    save_reminder(dana_client, at="20:00")
    save_reminder(dana_client, at="21:30")
    schedule = ReminderSchedule.objects.get(owner=new_yorker)
    assert schedule.next_due_at == ny(2026, 2, 2, 21, 30)

    traveller.to(ny(2026, 2, 2, 20, 15))
    run_worker()
    assert mailoutbox == []
    assert results() == ["stale"]

    traveller.to(ny(2026, 2, 2, 21, 31))
    run_worker()
    assert len(mailoutbox) == 1
    assert results() == ["stale", "sent"]


def test_turning_reminders_off_stops_them(
    traveller: Any, dana_client: Client, new_yorker: Any, mailoutbox: list[Any]
) -> None:
    traveller.to(ny(2026, 2, 2, 9, 0))
    save_reminder(dana_client)
    response = dana_client.post("/settings/reminders/", {"weekdays": EVERY_DAY, "at": "20:00"})
    assert response.status_code == 302
    schedule = ReminderSchedule.objects.get(owner=new_yorker)
    assert not schedule.enabled
    assert schedule.next_due_at is None
    traveller.to(ny(2026, 2, 5, 21, 0))
    run_worker()
    assert mailoutbox == []


def test_changing_the_time_zone_in_the_profile_reschedules(
    traveller: Any, dana_client: Client, new_yorker: Any, mailoutbox: list[Any]
) -> None:
    traveller.to(ny(2026, 2, 2, 9, 0))  # 14:00 in London
    save_reminder(dana_client)
    response = dana_client.post(
        "/settings/profile/", {"display_name": "Dana", "time_zone": "Europe/London"}
    )
    assert response.status_code == 302
    schedule = ReminderSchedule.objects.get(owner=new_yorker)
    london = zoneinfo.ZoneInfo("Europe/London")
    assert schedule.next_due_at == dt.datetime(2026, 2, 2, 20, 0, tzinfo=london)

    traveller.to(dt.datetime(2026, 2, 2, 20, 1, tzinfo=london))
    run_worker()
    assert len(mailoutbox) == 1
    # The task queued for New York's evening is now stale.
    traveller.to(ny(2026, 2, 2, 20, 1))
    run_worker()
    assert len(mailoutbox) == 1
    assert "stale" in results()


def test_saving_the_profile_without_a_new_time_zone_keeps_the_queue(
    traveller: Any, dana_client: Client, new_yorker: Any
) -> None:
    traveller.to(ny(2026, 2, 2, 9, 0))
    save_reminder(dana_client)
    version = ReminderSchedule.objects.get(owner=new_yorker).version
    dana_client.post("/settings/profile/", {"display_name": "D.", "time_zone": "America/New_York"})
    assert ReminderSchedule.objects.get(owner=new_yorker).version == version


def test_a_late_worker_sends_once_and_schedules_the_next_future_time(
    traveller: Any, dana_client: Client, new_yorker: Any, mailoutbox: list[Any]
) -> None:
    traveller.to(ny(2026, 2, 2, 9, 0))
    save_reminder(dana_client)
    traveller.to(ny(2026, 2, 5, 8, 0))  # the worker was down for days
    run_worker()
    assert len(mailoutbox) == 1
    schedule = ReminderSchedule.objects.get(owner=new_yorker)
    assert schedule.next_due_at == ny(2026, 2, 5, 20, 0)


def test_each_person_gets_their_reminder_at_their_own_time(
    traveller: Any, dana_client: Client, alice: Any, alice_client: Client, mailoutbox: list[Any]
) -> None:
    traveller.to(dt.datetime(2026, 2, 2, 12, 0, tzinfo=dt.UTC))
    save_reminder(dana_client)  # 20:00 New York = 01:00 UTC
    save_reminder(alice_client)  # 20:00 London = 20:00 UTC
    traveller.to(dt.datetime(2026, 2, 2, 20, 1, tzinfo=dt.UTC))
    run_worker()
    assert [m.to for m in mailoutbox] == [["alice@example.org"]]
    traveller.to(dt.datetime(2026, 2, 3, 1, 1, tzinfo=dt.UTC))
    run_worker()
    assert [m.to for m in mailoutbox] == [["alice@example.org"], ["dana@example.org"]]


def test_reminders_need_at_least_one_day(dana_client: Client, new_yorker: Any) -> None:
    response = dana_client.post("/settings/reminders/", {"enabled": "on", "at": "20:00"})
    assert response.status_code == 200
    assert "Pick at least one day, or turn reminders off." in response.content.decode()
    assert not ReminderSchedule.objects.exists()


def test_a_time_it_cannot_read_is_explained(dana_client: Client, new_yorker: Any) -> None:
    response = dana_client.post(
        "/settings/reminders/", {"enabled": "on", "weekdays": ["1", "3"], "at": "8pm-ish"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a time like 20:30." in html
    assert 'value="8pm-ish"' in html
    assert 'value="1" id="id_weekdays_1" checked' in html
    assert not ReminderSchedule.objects.exists()


def test_a_weekday_that_does_not_exist_is_refused(dana_client: Client, new_yorker: Any) -> None:
    response = dana_client.post(
        "/settings/reminders/", {"enabled": "on", "weekdays": ["9"], "at": "20:00"}
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not ReminderSchedule.objects.exists()


def test_a_deleted_account_gets_no_reminder(
    traveller: Any, dana_client: Client, new_yorker: Any, mailoutbox: list[Any]
) -> None:
    traveller.to(ny(2026, 2, 2, 9, 0))
    save_reminder(dana_client)
    new_yorker.delete()
    traveller.to(ny(2026, 2, 2, 20, 1))
    run_worker()
    assert mailoutbox == []
    assert results() == ["stale"]
