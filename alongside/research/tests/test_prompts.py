"""Planned prompts stored per participant, the prompt page, and its answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alongside.research import planning, services
from alongside.research.answers import AnswersInvalid, check_answers
from alongside.research.models import Answer, Prompt
from alongside.research.schedule import ScheduleError
from alongside.research.tests.helpers import definition, enrol, make_study, plan_prompt


def _times(participant: Any) -> list[tuple[int, int, int, dt.datetime, str]]:
    return list(
        Prompt.objects.filter(participant=participant)
        .order_by("scheduled_at")
        .values_list("day", "window", "number", "scheduled_at", "local_time")
    )


def test_joining_a_study_plans_every_prompt_ahead(solo: Any, alice: Any) -> None:
    me = enrol(alice, solo)
    prompts = list(Prompt.objects.filter(participant=me).order_by("scheduled_at"))
    days = (solo.ends_on - solo.starts_on).days + 1
    # Two windows, two prompts each, every day of the study.
    assert len(prompts) == days * 4
    first = prompts[0]
    local = dt.datetime.fromisoformat(first.local_time)
    assert local.utcoffset() is not None  # "2026-12-09T18:37+00:00"
    assert local == first.scheduled_at
    assert dt.time(18, 0) <= local.time() < dt.time(22, 0)
    assert first.expires_at - first.scheduled_at == dt.timedelta(minutes=30)
    assert len(first.reminders_at) == 1
    assert {p.dyad_id for p in prompts} == {None}


def test_the_same_study_participant_and_seed_give_the_same_plan(solo: Any, alice: Any) -> None:
    me = enrol(alice, solo)
    before = _times(me)
    Prompt.objects.filter(participant=me).delete()
    planning.plan_participant(me)
    assert _times(me) == before
    solo.seed += 1
    solo.save()
    Prompt.objects.filter(participant=me).delete()
    planning.plan_participant(me)
    assert _times(me) != before


def test_a_couple_is_prompted_together_once_paired(study: Any, alice: Any, ben: Any) -> None:
    me, partner = enrol(alice, study), enrol(ben, study)
    assert not Prompt.objects.exists()  # nobody is prompted before the pair is formed
    dyad = services.dyad_start(participant=me)
    services.dyad_join(participant=partner, raw_code=dyad.code)
    dyad.refresh_from_db()
    assert dyad.study_code == "EVN-D01"
    mine = [(d, w, n, at) for d, w, n, at, _local in _times(me)]
    theirs = [(d, w, n, at) for d, w, n, at, _local in _times(partner)]
    assert mine and mine == theirs
    assert set(Prompt.objects.values_list("dyad", flat=True)) == {dyad.pk}


def test_a_new_time_zone_replans_only_what_is_still_ahead(solo: Any, alice: Any) -> None:
    me = enrol(alice, solo)
    prompts = _times(me)
    cut = prompts[len(prompts) // 2][3]
    me.time_zone = "America/New_York"
    me.save()
    planning.plan_participant(me, now=cut)
    after = _times(me)
    assert [p for p in after if p[3] <= cut] == [p for p in prompts if p[3] <= cut]
    later = [p for p in after if p[3] > cut]
    assert later
    for _d, _w, _n, at, local in later:
        offset = dt.datetime.fromisoformat(local).utcoffset()
        assert offset is not None
        clock = at.astimezone(dt.timezone(offset))
        assert clock.isoformat(timespec="minutes") == local
        assert "-05:00" in local or "-04:00" in local
        assert dt.time(18, 0) <= clock.time() < dt.time(22, 0)


def test_waking_hours_that_do_not_fit_are_refused_by_name(solo: Any, alice: Any) -> None:
    me = enrol(alice, solo)
    with pytest.raises(ScheduleError) as refused:
        planning.check_plannable(me, wakes_at="10:00", sleeps_at="12:00")
    assert refused.value.field == "waking"
    planning.check_plannable(me, wakes_at="08:00", sleeps_at="23:30")


def test_changing_the_schedule_replans_everyone_still_taking_part(
    solo: Any, alice: Any, ben: Any
) -> None:
    me = enrol(alice, solo)
    left = enrol(ben, solo)
    services.participant_withdraw(participant=left, delete=False)
    data = definition(couple=False, code="ALONE", id_prefix="ALN")
    data["schedule"] = {"kind": "daily", "time": "21:00", "expiry": 60}
    services.study_update(study=solo, data=data)
    times = _times(me)
    assert len(times) == (solo.ends_on - solo.starts_on).days + 1
    assert all(local[11:16] == "21:00" for *_rest, local in times)
    assert not Prompt.objects.filter(participant=left).exists()


# ------------------------------------------------------------------ answering


def _due(participant: Any, **fields: Any) -> Prompt:
    return plan_prompt(participant, timezone.now() - dt.timedelta(minutes=5), **fields)


def _page(client: Client, prompt: Prompt, data: dict[str, Any] | None = None) -> Any:
    url = reverse("research:prompt", args=[prompt.pk])
    return client.post(url, data) if data is not None else client.get(url)


def test_opening_a_prompt_records_when_and_answering_stores_the_answers(
    solo: Any, alice: Any, alice_client: Client
) -> None:
    prompt = _due(enrol(alice, solo))
    page = _page(alice_client, prompt)
    assert page.status_code == 200
    html = page.content.decode()
    assert "How close do you feel right now?" in html and 'type="range"' in html
    prompt.refresh_from_db()
    opened = prompt.opened_at
    assert opened is not None
    _page(alice_client, prompt)
    prompt.refresh_from_db()
    assert prompt.opened_at == opened  # the first opening counts
    response = _page(
        alice_client,
        prompt,
        {"close": "72", "calm": "5", "where": "Home", "note": " a quiet evening "},
    )
    assert response.status_code == 302
    prompt.refresh_from_db()
    assert prompt.completed_at is not None
    stored = dict(Answer.objects.filter(prompt=prompt).values_list("item_id", "value"))
    assert stored == {"close": 72, "calm": 5, "where": "Home", "note": "a quiet evening"}
    again = _page(alice_client, prompt)
    assert "You answered this prompt already" in again.content.decode()


def test_an_answer_out_of_range_is_named_and_nothing_typed_is_lost(
    solo: Any, alice: Any, alice_client: Client
) -> None:
    prompt = _due(enrol(alice, solo))
    response = _page(alice_client, prompt, {"close": "140", "note": "my words stay"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "choose a whole number from 0 to 100" in html
    assert "my words stay" in html
    prompt.refresh_from_db()
    assert prompt.completed_at is None and not Answer.objects.exists()


def test_a_choice_that_was_not_offered_is_refused(
    solo: Any, alice: Any, alice_client: Client
) -> None:
    prompt = _due(enrol(alice, solo))
    response = _page(alice_client, prompt, {"where": "On the moon"})
    assert response.status_code == 422
    assert not Answer.objects.exists()


def test_an_empty_prompt_is_not_an_answer(solo: Any, alice: Any, alice_client: Client) -> None:
    prompt = _due(enrol(alice, solo))
    response = _page(alice_client, prompt, {})
    assert response.status_code == 422
    assert "Answer at least one question" in response.content.decode()


def test_a_prompt_that_closed_keeps_what_was_typed_on_the_page(
    solo: Any, alice: Any, alice_client: Client
) -> None:
    at = timezone.now() - dt.timedelta(hours=2)
    prompt = plan_prompt(enrol(alice, solo), at)  # open for one hour: closed now
    response = _page(alice_client, prompt, {"note": "written too late"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "closed before your answers arrived" in html and "written too late" in html
    prompt.refresh_from_db()
    assert prompt.completed_at is None and not Answer.objects.exists()


def test_a_paused_participant_cannot_answer(solo: Any, alice: Any, alice_client: Client) -> None:
    me = enrol(alice, solo)
    prompt = _due(me)
    services.participant_pause(participant=me)
    response = _page(alice_client, prompt, {"close": "40"})
    assert response.status_code == 409
    assert "paused" in response.content.decode()


def test_a_partner_or_stranger_cannot_open_someone_elses_prompt(
    study: Any, alice: Any, ben: Any, ben_client: Client, eve_client: Client
) -> None:
    prompt = _due(enrol(alice, study))
    enrol(ben, study)
    for client in (ben_client, eve_client):
        assert _page(client, prompt).status_code == 404
        assert _page(client, prompt, {"close": "10"}).status_code == 404
    prompt.refresh_from_db()
    assert prompt.opened_at is None and prompt.completed_at is None


def test_a_prompt_not_yet_due_says_nothing(solo: Any, alice: Any, alice_client: Client) -> None:
    prompt = plan_prompt(enrol(alice, solo), timezone.now() + dt.timedelta(hours=3))
    assert _page(alice_client, prompt).status_code == 404


def test_the_answer_check_names_every_bad_item() -> None:
    items = definition()["items"]
    with pytest.raises(AnswersInvalid) as invalid:
        check_answers(
            items,
            {"close": 101, "calm": 0, "where": "Work", "note": "x" * 141, "nope": 1},
        )
    assert set(invalid.value.errors) == {"close", "calm", "where", "note", "nope"}
    with pytest.raises(AnswersInvalid) as instrument:
        check_answers(items, {"closeness": {"nonsense": 3}})
    assert any(key.startswith("closeness.") for key in instrument.value.errors)
    assert check_answers(items, {"close": 0, "calm": 7, "note": "  "}) == {"close": 0, "calm": 7}
    with pytest.raises(AnswersInvalid):
        check_answers(items, {"close": True})  # a bool is not a number here


# ------------------------------------------------------- time zone and hours


def test_moving_time_zone_on_the_page_replans_what_is_ahead(
    solo: Any, alice: Any, alice_client: Client
) -> None:
    me = enrol(alice, solo)
    before = _times(me)
    url = reverse("research:timing", args=[me.pk])
    response = alice_client.post(url, {"time_zone": "Australia/Sydney"})
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.time_zone == "Australia/Sydney"
    after = _times(me)
    assert len(after) == len(before)
    assert all("+11:00" in local or "+10:00" in local for *_r, local in after)


def test_waking_hours_that_do_not_fit_are_refused_next_to_the_field(
    solo: Any, alice: Any, alice_client: Client
) -> None:
    me = enrol(alice, solo)
    before = _times(me)
    url = reverse("research:timing", args=[me.pk])
    response = alice_client.post(
        url, {"time_zone": "Europe/London", "wakes_at": "10:00", "sleeps_at": "12:00"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "outside your waking day" in html and 'value="10:00"' in html
    me.refresh_from_db()
    assert me.wakes_at == "" and _times(me) == before
    half = alice_client.post(url, {"time_zone": "Europe/London", "wakes_at": "07:00"})
    assert half.status_code == 422 and "Give both times" in half.content.decode()
    unknown = alice_client.post(url, {"time_zone": "Mars/Olympus"})
    assert unknown.status_code == 422


def test_later_waking_hours_move_the_windows_later(
    solo: Any, alice: Any, alice_client: Client
) -> None:
    me = enrol(alice, solo)
    url = reverse("research:timing", args=[me.pk])
    response = alice_client.post(
        url, {"time_zone": "Europe/London", "wakes_at": "19:00", "sleeps_at": "23:30"}
    )
    assert response.status_code == 302, response.content.decode()[-800:]
    locals_ = [local for *_r, local in _times(me)]
    assert locals_ and all("19:00" <= local[11:16] < "23:00" for local in locals_)


def test_the_study_page_shows_waiting_prompts_but_never_when_the_next_comes(
    solo: Any, alice: Any, alice_client: Client
) -> None:
    me = enrol(alice, solo)
    due = _due(me)
    html = alice_client.get(reverse("research:participation", args=[me.pk])).content.decode()
    assert reverse("research:prompt", args=[due.pk]) in html
    assert "planned until" in html
    upcoming = Prompt.objects.filter(participant=me, scheduled_at__gt=timezone.now()).first()
    assert upcoming is not None
    assert upcoming.scheduled_at.strftime("%H:%M") not in html.split("planned until")[1][:200]


def test_a_couple_study_says_prompts_wait_for_the_pairing(
    study: Any, alice: Any, alice_client: Client
) -> None:
    me = enrol(alice, study)
    html = alice_client.get(reverse("research:participation", args=[me.pk])).content.decode()
    assert "Prompts start once you and your partner are paired" in html


def test_a_partner_cannot_change_the_others_timing(
    study: Any, alice: Any, ben: Any, ben_client: Client
) -> None:
    me = enrol(alice, study)
    enrol(ben, study)
    url = reverse("research:timing", args=[me.pk])
    assert ben_client.get(url).status_code == 404
    assert ben_client.post(url, {"time_zone": "Asia/Tokyo"}).status_code == 404
    me.refresh_from_db()
    assert me.time_zone == "Europe/London"


def test_moving_the_account_to_another_time_zone_moves_the_study_too(
    solo: Any, alice: Any, django_capture_on_commit_callbacks: Any
) -> None:
    me = enrol(alice, solo)
    chosen = enrol(alice, make_study(solo.researcher, couple=False, code="OTHER", id_prefix="OTH"))
    chosen.time_zone = "Asia/Tokyo"  # chosen for that study on its page: stays
    chosen.save()
    with django_capture_on_commit_callbacks(execute=True):
        alice.time_zone = "America/Chicago"
        alice.save()
    me.refresh_from_db()
    chosen.refresh_from_db()
    assert me.time_zone == "America/Chicago" and chosen.time_zone == "Asia/Tokyo"
    assert all(local.endswith(("-06:00", "-05:00")) for *_r, local in _times(me))
