"""A therapist asks a client to answer a questionnaire on a schedule; the client answers or
declines. Bad input is explained next to its field and nothing typed is lost; nobody but
the therapist (to ask) and the client (to answer) gets anywhere."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from alongside.assessments.tests.conftest import made_up_wording
from alongside.care.models import Assignment, CareEvent, Due
from alongside.care.schedule import open_dues_for
from alongside.care.tests.assign_helpers import CSI_16, answer_through_pages
from alongside.circle.models import Notice
from conftest import link_therapist, make_therapist

# 02:00 on Thursday 12 March in London is still Wednesday 11 March, 22:00, in New York.
NOW = dt.datetime(2026, 3, 12, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def url(care: Any) -> str:
    return f"/care/clients/{care.pk}/assign/"


def good(**changes: str) -> dict[str, str]:
    return {
        "instrument": "csi-4",
        "relationship": "",
        "every_weeks": "2",
        "first_due_on": "2026-03-16",
        "open_days": "7",
        "ends_on": "",
        **changes,
    }


def refused(client: Client, care: Any, data: dict[str, str]) -> str:
    response = client.post(url(care), data)
    assert response.status_code == 200
    assert not Assignment.objects.exists()
    return response.content.decode()


def test_the_page_offers_only_questionnaires_whose_wording_is_installed(
    care: Any, dana_client: Client
) -> None:
    page = dana_client.get(url(care)).content.decode()
    assert '<option value="csi-4">Couples Satisfaction Index (4 items) (CSI-4)</option>' in page
    assert 'value="ecr-r"' not in page  # its wording is not installed here
    assert "Questionnaires for Alice" in page
    assert "In Alice&#x27;s calendar (Europe/London), where today is Thursday 12 March" in page


def test_it_assigns_and_records_it(care: Any, dana: Any, dana_client: Client) -> None:
    response = dana_client.post(url(care), good(ends_on="2026-06-30"))
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.instrument_id, assignment.every_weeks) == ("csi-4", 2)
    assert assignment.ends_on == dt.date(2026, 6, 30)
    event = CareEvent.objects.get(action="assigned")
    assert (event.therapist, event.care_link) == (dana, care)
    assert event.detail["instrument"] == "csi-4"
    page = dana_client.get(url(care)).content.decode()
    assert "Every 2 weeks from 16 Mar 2026, until 30 Jun 2026" in page
    assert "Mon 16 Mar 2026" in page and "opens at 09:00 their time" in page


def test_today_in_the_clients_zone_is_allowed_though_it_is_tomorrow_for_the_therapist(
    care: Any, dana_client: Client
) -> None:
    assert dana_client.post(url(care), good(first_due_on="2026-03-12")).status_code == 302


def test_a_first_day_in_the_past_for_the_client_is_refused_next_to_the_field(
    care: Any, dana_client: Client
) -> None:
    # Still 11 March where dana is, but already the 12th where alice is.
    page = refused(dana_client, care, good(first_due_on="2026-03-11", ends_on="2026-05-01"))
    assert 'id="id_first_due_on_error">Pick today or a later day: it is Thursday 12 March' in page
    assert 'value="2026-03-11"' in page and 'value="2026-05-01"' in page
    assert '<option value="csi-4" selected>' in page
    assert '<option value="2" selected>' in page


@pytest.mark.parametrize("weeks", ["0", "9", "two"])
def test_a_repeat_outside_one_to_eight_weeks_is_refused(
    care: Any, dana_client: Client, weeks: str
) -> None:
    page = refused(dana_client, care, good(every_weeks=weeks))
    assert 'id="id_every_weeks_error">Choose once, or every 1 to 8 weeks.' in page
    assert 'value="2026-03-16"' in page


def test_a_last_day_before_the_first_is_refused(care: Any, dana_client: Client) -> None:
    page = refused(dana_client, care, good(ends_on="2026-03-15"))
    assert 'id="id_ends_on_error">The last day can&#x27;t be before the first day.' in page
    assert 'value="2026-03-15"' in page


@pytest.mark.parametrize("instrument", ["no-such-scale", "ecr-r", ""])
def test_an_unknown_or_unanswerable_questionnaire_is_refused(
    care: Any, dana_client: Client, instrument: str
) -> None:
    page = refused(dana_client, care, good(instrument=instrument))
    assert 'id="id_instrument_error">Choose' in page
    assert 'value="2026-03-16"' in page


def test_open_days_must_fit_between_two_times(care: Any, dana_client: Client) -> None:
    page = refused(dana_client, care, good(every_weeks="1", open_days="10"))
    assert "each time can be open for at most 7 days" in page
    assert 'value="10"' in page
    page = refused(dana_client, care, good(every_weeks="", open_days="60"))
    assert "Choose from 1 to 56 days." in page


def test_a_questionnaire_about_one_relationship_needs_whom(care: Any, dana_client: Client) -> None:
    made_up_wording("ecr-rs")
    page = refused(dana_client, care, good(instrument="ecr-rs"))
    assert 'id="id_relationship_error">Choose whom Alice answers this about.' in page
    response = dana_client.post(url(care), good(instrument="ecr-rs", relationship="mother"))
    assert response.status_code == 302
    assert Assignment.objects.get().relationship == "mother"


def test_the_same_questionnaire_is_not_asked_twice_at_once(care: Any, dana_client: Client) -> None:
    assert dana_client.post(url(care), good()).status_code == 302
    response = dana_client.post(url(care), good(every_weeks="1"))
    assert "Alice is already asked to answer this." in response.content.decode()
    assert Assignment.objects.count() == 1


def test_only_the_therapist_of_the_link_can_assign(
    care: Any, alice_client: Client, eve: Any, eve_client: Client
) -> None:
    make_therapist(eve)
    for client in (alice_client, eve_client):
        assert client.get(url(care)).status_code == 404
        assert client.post(url(care), good()).status_code == 404
    assert not Assignment.objects.exists()


def test_only_the_therapist_can_stop_and_it_is_recorded(
    care: Any, dana_client: Client, alice_client: Client, eve_client: Client
) -> None:
    dana_client.post(url(care), good())
    assignment = Assignment.objects.get()
    stop = f"/care/assignments/{assignment.pk}/stop/"
    assert alice_client.post(stop).status_code == 404
    assert eve_client.post(stop).status_code == 404
    assert dana_client.get(stop).status_code == 405
    assert dana_client.post(stop)["Location"] == url(care)
    assignment.refresh_from_db()
    assert assignment.stopped_at is not None
    assert CareEvent.objects.filter(action="assignment_stopped", care_link=care).count() == 1
    page = dana_client.get(url(care)).content.decode()
    # dana's own action, on her own calendar (still the 11th in New York).
    assert "stopped on 11 Mar 2026" in page and "Stop asking" not in page


def test_a_therapist_who_is_not_shown_results_is_told_so(
    alice: Any, dana: Any, dana_client: Client
) -> None:
    make_therapist(dana)
    care = link_therapist(alice, dana, shares=["mood"])
    page = dana_client.get(url(care)).content.decode()
    assert "Alice does not share questionnaire results with you" in page


# ------------------------------------------------------------------- the client's side


@pytest.fixture
def open_due(care: Any, dana_client: Client, frozen: Any) -> Due:
    dana_client.post(url(care), good(first_due_on="2026-03-12"))
    frozen.move_to(dt.datetime(2026, 3, 12, 10, 0, tzinfo=dt.UTC))
    (due,) = open_dues_for(care)
    return due


def test_the_client_sees_it_on_home_and_on_the_therapist_page(
    care: Any, open_due: Due, alice_client: Client
) -> None:
    for path in ("/", f"/care/my-therapists/{care.pk}/"):
        page = alice_client.get(path).content.decode()
        assert "Dana asked you to answer CSI-4" in page
        assert f'action="/care/due/{open_due.pk}/start/"' in page
        assert f'action="/care/due/{open_due.pk}/decline/"' in page
        assert "until the end of Wednesday 18 March" in page


def test_decline_takes_it_off_the_list_and_the_therapist_sees_declined(
    care: Any, open_due: Due, alice_client: Client, dana_client: Client
) -> None:
    notices = Notice.objects.count()
    response = alice_client.post(f"/care/due/{open_due.pk}/decline/", {"next": "/"})
    assert response["Location"] == "/"
    open_due.refresh_from_db()
    assert open_due.status == "declined"
    assert open_due.answered_at is None and open_due.take is None  # no reason, no time kept
    page = alice_client.get("/").content.decode()
    assert "Dana sees only that you declined." in page
    assert "asked you to answer" not in page
    therapist_page = dana_client.get(url(care)).content.decode()
    assert ">declined<" in therapist_page
    assert Notice.objects.count() == notices  # nobody is told anything
    # Declining again, or answering now, finds it closed; nothing changes.
    alice_client.post(f"/care/due/{open_due.pk}/decline/")
    assert alice_client.post(f"/care/due/{open_due.pk}/start/")["Location"] == "/"
    open_due.refresh_from_db()
    assert open_due.status == "declined"


def test_answer_now_goes_through_the_ordinary_pages_and_marks_it_done(
    care: Any, open_due: Due, alice_client: Client, dana_client: Client
) -> None:
    response = alice_client.post(f"/care/due/{open_due.pk}/start/")
    take_url = response["Location"]
    assert take_url.startswith("/questionnaires/answers/")
    open_due.refresh_from_db()
    assert open_due.take is not None and open_due.status == "open"  # remembered, not done
    assert "Carry on" in alice_client.get("/").content.decode()
    answer_through_pages(alice_client, open_due.take, CSI_16)
    open_due.refresh_from_db()
    assert open_due.status == "done"
    assert open_due.answered_at == dt.datetime(2026, 3, 12, 10, 0, tzinfo=dt.UTC)
    assert "asked you to answer" not in alice_client.get("/").content.decode()
    assert ">answered<" in dana_client.get(url(care)).content.decode()


def test_a_take_of_the_same_questionnaire_answers_it_too(
    care: Any, open_due: Due, alice_client: Client
) -> None:
    response = alice_client.post("/questionnaires/csi-4/start/")
    take_pk = int(response["Location"].rstrip("/").split("/")[-1])
    from alongside.assessments.models import Take

    answer_through_pages(alice_client, Take.objects.get(pk=take_pk), CSI_16)
    open_due.refresh_from_db()
    assert (open_due.status, open_due.take_id) == ("done", take_pk)


def test_nobody_but_the_client_can_act_on_it(
    open_due: Due, dana_client: Client, eve_client: Client, ben_client: Client
) -> None:
    for client in (dana_client, eve_client, ben_client):
        assert client.post(f"/care/due/{open_due.pk}/start/").status_code == 404
        assert client.post(f"/care/due/{open_due.pk}/decline/").status_code == 404
        assert "asked you to answer" not in client.get("/").content.decode()
    open_due.refresh_from_db()
    assert (open_due.status, open_due.take_id) == ("open", None)


def test_declining_after_starting_lets_go_of_the_unfinished_take(
    open_due: Due, alice_client: Client
) -> None:
    alice_client.post(f"/care/due/{open_due.pk}/start/")
    alice_client.post(f"/care/due/{open_due.pk}/decline/")
    open_due.refresh_from_db()
    assert (open_due.status, open_due.take_id) == ("declined", None)


def test_a_lapsed_one_is_simply_gone(
    care: Any, open_due: Due, alice_client: Client, frozen: Any
) -> None:
    frozen.move_to(dt.datetime(2026, 3, 19, 0, 0, tzinfo=dt.UTC))  # midnight in London
    page = alice_client.get("/").content.decode()
    assert "asked you to answer" not in page
    for word in ("missed", "overdue", "behind", "late", "streak", "failed"):
        assert word not in page.lower()
    response = alice_client.post(f"/care/due/{open_due.pk}/start/", {"next": "/"})
    assert response["Location"] == "/"
    assert "That questionnaire has closed." in alice_client.get("/").content.decode()


def test_next_cannot_send_the_client_elsewhere(open_due: Due, alice_client: Client) -> None:
    response = alice_client.post(
        f"/care/due/{open_due.pk}/decline/", {"next": "https://elsewhere.example/"}
    )
    assert response["Location"] == "/"
