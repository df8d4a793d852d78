"""The daily check-in on the web: today's, one per local day, edit, delete, missed days."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine

from alongside.checkins.models import CheckIn

# A Monday in spring, mid-afternoon in London.
NOW = dt.datetime(2026, 4, 13, 14, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 4, 13)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def checkin_data(day: dt.date | None = TODAY, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "mood": "6",
        "calm": "2",
        "close": "3",
        "hopeful": "",
        "anxious": "1",
        "irritated": "",
        "sad": "",
        "need_security": "4",
        "need_trust": "",
        "need_reliability": "3",
        "need_predictability": "",
        "need_nurturance": "",
        "need_guidance": "",
        "need_autonomy": "5",
        "body_areas": ["shoulders", "jaw"],
        "support_received_kinds": ["emotional"],
        "support_received_from": "my sister",
        "support_given_kinds": ["practical"],
        "support_given_to": "a neighbour",
        "note": "Walked by the canal and felt lighter.",
    }
    if day is not None:
        data["day"] = day.isoformat()
    data.update(overrides)
    return data


def make_checkin(owner: Any, day: dt.date = TODAY, **fields: Any) -> CheckIn:
    values: dict[str, Any] = {"mood": 5, "calm": 2, "note": "An ordinary day."}
    values.update(fields)
    return CheckIn.objects.create(owner=owner, day=day, **values)


def is_checked(html: str, name: str, value: str) -> bool:
    """Whether the radio/checkbox ``name=value`` is rendered as checked."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no input {name}={value} in the page")


def test_it_shows_todays_form(alice_client: Any) -> None:
    response = alice_client.get("/checkin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "How are you today?" in html
    assert 'name="day" value="2026-04-13"' in html


def test_it_saves_todays_checkin(alice_client: Any, alice: Any) -> None:
    response = alice_client.post("/checkin/", checkin_data())
    checkin = CheckIn.objects.get(owner=alice)
    assert response.status_code == 302
    assert response["Location"] == f"/checkins/{checkin.pk}/"
    assert checkin.day == TODAY
    assert checkin.mood == 6
    assert (checkin.calm, checkin.close, checkin.hopeful, checkin.anxious) == (2, 3, None, 1)
    assert checkin.need_security == 4
    assert checkin.need_trust is None
    assert checkin.need_autonomy == 5
    assert sorted(checkin.body_areas) == ["jaw", "shoulders"]
    assert checkin.support_received_kinds == ["emotional"]
    assert checkin.support_received_from == "my sister"
    assert checkin.support_given_kinds == ["practical"]
    assert checkin.support_given_to == "a neighbour"
    assert checkin.note == "Walked by the canal and felt lighter."


def test_it_shows_the_saved_checkin(alice_client: Any, alice: Any) -> None:
    checkin = make_checkin(alice, note="Lunch with Ben & the kids <3")
    response = alice_client.get(f"/checkins/{checkin.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Monday 13 April 2026" in html
    assert "Lunch with Ben &amp; the kids &lt;3" in html


def test_it_needs_only_a_mood(alice_client: Any, alice: Any) -> None:
    response = alice_client.post("/checkin/", {"day": "2026-04-13", "mood": "0"})
    assert response.status_code == 302
    checkin = CheckIn.objects.get(owner=alice)
    assert checkin.mood == 0
    assert checkin.note == ""
    assert checkin.body_areas == []


def test_it_opens_the_edit_form_once_today_is_done(alice_client: Any, alice: Any) -> None:
    checkin = make_checkin(alice)
    response = alice_client.get("/checkin/")
    assert response.status_code == 302
    assert response["Location"] == f"/checkins/{checkin.pk}/edit/"


def test_it_refuses_a_second_checkin_for_the_same_day(alice_client: Any, alice: Any) -> None:
    # E.g. a second browser tab: the first submission already saved today's check-in.
    first = make_checkin(alice, mood=3, note="The first one.")
    response = alice_client.post(
        "/checkin/", checkin_data(note="Typed in the other tab, must not be lost.")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "You already checked in for this day" in html
    assert "Typed in the other tab, must not be lost." in html
    assert is_checked(html, "mood", "6")
    assert CheckIn.objects.filter(owner=alice).count() == 1
    first.refresh_from_db()
    assert (first.mood, first.note) == (3, "The first one.")


def test_it_refuses_a_second_missed_day_entry_for_a_day_already_filled(
    alice_client: Any, alice: Any
) -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    make_checkin(alice, day=yesterday, mood=4)
    response = alice_client.post(
        "/checkin/missed-day/", checkin_data(day=yesterday, note="Again for yesterday")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<p class="error" id="day_error">You already checked in for this day', html)
    assert "Again for yesterday" in html
    assert CheckIn.objects.get(owner=alice).mood == 4


def test_it_edits_a_checkin(alice_client: Any, alice: Any) -> None:
    checkin = make_checkin(alice, mood=2)
    page = alice_client.get(f"/checkins/{checkin.pk}/edit/")
    assert page.status_code == 200
    assert is_checked(page.content.decode(), "mood", "2")
    response = alice_client.post(
        f"/checkins/{checkin.pk}/edit/", checkin_data(day=None, mood="8", note="Better now.")
    )
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert (checkin.mood, checkin.note, checkin.day) == (8, "Better now.", TODAY)


def test_editing_cannot_move_a_checkin_to_another_day(alice_client: Any, alice: Any) -> None:
    checkin = make_checkin(alice)
    alice_client.post(
        f"/checkins/{checkin.pk}/edit/", checkin_data(day=TODAY - dt.timedelta(days=2))
    )
    checkin.refresh_from_db()
    assert checkin.day == TODAY


def test_it_edits_an_older_checkin(alice_client: Any, alice: Any) -> None:
    checkin = make_checkin(alice, day=TODAY - dt.timedelta(days=20), mood=2)
    response = alice_client.post(f"/checkins/{checkin.pk}/edit/", checkin_data(mood="3"))
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert checkin.mood == 3


def test_it_deletes_a_checkin_after_asking(alice_client: Any, alice: Any) -> None:
    checkin = make_checkin(alice)
    page = alice_client.get(f"/checkins/{checkin.pk}/delete/")
    assert page.status_code == 200
    assert "Delete this check-in?" in page.content.decode()
    assert CheckIn.objects.filter(pk=checkin.pk).exists()
    response = alice_client.post(f"/checkins/{checkin.pk}/delete/")
    assert response.status_code == 302
    assert response["Location"] == "/checkins/"
    assert not CheckIn.objects.filter(pk=checkin.pk).exists()


def test_it_fills_in_a_missed_day(alice_client: Any, alice: Any) -> None:
    page = alice_client.get("/checkin/missed-day/")
    html = page.content.decode()
    assert 'value="2026-04-12"' in html  # yesterday is offered
    assert 'min="2026-04-06"' in html
    assert 'max="2026-04-13"' in html
    response = alice_client.post("/checkin/missed-day/", checkin_data(day=dt.date(2026, 4, 12)))
    assert response.status_code == 302
    assert CheckIn.objects.get(owner=alice).day == dt.date(2026, 4, 12)


def test_it_fills_in_a_day_exactly_seven_days_back(alice_client: Any, alice: Any) -> None:
    day = TODAY - dt.timedelta(days=7)
    response = alice_client.post("/checkin/missed-day/", checkin_data(day=day))
    assert response.status_code == 302
    assert CheckIn.objects.get(owner=alice).day == day


def test_it_refuses_a_backfill_older_than_seven_days(alice_client: Any, alice: Any) -> None:
    day = TODAY - dt.timedelta(days=8)
    response = alice_client.post(
        "/checkin/missed-day/", checkin_data(day=day, note="Remembering a week ago")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "You can fill in a missed day up to 7 days back." in html
    assert 'value="2026-04-05"' in html  # the day they picked stays in the field
    assert "Remembering a week ago" in html
    assert is_checked(html, "need_security", "4")
    assert not CheckIn.objects.exists()


def test_it_refuses_a_future_day(alice_client: Any, alice: Any) -> None:
    response = alice_client.post(
        "/checkin/missed-day/", checkin_data(day=TODAY + dt.timedelta(days=1), note="Hopeful")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "That day hasn&#x27;t happened yet." in html
    assert "Hopeful" in html
    assert not CheckIn.objects.exists()


def test_it_refuses_a_future_day_posted_to_the_today_form(alice_client: Any) -> None:
    response = alice_client.post("/checkin/", checkin_data(day=TODAY + dt.timedelta(days=1)))
    assert response.status_code == 200
    assert "That day hasn&#x27;t happened yet." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_it_explains_a_date_it_cannot_read(alice_client: Any) -> None:
    response = alice_client.post("/checkin/missed-day/", {**checkin_data(), "day": "last tuesday"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a date like 2026-03-14." in html
    assert 'value="last tuesday"' in html
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mood", "11", "Mood goes from 0 to 10."),
        ("mood", "-1", "Mood goes from 0 to 10."),
        ("mood", "seven", "Mood goes from 0 to 10."),
        ("mood", "", "Pick a number for your overall mood."),
        ("calm", "9", "Choose one of the five steps, or &#x27;skip&#x27;."),
        ("sad", "lots", "Choose one of the five steps, or &#x27;skip&#x27;."),
        ("need_trust", "0", "Choose one of the steps, or &#x27;skip&#x27;."),
        ("need_guidance", "6", "Choose one of the steps, or &#x27;skip&#x27;."),
        ("need_autonomy", "x", "Choose one of the steps, or &#x27;skip&#x27;."),
        ("body_areas", ["elbow"], "Select a valid choice."),
        ("support_given_kinds", ["money"], "Select a valid choice."),
    ],
)
def test_it_explains_bad_ratings_and_keeps_what_was_typed(
    alice_client: Any, alice: Any, field: str, value: Any, message: str
) -> None:
    typed_note = f"Kept even though {field} was wrong."
    response = alice_client.post("/checkin/", checkin_data(note=typed_note, **{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    # The message sits inside the field's own fieldset, next to it.
    fieldset = re.search(
        rf'<fieldset class="choices[^"]*has-error"[^>]*>(?:(?!</fieldset>).)*name="{field}"'
        rf"(?:(?!</fieldset>).)*</fieldset>",
        html,
        re.S,
    )
    assert fieldset, f"no error next to {field}"
    assert message in fieldset.group(0)
    # Everything else the person chose or typed is still there.
    assert typed_note in html
    assert "my sister" in html
    assert "a neighbour" in html
    if field != "mood":
        assert is_checked(html, "mood", "6")
    if field != "calm":
        assert is_checked(html, "calm", "2")
    if field != "need_security":
        assert is_checked(html, "need_security", "4")
    if field != "body_areas":
        assert is_checked(html, "body_areas", "shoulders")
    assert is_checked(html, "support_received_kinds", "emotional")
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("field", ["note", "support_given_to", "support_received_from"])
def test_it_refuses_null_characters_with_a_message(
    alice_client: Any, alice: Any, field: str
) -> None:
    # PostgreSQL cannot store them; the form says so instead of failing.
    response = alice_client.post("/checkin/", {**checkin_data(), field: "odd\x00text"})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(
        rf'<p class="error" id="id_{field}_error">Null characters are not allowed.</p>', html
    )
    assert not CheckIn.objects.exists()


def test_it_refuses_an_overlong_note_and_keeps_it(alice_client: Any) -> None:
    note = "I keep writing. " * 250 + "The end."  # 4008 characters
    assert len(note) > 4000
    response = alice_client.post("/checkin/", checkin_data(note=note))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(
        r'<p class="error" id="id_note_error">Notes can be up to 4000 characters; '
        r"this one has 4008.</p>",
        html,
    )
    assert note.strip() in html
    assert is_checked(html, "mood", "6")
    assert not CheckIn.objects.exists()


def test_a_bad_edit_leaves_the_stored_checkin_alone(alice_client: Any, alice: Any) -> None:
    checkin = make_checkin(alice, mood=4, note="Original words.")
    response = alice_client.post(
        f"/checkins/{checkin.pk}/edit/", checkin_data(mood="12", note="New words, not saved yet")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mood goes from 0 to 10." in html
    assert "New words, not saved yet" in html
    checkin.refresh_from_db()
    assert (checkin.mood, checkin.note) == (4, "Original words.")


def test_today_follows_the_persons_time_zone(alice: Any, alice_client: Any) -> None:
    # 23:30 UTC on 13 April is already 11:30 on 14 April in Auckland.
    alice.time_zone = "Pacific/Auckland"
    alice.save()
    with time_machine.travel(dt.datetime(2026, 4, 13, 23, 30, tzinfo=dt.UTC), tick=False):
        assert alice.local_today() == dt.date(2026, 4, 14)
        page = alice_client.get("/checkin/")
        assert 'name="day" value="2026-04-14"' in page.content.decode()
        alice_client.post("/checkin/", checkin_data(day=dt.date(2026, 4, 14)))
    assert CheckIn.objects.get(owner=alice).day == dt.date(2026, 4, 14)


def test_the_day_has_not_ended_yet_in_los_angeles(alice: Any, alice_client: Any) -> None:
    alice.time_zone = "America/Los_Angeles"
    alice.save()
    with time_machine.travel(dt.datetime(2026, 4, 14, 3, 0, tzinfo=dt.UTC), tick=False):
        assert alice.local_today() == dt.date(2026, 4, 13)
        # For someone in Los Angeles, 14 April is still tomorrow.
        response = alice_client.post("/checkin/", checkin_data(day=dt.date(2026, 4, 14)))
        assert "That day hasn&#x27;t happened yet." in response.content.decode()
        response = alice_client.post("/checkin/", checkin_data(day=dt.date(2026, 4, 13)))
        assert response.status_code == 302
    assert CheckIn.objects.get(owner=alice).day == dt.date(2026, 4, 13)


def test_two_people_each_have_their_own_today(
    alice: Any, ben: Any, alice_client: Any, ben_client: Any
) -> None:
    assert alice_client.post("/checkin/", checkin_data()).status_code == 302
    assert ben_client.post("/checkin/", checkin_data()).status_code == 302
    assert CheckIn.objects.filter(day=TODAY).count() == 2


def test_a_feeling_chosen_by_mistake_can_be_skipped_again(alice_client: Any, alice: Any) -> None:
    alice_client.post("/checkin/", checkin_data(anxious="3"))
    checkin = CheckIn.objects.get(owner=alice)
    assert checkin.anxious == 3
    form = alice_client.get(f"/checkins/{checkin.pk}/edit/").content.decode()
    assert 'name="anxious" value=""' in form  # the "skip" chip beside the five steps
    alice_client.post(f"/checkins/{checkin.pk}/edit/", checkin_data(day=None, anxious=""))
    checkin.refresh_from_db()
    assert checkin.anxious is None


def test_a_missed_day_is_asked_about_as_that_day(alice_client: Any) -> None:
    html = alice_client.get("/checkin/missed-day/?day=2026-04-10").content.decode()
    assert "Overall, how were you that day?" in html
    assert "How much of each did you feel that day?" in html
    assert "That day I wanted …" in html
    assert "today" not in html.split("<main", 1)[1].split("</form>", 1)[0].lower()


def test_a_missed_day_is_asked_about_as_that_day_in_german(alice_client: Any) -> None:
    html = alice_client.get(
        "/checkin/missed-day/?day=2026-04-10", HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "Wie ging es dir an diesem Tag insgesamt?" in html
    assert "Wie geht es dir heute insgesamt?" not in html
    assert "Heute wollte ich" not in html


def test_changing_an_earlier_day_asks_about_that_day(alice_client: Any, alice: Any) -> None:
    earlier = make_checkin(alice, day=TODAY - dt.timedelta(days=2))
    html = alice_client.get(f"/checkins/{earlier.pk}/edit/").content.decode()
    assert "Overall, how were you that day?" in html
    assert "Overall, how are you today?" not in html
    todays = make_checkin(alice)
    html = alice_client.get(f"/checkins/{todays.pk}/edit/").content.decode()
    assert "Overall, how are you today?" in html


def test_an_earlier_days_entry_says_that_day_i_wanted(alice_client: Any, alice: Any) -> None:
    earlier = make_checkin(alice, day=TODAY - dt.timedelta(days=3), closeness_wish="closer")
    html = alice_client.get(f"/checkins/{earlier.pk}/").content.decode()
    assert "That day I wanted more closeness." in html
    todays = make_checkin(alice, closeness_wish="space")
    html = alice_client.get(f"/checkins/{todays.pk}/").content.decode()
    assert "Today I wanted more space." in html


def test_a_kept_empty_form_never_stands_in_for_one_with_answers_or_errors(
    alice_client: Any, alice: Any, client: Any, eve: Any
) -> None:
    # The empty form's ratings are drawn once and kept; everyone gets the same.
    first = alice_client.get("/checkin/").content.decode()
    client.force_login(eve)
    assert client.get("/checkin/").content.decode().count('name="calm"') == first.count(
        'name="calm"'
    )
    # A form sent back with a mistake keeps every answer and says what is wrong.
    response = alice_client.post("/checkin/", checkin_data(mood="11"))
    html = response.content.decode()
    assert is_checked(html, "calm", "2") and is_checked(html, "need_autonomy", "5")
    assert "Mood goes from 0 to 10." in html
    # Changing a saved day shows what was saved.
    saved = make_checkin(alice, calm=4, need_trust=1)
    html = alice_client.get(f"/checkins/{saved.pk}/edit/").content.decode()
    assert is_checked(html, "calm", "4") and is_checked(html, "need_trust", "1")
    # The empty form again: nothing of either is left in it.
    saved.delete()
    html = alice_client.get("/checkin/").content.decode()
    assert not any(is_checked(html, "calm", v) for v in ("1", "2", "3", "4"))
