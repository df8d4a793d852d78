"""Deleting the account: password again, type DELETE, and everything I own is gone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from alongside.accounts.models import AccessLogEntry, ApiToken, User
from alongside.checkins.models import CheckIn
from alongside.reminders.models import ReminderSchedule


@pytest.fixture
def owned(alice: Any, ben: Any) -> None:
    for n in range(3):
        CheckIn.objects.create(owner=alice, day=dt.date(2026, 4, 10 + n), mood=5, note="mine")
    CheckIn.objects.create(owner=ben, day=dt.date(2026, 4, 12), mood=3, note="Ben's")
    ReminderSchedule.objects.create(owner=alice, weekdays=[1])
    ApiToken.issue(alice, "script")
    AccessLogEntry.objects.create(owner=alice, viewer=ben, viewer_label="Ben", categories=["mood"])
    AccessLogEntry.objects.create(
        owner=ben, viewer=alice, viewer_label="Alice", categories=["mood"]
    )


def test_the_confirmation_page_is_shown_without_a_password(alice_client: Client) -> None:
    response = alice_client.get("/settings/data/delete/")
    assert response.status_code == 200
    assert "Type DELETE to confirm" in response.content.decode()


def test_deleting_asks_for_the_password_first(
    alice_client: Client, alice: Any, owned: None
) -> None:
    response = alice_client.post("/settings/data/delete/", {"confirm": "DELETE"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert User.objects.filter(pk=alice.pk).exists()
    assert CheckIn.objects.filter(owner=alice).count() == 3


@pytest.mark.parametrize("typed", ["", "delete", "yes", "DELETE ME"])
def test_the_wrong_confirmation_is_refused_with_a_message(
    alice_client: Client, alice: Any, owned: None, reauthenticate: Any, typed: str
) -> None:
    reauthenticate(alice_client)
    response = alice_client.post("/settings/data/delete/", {"confirm": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<p class="error" id="id_confirm_error">Type DELETE (in capitals) to confirm.</p>' in html
    )
    if typed:
        assert f'value="{typed}"' in html
    assert User.objects.filter(pk=alice.pk).exists()
    assert CheckIn.objects.filter(owner=alice).count() == 3


def test_the_right_confirmation_deletes_everything_i_own(
    alice_client: Client, alice: Any, ben: Any, owned: None, reauthenticate: Any
) -> None:
    reauthenticate(alice_client)
    response = alice_client.post("/settings/data/delete/", {"confirm": "DELETE"})
    assert response.status_code == 200
    assert not User.objects.filter(pk=alice.pk).exists()
    assert not CheckIn.objects.filter(owner_id=alice.pk).exists()
    assert not ReminderSchedule.objects.filter(owner_id=alice.pk).exists()
    assert not ApiToken.objects.filter(owner_id=alice.pk).exists()
    assert not AccessLogEntry.objects.filter(owner_id=alice.pk).exists()
    assert not EmailAddress.objects.filter(email="alice@example.org").exists()
    # Other people's data is untouched.
    assert CheckIn.objects.get(owner=ben).note == "Ben's"
    assert AccessLogEntry.objects.filter(owner=ben).count() == 1
    # And the browser is signed out.
    assert alice_client.get("/checkin/").status_code == 302


def test_resuming_after_the_password_deletes_in_one_go(
    alice_client: Client, alice: Any, owned: None, reauthenticate: Any
) -> None:
    alice_client.post("/settings/data/delete/", {"confirm": "DELETE"})
    reauthenticate(alice_client, next="/settings/data/delete/")
    assert not User.objects.filter(pk=alice.pk).exists()


def test_the_email_address_can_sign_up_again_afterwards(
    alice_client: Client, alice: Any, reauthenticate: Any, mailoutbox: list[Any]
) -> None:
    reauthenticate(alice_client)
    alice_client.post("/settings/data/delete/", {"confirm": "DELETE"})
    Client().post(
        "/accounts/signup/",
        {
            "display_name": "Alice",
            "email": "alice@example.org",
            "password1": "a brand new start 2026",
            "password2": "a brand new start 2026",
        },
    )
    assert User.objects.filter(email="alice@example.org").exists()
