"""Nothing shows the partner when the other was last active (issue 9, point 5).

Alice uses the app (checks in privately, edits a day, changes her reminders, her time zone
and safety settings, looks at her own pages) without changing anything she shares: every
page ben can open about her stays exactly as it was, and his access log gains nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import time_machine
from django.test import Client

from alongside.accounts.models import AccessLogEntry
from alongside.checkins.models import CheckIn
from alongside.circle.models import Link, Notice
from alongside.together.models import Ritual, Session


def _stable(page: str) -> str:
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    return re.sub(r'nonce="[^"]*"', "", page)


def test_alices_activity_leaves_no_trace_on_anything_ben_sees(
    link_couple: Callable[..., Link], alice: Any, ben: Any, alice_client: Client, ben_client: Client
) -> None:
    link = link_couple(["mood", "needs", "together"], ["mood", "together"])
    today = alice.local_today()
    shared = CheckIn.objects.create(owner=alice, day=today - dt.timedelta(days=2), mood=6)
    Session.for_week(link, Ritual.for_link(link).week_start())
    pages = [
        f"/circle/links/{link.pk}/",
        "/circle/",
        f"/together/{link.pk}/",
        f"/together/{link.pk}/history/",
        f"/insights/couple/{link.pk}/",
        f"/assessments/shared/{link.pk}/",
        "/settings/access-log/",
        "/",
    ]
    before = {p: _stable(ben_client.get(p).content.decode()) for p in pages}
    notices, log = Notice.objects.filter(recipient=ben).count(), AccessLogEntry.objects.count()

    # alice is busy in the app, on her own things only.
    for path in ("/", "/checkins/", "/circle/", "/insights/", "/settings/profile/"):
        alice_client.get(path)
    alice_client.post(
        "/checkin/",
        {"day": today.isoformat(), "mood": "3", "note": "just for me", "is_private": "on"},
    )
    alice_client.post(f"/checkins/{shared.pk}/edit/", {"mood": "6", "note": "a note"})
    alice_client.post("/settings/profile/", {"display_name": "Alice", "time_zone": "Asia/Tokyo"})
    alice_client.post("/settings/safety/", {"discreet": "on"})
    alice_client.post("/settings/reminders/", {"enabled": "on", "at": "07:15", "weekdays": "0"})

    alice.refresh_from_db()
    assert (alice.time_zone, alice.discreet) == ("Asia/Tokyo", True)
    assert CheckIn.objects.filter(owner=alice, is_private=True).exists()

    after = {p: _stable(ben_client.get(p).content.decode()) for p in pages}
    for path in pages:
        assert after[path] == before[path], f"{path} changed after alice's own activity"
    assert Notice.objects.filter(recipient=ben).count() == notices
    assert AccessLogEntry.objects.filter(owner=ben).count() == 0
    assert AccessLogEntry.objects.count() == log


def test_moving_to_a_zone_a_day_ahead_does_not_move_the_days_ben_sees(
    link_couple: Callable[..., Link], alice: Any, ben_client: Client
) -> None:
    # 20:00 in London is already tomorrow in Tokyo: the days Ben sees must not follow
    # Alice's zone, or the page would tell him where she is (and that she moved).
    with time_machine.travel(dt.datetime(2026, 4, 13, 20, 0, tzinfo=dt.UTC), tick=False):
        link = link_couple(["mood"], [])
        CheckIn.objects.create(owner=alice, day=dt.date(2026, 4, 12), mood=6)
        url = f"/circle/links/{link.pk}/"
        before = _stable(ben_client.get(url).content.decode())
        alice.time_zone = "Asia/Tokyo"
        alice.save(update_fields=["time_zone"])
        after = _stable(ben_client.get(url).content.decode())
        assert "2026-04-14" not in after
        assert after == before
        # A day she shares from her zone's today still shows, and nothing more.
        CheckIn.objects.create(owner=alice, day=dt.date(2026, 4, 14), mood=7)
        shown = ben_client.get(url).content.decode()
        assert "Tuesday 14 April" in shown
