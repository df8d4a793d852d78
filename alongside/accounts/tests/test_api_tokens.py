"""Personal API tokens: the password first, a notice, an expiry, a last-used date, and a
new password ends them all (issue 8, point 3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import time_machine
from django.test import Client
from django.utils import timezone

from alongside.accounts.models import ApiToken
from alongside.accounts.tests.outbox import sent_to

API = "/api/v1/checkins/"
NEW_PASSWORD = "a different river at noon 9"


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def create(client: Client, name: str = "laptop", lifetime: str = "90") -> Any:
    return client.post("/settings/tokens/", {"name": name, "lifetime": lifetime})


def test_it_asks_for_the_password_before_creating_a_token(
    alice_client: Client, outbox: Path
) -> None:
    response = create(alice_client)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/?next=%2Fsettings%2Ftokens")
    assert not ApiToken.objects.exists()
    assert sent_to(outbox, "alice@example.org") == []


def test_after_the_password_the_token_is_made_and_the_owner_is_told(
    alice: Any, alice_client: Client, reauthenticate: Any, outbox: Path
) -> None:
    create(alice_client)
    # allauth replays the suspended request after the password: the token is shown once.
    page = reauthenticate(alice_client, next="/settings/tokens/")
    assert page.status_code == 200
    raw = page.context["new_token"]
    assert raw in page.content.decode()
    assert ApiToken.owner_for(raw) == alice

    (notice,) = sent_to(outbox, alice.email)
    assert "API token" in notice.subject
    assert "'laptop'" in notice.body
    assert "If it wasn't you" in notice.body
    assert "/settings/tokens/" in notice.body


def test_a_token_lasts_90_days_unless_another_lifetime_is_chosen(
    alice_client: Client, reauthenticate: Any
) -> None:
    reauthenticate(alice_client)
    before = timezone.now()
    page = alice_client.get("/settings/tokens/").content.decode()
    assert '<option value="90" selected>' in page
    assert "never" not in page.lower()
    create(alice_client, "default")
    create(alice_client, "short", lifetime="7")
    default, short = (ApiToken.objects.get(name=n) for n in ("default", "short"))
    assert dt.timedelta(days=90) <= default.expires_at - before < dt.timedelta(days=90, minutes=1)
    assert dt.timedelta(days=7) <= short.expires_at - before < dt.timedelta(days=7, minutes=1)


def test_a_lifetime_not_offered_is_refused_and_the_name_kept(
    alice_client: Client, reauthenticate: Any
) -> None:
    reauthenticate(alice_client)
    response = create(alice_client, "forever script", lifetime="0")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_lifetime_error"' in html
    assert 'value="forever script"' in html
    assert not ApiToken.objects.exists()


def test_an_expired_token_answers_401(alice: Any) -> None:
    _token, raw = ApiToken.issue(alice, "laptop", lifetime=dt.timedelta(days=7))
    assert Client().get(API, headers=bearer(raw)).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, seconds=1)):
        assert Client().get(API, headers=bearer(raw)).status_code == 401


def test_the_owner_sees_the_expiry_and_when_a_token_was_last_used(
    alice: Any, alice_client: Client
) -> None:
    token, raw = ApiToken.issue(alice, "laptop", lifetime=dt.timedelta(days=30))
    page = alice_client.get("/settings/tokens/").content.decode()
    assert "not used yet" in page
    assert f"expires {timezone.localtime(token.expires_at, alice.tz):%-d %b %Y}" in page
    Client().get(API, headers=bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert "last used" in alice_client.get("/settings/tokens/").content.decode()


def test_an_expired_token_is_shown_as_expired(alice: Any, alice_client: Client) -> None:
    ApiToken.issue(alice, "old script", lifetime=dt.timedelta(days=7))
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        page = alice_client.get("/settings/tokens/").content.decode()
    assert "expired" in page


def test_last_used_is_written_at_most_once_a_minute(alice: Any) -> None:
    token, raw = ApiToken.issue(alice, "laptop")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        Client().get(API, headers=bearer(raw))
        token.refresh_from_db()
        first = token.last_used_at
        assert first == start
        clock.shift(30)
        Client().get(API, headers=bearer(raw))
        token.refresh_from_db()
        assert token.last_used_at == first
        clock.shift(61)
        Client().get(API, headers=bearer(raw))
        token.refresh_from_db()
        assert token.last_used_at == start + dt.timedelta(seconds=91)


def test_a_password_change_ends_every_token(
    alice: Any, sign_in: Any, password: str, outbox: Path
) -> None:
    _one, raw = ApiToken.issue(alice, "laptop")
    ApiToken.issue(alice, "phone")
    client = sign_in(alice)
    done = client.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert not ApiToken.objects.filter(owner=alice).exists()
    assert Client().get(API, headers=bearer(raw)).status_code == 401


def test_a_password_reset_ends_every_token(alice: Any, ben: Any, outbox: Path) -> None:
    ApiToken.issue(alice, "laptop")
    ApiToken.issue(ben, "ben's script")
    client = Client()
    client.post("/accounts/password/reset/", {"email": alice.email})
    (link_mail,) = sent_to(outbox, alice.email)
    path = link_mail.body.split("http://testserver", 1)[1].split()[0]
    form = client.get(path, follow=True)
    action = form.redirect_chain[-1][0] if form.redirect_chain else path
    client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["ben's script"]
