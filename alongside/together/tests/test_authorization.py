"""Who may reach what: strangers and unknown ids get 404; nobody changes another's rows;
pausing or ending the link closes everything for both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern

from alongside.circle.models import Grant, Link
from alongside.circle.services import grant_update, link_end
from alongside.together import urls as together_urls
from alongside.together.models import Agreement, Item, PromptAnswer, Ritual, Session
from alongside.together.tests.helpers import htmx, this_week, week_url

SECRET = "the words only this couple may read"


@dataclass(frozen=True)
class Case:
    name: str
    url: str


@pytest.fixture
def world(
    couple: Link, alice: Any, ben: Any, alice_client: Any, clock: time_machine.Traveller
) -> list[Case]:
    """alice & ben with a past week and this week, each holding every kind of row."""
    clock.shift(dt.timedelta(days=-7))
    past = this_week(couple)
    clock.shift(dt.timedelta(days=7))
    alice_client.force_login(alice)
    session = this_week(couple)
    prompt = session.prompts()[0]
    item = Item.objects.create(session=session, author=alice, kind="decision", text=SECRET)
    PromptAnswer.objects.create(session=session, prompt_key=prompt.key, author=alice, text=SECRET)
    agreement = Agreement.objects.create(session=past, text=SECRET, owner=alice, created_by=alice)
    return [
        Case("week", week_url(couple)),
        Case("ritual", f"/together/{couple.pk}/time/"),
        Case("history", f"/together/{couple.pk}/history/"),
        Case("session", f"/together/sessions/{past.pk}/"),
        Case("item_add", f"/together/sessions/{session.pk}/items/"),
        Case("agreement_add", f"/together/sessions/{session.pk}/agreements/"),
        Case("prompt", f"/together/sessions/{session.pk}/prompts/{prompt.key}/"),
        Case("item_delete", f"/together/items/{item.pk}/delete/"),
        Case("agreement_done", f"/together/agreements/{agreement.pk}/done/"),
        Case("agreement_delete", f"/together/agreements/{agreement.pk}/delete/"),
    ]


POSTS = {
    "item_add": {"item-kind": "decision", "item-text": "sneaky"},
    "agreement_add": {"agreement-text": "sneaky", "agreement-owner": "1"},
    "prompt": {"text": "sneaky"},
    "ritual": {"weekday": "1", "at": "08:00"},
}


POST_ONLY = {"item_add", "agreement_add", "item_delete", "agreement_done", "agreement_delete"}


def every_request(client: Client, case: Case) -> list[Any]:
    """GET and POST, plain and htmx. A GET of a POST-only URL is refused (405) before any
    lookup, whatever the id, so it tells nothing; it is left out."""
    data = POSTS.get(case.name, {"done": "1"})
    gets = [] if case.name in POST_ONLY else [client.get(case.url), htmx(client, "get", case.url)]
    return [*gets, client.post(case.url, data), htmx(client, "post", case.url, data)]


def gone(response: Any) -> bool:
    """404, or for a polling htmx fragment 286 ("stop polling") with an empty body."""
    return response.status_code == 404 or (response.status_code == 286 and not response.content)


def assert_nothing_changed() -> None:
    assert Item.objects.count() == 1
    assert PromptAnswer.objects.count() == 1
    assert Agreement.objects.filter(done_at__isnull=True).count() == 1
    assert not Ritual.objects.filter(chosen_at__isnull=False).exists()


def test_every_together_url_is_covered_here(world: list[Case]) -> None:
    """A new URL without a case below makes this fail, so coverage cannot shrink."""
    names = {p.name for p in together_urls.urlpatterns if isinstance(p, URLPattern)}
    # One's own part of weeks whose link has ended is not a couple page: it is covered by
    # test_own_writing.py and the project-wide authorization matrix.
    personal = {"my_part", "my_part_week"}
    assert names - personal == {case.name for case in world}


def test_a_stranger_gets_404_on_every_url(world: list[Case], eve_client: Any) -> None:
    for case in world:
        for response in every_request(eve_client, case):
            assert gone(response), (case.name, response.status_code)
            assert SECRET not in response.content.decode()
    assert_nothing_changed()


def test_signed_out_visitors_are_sent_to_sign_in(world: list[Case]) -> None:
    for case in world:
        response = Client().get(case.url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_unknown_ids_answer_404(couple: Link, alice_client: Any) -> None:
    for url in (
        "/together/9999/",
        "/together/9999/time/",
        "/together/9999/history/",
        "/together/sessions/9999/",
        "/together/sessions/9999/prompts/just-for-me/",
        "/together/items/9999/delete/",
        "/together/agreements/9999/done/",
    ):
        assert alice_client.get(url).status_code in (404, 405), url
        assert alice_client.post(url, {}).status_code == 404, url


def test_after_unlinking_both_get_404_and_the_ritual_is_gone(
    world: list[Case], couple: Link, ben: Any, alice_client: Any, ben_client: Any
) -> None:
    link_end(link=couple, by=ben)
    for client in (alice_client, ben_client):
        for case in world:
            for response in every_request(client, case):
                assert gone(response), (case.name, response.status_code)
    assert not Ritual.objects.exists()
    # Each keeps their own writing (see test_own_writing.py); the weeks just lose the link.
    assert not Session.objects.filter(link__isnull=False).exists()


def test_nobody_changes_another_persons_rows(
    world: list[Case], couple: Link, ben_client: Any
) -> None:
    urls = {case.name: case.url for case in world}
    assert ben_client.post(urls["item_delete"]).status_code == 404
    assert ben_client.post(urls["agreement_done"], {"done": "1"}).status_code == 404
    assert ben_client.post(urls["agreement_delete"]).status_code == 404
    assert_nothing_changed()


def test_the_owner_marks_their_agreement_done_and_lets_it_go(
    world: list[Case], alice_client: Any
) -> None:
    urls = {case.name: case.url for case in world}
    assert alice_client.post(urls["agreement_done"], {"done": "1"}).status_code == 302
    assert Agreement.objects.get().is_done
    assert alice_client.post(urls["agreement_done"], {"done": "0"}).status_code == 302
    assert not Agreement.objects.get().is_done
    assert alice_client.post(urls["agreement_delete"]).status_code == 302
    assert not Agreement.objects.exists()


def test_the_author_removes_their_own_item(world: list[Case], alice_client: Any) -> None:
    urls = {case.name: case.url for case in world}
    assert alice_client.post(urls["item_delete"]).status_code == 302
    assert not Item.objects.exists()


def test_either_partner_pausing_closes_it_for_both(
    world: list[Case], couple: Link, ben: Any, alice_client: Any, ben_client: Any
) -> None:
    grant = Grant.objects.get(owner=ben, link=couple)
    grant_update(grant=grant, categories=["needs"], expires_at=None)
    paused_pages = {"week", "ritual", "history"}
    for client in (alice_client, ben_client):
        for case in world:
            response = client.get(case.url)
            if case.name in paused_pages:
                assert response.status_code == 200
                assert "It opens when you both tick" in response.content.decode()
            else:  # 405: the URL only takes POST, and a POST answers 404 (below)
                assert response.status_code in (404, 405), case.name
                assert client.post(case.url, POSTS.get(case.name, {})).status_code == 404
            assert SECRET not in response.content.decode()
    assert_nothing_changed()


def test_a_friend_link_has_no_weekly_ritual(
    link_couple: Callable[..., Link], alice_client: Any
) -> None:
    friends = link_couple(kind="friend", alice_shares=["together"], ben_shares=["together"])
    assert alice_client.get(week_url(friends)).status_code == 404


def test_a_past_week_takes_no_new_answers_or_items(
    world: list[Case], couple: Link, alice_client: Any, clock: time_machine.Traveller
) -> None:
    session = this_week(couple)
    clock.shift(dt.timedelta(days=7))
    response = alice_client.post(
        f"/together/sessions/{session.pk}/items/", {"item-kind": "decision", "item-text": "late"}
    )
    assert response.status_code == 302
    prompt = session.prompts()[1]
    alice_client.post(f"/together/sessions/{session.pk}/prompts/{prompt.key}/", {"text": "late"})
    assert "late" not in [item.text for item in Item.objects.all()]
    assert not PromptAnswer.objects.filter(prompt_key=prompt.key).exists()
    follow = alice_client.get(response["Location"])
    assert "That week has passed" in follow.content.decode()


def test_a_page_still_polling_after_unlinking_is_told_to_stop(
    couple: Link, ben: Any, alice_client: Any
) -> None:
    session = this_week(couple)
    url = f"/together/sessions/{session.pk}/prompts/{session.prompts()[0].key}/"
    link_end(link=couple, by=ben)
    response = htmx(alice_client, "get", url)
    assert response.status_code == 286
    assert response.content == b""
    assert alice_client.get(url).status_code == 404
