"""Consent versions: a new one asks every participant again before their next prompt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from alongside.research.models import Consent, Participant
from alongside.research.tests.helpers import enrol


def _publish(client: Client, study: Any, **changes: Any) -> Any:
    fields = {
        "information_sheet": "We now also ask one question in the morning.",
        "text": "I agree to the morning question too.",
        "on_withdrawal": "ask",
        **changes,
    }
    return client.post(reverse("research:consent_new", args=[study.pk]), fields)


def test_a_new_version_asks_everyone_again(
    study: Any, alice: Any, ben: Any, dana: Any, reauthed: Callable[..., Client]
) -> None:
    me, other = enrol(alice, study), enrol(ben, study)
    assert set(Participant.objects.promptable()) == {me, other}
    researcher = Client()
    researcher.force_login(dana)
    page = researcher.get(reverse("research:consent_new", args=[study.pk]))
    assert "We ask three short questions" in page.content.decode()  # the current one to edit
    response = _publish(researcher, study)
    assert response["Location"] == reverse("research:study", args=[study.pk])
    assert study.current_consent().number == 2
    # Nobody is prompted until they accept it.
    assert not Participant.objects.promptable().exists()
    assert "asked to accept the new one" in researcher.get(response["Location"]).content.decode()

    client = reauthed(alice)
    text = client.get(reverse("research:participation", args=[me.pk])).content.decode()
    assert "information has changed" in text
    url = reverse("research:consent_again", args=[me.pk])
    assert "morning question" in client.get(url).content.decode()
    response = client.post(url, {"version": 2, "accept": "on"})
    assert response["Location"] == reverse("research:participation", args=[me.pk])
    me.refresh_from_db()
    assert me.consent_version == 2 and me.has_current_consent
    assert [c.version.number for c in Consent.objects.filter(participant=me)] == [1, 2]
    assert list(Participant.objects.promptable()) == [me]


def test_accepting_again_asks_for_the_password(
    study: Any, alice: Any, alice_client: Client, dana: Any
) -> None:
    me = enrol(alice, study)
    researcher = Client()
    researcher.force_login(dana)
    _publish(researcher, study)
    response = alice_client.post(
        reverse("research:consent_again", args=[me.pk]), {"version": 2, "accept": "on"}
    )
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    me.refresh_from_db()
    assert me.consent_version == 1


def test_a_paused_participant_is_asked_too(study: Any, alice: Any, dana: Any) -> None:
    from alongside.research import services

    me = enrol(alice, study)
    services.participant_pause(participant=me)
    researcher = Client()
    researcher.force_login(dana)
    _publish(researcher, study)
    services.participant_resume(participant=me)
    me.refresh_from_db()
    assert not me.has_current_consent
    assert not Participant.objects.promptable().exists()


def test_a_version_needs_its_texts(study: Any, dana: Any) -> None:
    researcher = Client()
    researcher.force_login(dana)
    response = _publish(researcher, study, text="")
    assert response.status_code == 200 and response.context["form"].errors["text"]
    assert study.current_consent().number == 1


def test_the_consent_decides_whether_names_are_shown(study: Any, alice: Any, dana: Any) -> None:
    researcher = Client()
    researcher.force_login(dana)
    me = enrol(alice, study)
    page = researcher.get(reverse("research:study", args=[study.pk])).content.decode()
    assert me.study_code in page and "alice@example.org" not in page
    _publish(researcher, study, researcher_sees_identity="on")
    page = researcher.get(reverse("research:study", args=[study.pk])).content.decode()
    assert "alice@example.org" not in page  # she has not accepted that version
    from alongside.research import services

    services.consent_accept(participant=me, version=2)
    page = researcher.get(reverse("research:study", args=[study.pk])).content.decode()
    assert "alice@example.org" in page
