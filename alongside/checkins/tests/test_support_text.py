"""Who gave or got support, in a person's own words: encrypted, one line, up to 200 characters."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from alongside.checkins.models import CheckIn

NOW = dt.datetime(2026, 4, 13, 14, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("field", ["support_received_from", "support_given_to"])
def test_an_overlong_name_gets_the_usual_message_and_is_kept(
    alice_client: Client, field: str
) -> None:
    typed = "my sister and " + "x" * 187  # 201 characters
    response = alice_client.post("/checkin/", {"day": "2026-04-13", "mood": "5", field: typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ensure this value has at most 200 characters (it has 201)." in page
    # Still a one-line field holding every character that was typed.
    assert re.search(rf'<input type="text" name="{field}" value="{typed}" maxlength="200"', page)
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("field", ["support_received_from", "support_given_to"])
def test_the_model_refuses_an_overlong_name_too(alice: Any, field: str) -> None:
    checkin = CheckIn(owner=alice, day=dt.date(2026, 4, 13), mood=5, **{field: "x" * 201})
    with pytest.raises(ValidationError, match="at most 200 characters"):
        checkin.full_clean()
