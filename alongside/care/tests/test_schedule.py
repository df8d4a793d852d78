"""A questionnaire asked every few weeks comes due on the right days, at the client's own
time in the client's zone (across a clock change), closes at the end of its last day, and
sends its one e-mail once, through the real django-tasks-db worker."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.test import Client

from alongside.care.models import Assignment, Due
from alongside.care.schedule import (
    close_times,
    due_days,
    open_dues_for,
    open_dues_for_client,
    plan,
)
from alongside.care.tests.assign_helpers import (
    CSI_16,
    answer_through_pages,
    start_due,
)
from alongside.reminders.models import ReminderSchedule
from alongside.reminders.tests.test_reminders import traveller
from conftest import results, run_worker

__all__ = ["traveller"]  # the fixture, shared with the reminder tests

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = dt.UTC

pytestmark = pytest.mark.django_db(transaction=True)


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def assign(client: Client, care: Any, **fields: str) -> Any:
    data = {"instrument": "csi-4", "open_days": "7", **fields}
    response = client.post(f"/care/clients/{care.pk}/assign/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Assignment.objects.get(care_link=care)


def home(client: Client) -> str:
    return client.get("/").content.decode()


def test_every_two_weeks_at_nine_in_london_across_the_clock_change(
    traveller: Any,
    care: Any,
    dana_client: Client,
    alice_client: Client,
    mailoutbox: list[Any],
) -> None:
    # Thursday 12 March; British clocks go forward at 01:00 GMT on Sunday 29 March 2026.
    traveller.to(london(2026, 3, 12, 10, 0))
    assignment = assign(
        dana_client, care, every_weeks="2", first_due_on="2026-03-16", ends_on="2026-04-30"
    )
    assert list(due_days(assignment)) == [
        dt.date(2026, 3, 16),
        dt.date(2026, 3, 30),
        dt.date(2026, 4, 13),
        dt.date(2026, 4, 27),
    ]
    (first,) = Due.objects.all()  # planned one ahead, not all at once
    assert first.due_on == dt.date(2026, 3, 16)
    assert first.opens_at == dt.datetime(2026, 3, 16, 9, 0, tzinfo=UTC)  # 09:00 GMT
    # Open 7 days counting the Monday: until the end of Sunday 22 March.
    assert first.expires_at == dt.datetime(2026, 3, 23, 0, 0, tzinfo=UTC)
    assert first.client_last_day == dt.date(2026, 3, 22)

    traveller.to(london(2026, 3, 16, 8, 59))
    run_worker()
    assert mailoutbox == []
    assert "asked you to answer" not in home(alice_client)

    traveller.to(london(2026, 3, 16, 9, 1))
    run_worker()
    (message,) = mailoutbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "A questionnaire is waiting for you"
    assert "Dana asked you to answer CSI-4" in message.body
    assert "until the end of Sunday 22 March" in message.body
    page = home(alice_client)
    assert "Dana asked you to answer CSI-4" in page
    assert "Answer now" in page and "Decline" in page
    first.refresh_from_db()
    assert first.reminded_at == london(2026, 3, 16, 9, 1)
    # Opening planned the next time: 09:00 on the wall clock, now British Summer Time.
    second = Due.objects.get(due_on=dt.date(2026, 3, 30))
    assert second.opens_at == dt.datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert second.opens_at == london(2026, 3, 30, 9, 0)
    assert second.expires_at == dt.datetime(2026, 4, 5, 23, 0, tzinfo=UTC)  # BST midnight

    # The worker again the same morning sends nothing more.
    traveller.to(london(2026, 3, 16, 11, 0))
    run_worker()
    run_worker()
    assert len(mailoutbox) == 1

    # The end of Sunday: gone from her list, stored as lapsed, nothing sent.
    traveller.to(london(2026, 3, 22, 23, 59))
    assert list(open_dues_for(care)) == [first]
    traveller.to(london(2026, 3, 23, 0, 0))
    assert list(open_dues_for(care)) == []
    assert "asked you to answer" not in home(alice_client)
    run_worker()
    first.refresh_from_db()
    assert first.status == "lapsed"
    assert len(mailoutbox) == 1

    traveller.to(london(2026, 3, 30, 8, 59))
    run_worker()
    assert len(mailoutbox) == 1
    traveller.to(london(2026, 3, 30, 9, 0))
    run_worker()
    run_worker()
    assert len(mailoutbox) == 2
    assert list(open_dues_for_client(care.client)) == [second]

    # And so on to the last day: 27 April is the last time, nothing after 30 April.
    for day in (dt.date(2026, 4, 13), dt.date(2026, 4, 27)):
        traveller.to(dt.datetime.combine(day, dt.time(9, 30), tzinfo=LONDON))
        run_worker()
    traveller.to(london(2026, 6, 1, 12, 0))
    run_worker()
    assert [d.due_on for d in Due.objects.order_by("due_on")] == list(due_days(assignment))
    assert len(mailoutbox) == 4
    assert set(Due.objects.values_list("status", flat=True)) == {"lapsed"}


def test_it_opens_at_the_clients_own_reminder_time(
    traveller: Any, care: Any, dana_client: Client, alice: Any
) -> None:
    traveller.to(london(2026, 3, 12, 10, 0))
    ReminderSchedule.objects.create(owner=alice, weekdays=[0], at=dt.time(19, 30))
    assign(dana_client, care, first_due_on="2026-03-16")
    due = Due.objects.get()
    assert due.opens_at == london(2026, 3, 16, 19, 30)


def test_asked_once_is_planned_once(traveller: Any, care: Any, dana_client: Client) -> None:
    traveller.to(london(2026, 3, 12, 10, 0))
    assignment = assign(dana_client, care, first_due_on="2026-03-12", open_days="3")
    traveller.to(london(2026, 3, 20, 10, 0))
    run_worker()
    assert plan(assignment) == []
    assert [d.due_on for d in Due.objects.all()] == [dt.date(2026, 3, 12)]


def test_today_opens_at_once_when_its_time_has_passed(
    traveller: Any, care: Any, dana_client: Client, alice_client: Client, mailoutbox: list[Any]
) -> None:
    traveller.to(london(2026, 3, 12, 15, 0))  # after 09:00 already
    assign(dana_client, care, first_due_on="2026-03-12", every_weeks="1")
    run_worker()
    assert len(mailoutbox) == 1
    assert "Dana asked you to answer CSI-4" in home(alice_client)


def test_no_email_once_it_is_answered(
    traveller: Any, care: Any, dana_client: Client, alice_client: Client, mailoutbox: list[Any]
) -> None:
    traveller.to(london(2026, 3, 12, 10, 0))
    assign(dana_client, care, first_due_on="2026-03-16")
    traveller.to(london(2026, 3, 16, 9, 5))  # open, but the worker has not run yet
    (due,) = open_dues_for(care)
    answer_through_pages(alice_client, start_due(alice_client, due), CSI_16)
    due.refresh_from_db()
    assert due.status == "done"
    assert due.take is not None and due.take.scores["satisfaction"]["value"] == 16
    run_worker()
    assert [m for m in mailoutbox if m.to == ["alice@example.org"]] == []
    assert "not open (done)" in results()
    assert "asked you to answer" not in home(alice_client)


def test_no_email_when_the_client_turned_reminders_off(
    traveller: Any, care: Any, dana_client: Client, alice: Any, mailoutbox: list[Any]
) -> None:
    traveller.to(london(2026, 3, 12, 10, 0))
    ReminderSchedule.objects.create(owner=alice, enabled=False, weekdays=[], at=dt.time(20))
    assign(dana_client, care, first_due_on="2026-03-16")
    traveller.to(london(2026, 3, 16, 20, 5))  # her time, even with reminders off
    run_worker()
    assert mailoutbox == []
    assert "quiet: reminders are off" in results()
    assert list(open_dues_for(care))  # still on her list


def test_a_discreet_client_gets_a_neutral_email(
    traveller: Any, care: Any, dana_client: Client, alice: Any, mailoutbox: list[Any]
) -> None:
    alice.discreet = True
    alice.save()
    traveller.to(london(2026, 3, 12, 10, 0))
    assign(dana_client, care, first_due_on="2026-03-16")
    traveller.to(london(2026, 3, 16, 9, 5))
    run_worker()
    (message,) = mailoutbox
    assert "Dana" not in message.subject and "questionnaire" not in message.subject.lower()
    assert "Dana" not in message.body and "CSI" not in message.body
    assert "Something you were asked to fill in" in message.body


def test_stopping_removes_what_has_not_opened_and_sends_nothing(
    traveller: Any, care: Any, dana_client: Client, alice_client: Client, mailoutbox: list[Any]
) -> None:
    traveller.to(london(2026, 3, 12, 10, 0))
    assignment = assign(dana_client, care, first_due_on="2026-03-16", every_weeks="1")
    response = dana_client.post(f"/care/assignments/{assignment.pk}/stop/")
    assert response.status_code == 302
    assert not Due.objects.exists()
    traveller.to(london(2026, 3, 16, 9, 5))
    run_worker()
    assert mailoutbox == []
    assert results() == ["stale"]
    assert "asked you to answer" not in home(alice_client)
    assignment.refresh_from_db()
    assert assignment.stopped_at is not None
    assert care.assignments.get().pk == assignment.pk


def test_opening_and_closing_times_are_the_clients_wall_clock() -> None:
    # The Sunday the clocks go forward: 01:30 does not exist in London and lands after it.
    opens, closes = close_times(dt.date(2026, 3, 29), open_days=1, at=dt.time(1, 30), tz=LONDON)
    assert opens.astimezone(LONDON).replace(tzinfo=None) == dt.datetime(2026, 3, 29, 2, 30)
    assert closes == london(2026, 3, 30, 0, 0)
    # The Sunday they go back (25 October): the day has 25 hours.
    opens, closes = close_times(dt.date(2026, 10, 25), open_days=1, at=dt.time(0), tz=LONDON)
    assert closes - opens == dt.timedelta(hours=25)


def test_a_started_take_left_unfinished_is_let_go_when_it_closes(
    traveller: Any, care: Any, dana_client: Client, alice_client: Client
) -> None:
    traveller.to(london(2026, 3, 12, 10, 0))
    assign(dana_client, care, first_due_on="2026-03-12", open_days="1")
    (due,) = open_dues_for(care)
    take = start_due(alice_client, due)
    traveller.to(london(2026, 3, 13, 0, 1))
    run_worker()
    due.refresh_from_db()
    assert (due.status, due.take_id) == ("lapsed", None)
    take.refresh_from_db()  # still hers, to finish or delete as she likes
    assert take.status == "in_progress"
