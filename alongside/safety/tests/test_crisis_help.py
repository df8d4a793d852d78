"""Crisis words bring the writer help at once, on every surface, and leave no trace elsewhere.

Alice writes worrying words; she sees the "Help now" resources on the very next thing she
sees. Ben, her partner, sees nothing different on any page, fragment, notice, e-mail or API
answer, and nothing new is stored beyond the words she saved.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.contrib.sessions.models import Session as WebSession
from django.core import mail
from django.test import Client

from alongside.accounts.models import ApiToken
from alongside.checkins.models import CheckIn
from alongside.circle.models import Link
from alongside.together.models import Agreement, Item, PromptAnswer, Ritual, Session

NOW = dt.datetime(2026, 4, 13, 14, 0, tzinfo=dt.UTC)  # a Monday: the couple's week starts
WORRYING = "Some nights I want to die, honestly."
CALM = "Some nights I want to dine, honestly."  # same length, so pages line up
RESOURCES = [
    {"name": "Night Line", "phone": "0800 000 000", "description": "Free, day or night."},
    {"name": "Safe Homes", "url": "https://safe-homes.example.org"},
]
BLOCK = 'data-testid="crisis-help"'
# Anything of the help block that could give it away on someone else's page.
MARKERS = [
    "crisis-help",
    "help-now",
    "hx-swap-oob",
    "really hard right now",
    "Only you see this",
    "Night Line",
    "safe-homes",
]


@pytest.fixture(autouse=True)
def _setting(settings: Any) -> None:
    settings.HELP_RESOURCES = RESOURCES


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def couple(link_couple: Callable[..., Link]) -> Link:
    """Alice shares everything a partner can see with Ben, and he with her."""
    everything = ["mood", "needs", "support", "notes", "together"]
    return link_couple(everything, everything)


def week(link: Link) -> Session:
    return Session.for_week(link, Ritual.for_link(link).week_start())


def prompt_url(link: Link, index: int = 0) -> str:
    session = week(link)
    return f"/together/sessions/{session.pk}/prompts/{session.prompts()[index].key}/"


def htmx(client: Client, method: str, url: str, data: dict[str, Any] | None = None) -> Any:
    call = client.get if method == "get" else client.post
    return call(url, data or {}, headers={"HX-Request": "true"})


def page(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def check_in(client: Client, note: str, **extra: Any) -> Any:
    return client.post("/checkin/", {"day": "2026-04-13", "mood": "4", "note": note, **extra})


def add_item(client: Client, link: Link, text: str) -> Any:
    return client.post(
        f"/together/sessions/{week(link).pk}/items/", {"item-kind": "attention", "item-text": text}
    )


def add_agreement(client: Client, link: Link, owner: Any, text: str) -> Any:
    return client.post(
        f"/together/sessions/{week(link).pk}/agreements/",
        {"agreement-text": text, "agreement-owner": owner.pk, "agreement-due": ""},
    )


def api_client(user: Any) -> Client:
    _token, raw = ApiToken.issue(user, "my script")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def api_post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def api_patch(client: Client, url: str, body: Any) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


def row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def grew(before: dict[str, int]) -> dict[str, int]:
    after = row_counts()
    return {label: after[label] - n for label, n in before.items() if after[label] != n}


# --- the writer sees help, at once, on each surface -------------------------------------


def test_a_worrying_check_in_note_shows_help_on_the_very_next_page(alice_client: Client) -> None:
    response = check_in(alice_client, WORRYING)
    assert response.status_code == 302
    assert "help" not in response["Location"]  # nothing on the URL, so not in the history
    shown = page(alice_client.get(response["Location"]))
    assert "Thank you for checking in." in shown
    assert BLOCK in shown
    assert "It sounds like things may be really hard right now." in shown
    assert "Night Line" in shown and 'href="tel:0800000000"' in shown
    assert 'href="https://safe-homes.example.org"' in shown
    assert 'href="/help/"' in shown
    # Once: the next page is ordinary again.
    assert BLOCK not in page(alice_client.get(response["Location"]))


def test_a_calm_note_shows_no_help(alice_client: Client) -> None:
    response = check_in(alice_client, CALM)
    shown = page(alice_client.get(response["Location"]))
    assert "Thank you for checking in." in shown
    for marker in MARKERS:
        assert marker not in shown


def test_a_worrying_note_on_a_missed_day_shows_help_too(alice_client: Client) -> None:
    yesterday = (NOW.date() - dt.timedelta(days=1)).isoformat()
    response = alice_client.post(
        "/checkin/missed-day/", {"day": yesterday, "mood": "4", "note": "I can't go on like this"}
    )
    assert response.status_code == 302
    assert BLOCK in page(alice_client.get(response["Location"]))


def test_worrying_words_in_who_supported_me_count_as_writing_too(alice_client: Client) -> None:
    response = check_in(alice_client, "", support_received_from="nobody, he will kill me")
    assert BLOCK in page(alice_client.get(response["Location"]))


def test_editing_a_note_into_worrying_words_shows_help_but_other_edits_do_not(
    alice_client: Client, alice: Any
) -> None:
    check_in(alice_client, CALM)
    checkin = CheckIn.objects.get(owner=alice)
    edit = f"/checkins/{checkin.pk}/edit/"
    response = alice_client.post(edit, {"mood": "4", "note": WORRYING})
    assert BLOCK in page(alice_client.get(response["Location"]))
    # Changing only the mood later does not bring it up again, unasked.
    response = alice_client.post(edit, {"mood": "6", "note": WORRYING})
    shown = page(alice_client.get(response["Location"]))
    assert "Your check-in is updated." in shown
    assert BLOCK not in shown


def test_a_note_that_is_not_saved_shows_no_help_and_keeps_the_words(
    alice_client: Client,
) -> None:
    response = check_in(alice_client, WORRYING, mood="")  # no mood: the form asks for one
    shown = page(response)
    assert "Pick a number for your overall mood." in shown
    assert WORRYING in shown
    assert BLOCK not in shown
    assert not CheckIn.objects.exists()


def test_without_listed_helplines_the_help_still_says_where_to_turn(
    alice_client: Client, settings: Any
) -> None:
    settings.HELP_RESOURCES = []
    response = check_in(alice_client, WORRYING)
    shown = page(alice_client.get(response["Location"]))
    assert BLOCK in shown
    assert "your local emergency number works everywhere" in shown
    assert "these people are there for you" not in shown  # no empty list promised
    assert 'href="/help/"' in shown


def test_a_worrying_answer_sent_with_htmx_brings_help_in_the_fragment(
    couple: Link, alice_client: Client
) -> None:
    url = prompt_url(couple)
    fragment = page(htmx(alice_client, "post", url, {"text": WORRYING}))
    key = week(couple).prompts()[0].key
    # The block sits beside the prompt, outside it: the poll that replaces the prompt
    # every few seconds leaves it where it is.
    assert f'hx-swap-oob="beforebegin:#prompt-{key}"' in fragment
    assert BLOCK in fragment and "Night Line" in fragment
    assert WORRYING in fragment
    # That poll, and everything after, carries no help: it was for that moment only.
    assert BLOCK not in page(htmx(alice_client, "get", url))
    assert BLOCK not in page(alice_client.get(f"/together/{couple.pk}/"))


def test_a_calm_answer_sent_with_htmx_brings_no_help(couple: Link, alice_client: Client) -> None:
    fragment = page(htmx(alice_client, "post", prompt_url(couple), {"text": CALM}))
    for marker in MARKERS:
        assert marker not in fragment


def test_a_worrying_answer_without_javascript_shows_help_at_the_top_of_the_week(
    couple: Link, alice_client: Client
) -> None:
    response = alice_client.post(prompt_url(couple), {"text": WORRYING})
    assert response.status_code == 302
    # Not scrolled down to the prompt, past the help at the top of the page.
    assert response["Location"] == f"/together/{couple.pk}/"
    shown = page(alice_client.get(response["Location"]))
    assert BLOCK in shown and WORRYING in shown


def test_a_calm_answer_without_javascript_returns_to_the_prompt_without_help(
    couple: Link, alice_client: Client
) -> None:
    response = alice_client.post(prompt_url(couple), {"text": CALM})
    assert response["Location"].endswith(f"#prompt-{week(couple).prompts()[0].key}")
    assert BLOCK not in page(alice_client.get(response["Location"]))


def test_a_worrying_agreement_shows_help(couple: Link, alice_client: Client, alice: Any) -> None:
    response = add_agreement(alice_client, couple, alice, "Stop saying he'll kill me, and mean it")
    assert response.status_code == 302
    assert response["Location"] == f"/together/{couple.pk}/"
    shown = page(alice_client.get(response["Location"]))
    assert "Agreement noted." in shown and BLOCK in shown


def test_a_worrying_agenda_item_shows_help(couple: Link, alice_client: Client) -> None:
    response = add_item(alice_client, couple, "I'm scared for my life when he drinks")
    assert response["Location"] == f"/together/{couple.pk}/"
    shown = page(alice_client.get(response["Location"]))
    assert "Added to this week" in shown and BLOCK in shown


def test_calm_agreements_and_items_return_to_their_place_without_help(
    couple: Link, alice_client: Client, alice: Any
) -> None:
    response = add_item(alice_client, couple, CALM)
    assert response["Location"].endswith("#agenda")
    assert BLOCK not in page(alice_client.get(response["Location"]))
    response = add_agreement(alice_client, couple, alice, CALM)
    assert response["Location"].endswith("#agreements")
    assert BLOCK not in page(alice_client.get(response["Location"]))


def test_a_worrying_note_by_api_carries_help_in_that_response_only(alice: Any) -> None:
    api = api_client(alice)
    created = api_post(api, "/api/v1/checkins/", {"mood": 3, "note": WORRYING})
    assert created.status_code == 201
    body = created.json()
    assert body["note"] == WORRYING  # the check-in itself is answered as always
    assert body["help"]["message"].startswith("It sounds like things may be really hard")
    assert body["help"]["url"] == "/help/"
    assert body["help"]["resources"] == RESOURCES
    url = f"/api/v1/checkins/{body['id']}"
    # Reading it back: the stored check-in, no help, nothing remembered.
    assert "help" not in api.get(url).json()
    assert all("help" not in row for row in api.get("/api/v1/checkins/").json())
    assert set(api.get(url).json()) == set(body) - {"help"}

    changed = api_patch(api, url, {"note": "A calmer day. I called my sister."})
    assert changed.status_code == 200 and "help" not in changed.json()
    changed = api_patch(api, url, {"note": "I keep thinking about ending my life"})
    assert changed.json()["help"]["url"] == "/help/"
    # Changing only the mood does not bring help up again.
    assert "help" not in api_patch(api, url, {"mood": 5}).json()


def test_a_calm_note_by_api_has_no_help_field(alice: Any) -> None:
    created = api_post(api_client(alice), "/api/v1/checkins/", {"mood": 3, "note": CALM})
    assert created.status_code == 201
    assert "help" not in created.json()


def test_a_worrying_note_the_api_refuses_brings_no_help(alice: Any) -> None:
    response = api_post(api_client(alice), "/api/v1/checkins/", {"mood": 99, "note": WORRYING})
    assert response.status_code == 422
    assert "help" not in response.json()
    assert not CheckIn.objects.exists()


def test_the_api_documents_the_help_field(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    saved = schema["components"]["schemas"]["CheckInSavedOut"]
    assert "help" in saved["properties"] and "help" not in saved.get("required", [])
    described = json.dumps(saved["properties"]["help"])
    assert "Nothing about it is stored" in described
    post = schema["paths"]["/api/v1/checkins/"]["post"]
    assert "`help`" in post["description"]


# --- nothing is kept, and nobody else sees a thing ---------------------------------------


def test_nothing_is_stored_about_a_match_beyond_the_words_themselves(
    couple: Link, alice_client: Client, alice: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    week(couple)  # the week's session starts on first visit: not part of what is measured
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("checkins.CheckIn", lambda: check_in(alice_client, WORRYING)),
        ("together.Item", lambda: add_item(alice_client, couple, WORRYING)),
        ("together.Agreement", lambda: add_agreement(alice_client, couple, alice, WORRYING)),
        (
            "together.PromptAnswer",
            lambda: alice_client.post(prompt_url(couple), {"text": WORRYING}),
        ),
        (
            "together.PromptAnswer",
            lambda: htmx(alice_client, "post", prompt_url(couple, 1), {"text": WORRYING}),
        ),
    ]
    for saved, write in cases:
        before = row_counts()
        response = write()
        assert response.status_code in (200, 302)
        assert grew(before) == {saved: 1}, saved
        if response.status_code == 302:
            before = row_counts()
            assert BLOCK in page(alice_client.get(response["Location"]))
            # Showing it stores nothing either (a page of the week may log reads of what
            # Ben shares, exactly as after calm words: see the comparison below).
            assert set(grew(before)) <= {"accounts.AccessLogEntry"}
    api_before = row_counts()
    assert (
        "help"
        in api_post(
            api_client(alice),
            "/api/v1/checkins/",
            {"mood": 3, "day": "2026-04-12", "note": WORRYING},
        ).json()
    )
    assert grew(api_before) == {"checkins.CheckIn": 1, "accounts.ApiToken": 1}

    # No session holds it (messages travel in the browser's own cookie), no log line names
    # it, and no e-mail went anywhere.
    for stored in WebSession.objects.all():
        assert "_messages" not in stored.get_decoded()
    assert not [r for r in caplog.records if "die" in r.getMessage() or "help" in r.getMessage()]
    assert mail.outbox == []


def test_showing_help_leaves_no_cookie_behind(alice_client: Client) -> None:
    response = check_in(alice_client, WORRYING)
    assert "messages" in response.cookies  # it rides in the writer's browser, one hop
    shown = alice_client.get(response["Location"])
    assert BLOCK in page(shown)
    # Gone the moment it was shown: nothing stays in the cookie jar to be found later.
    assert shown.cookies["messages"].value == ""
    assert "messages" not in alice_client.cookies or not alice_client.cookies["messages"].value


def _volatile(html: str) -> str:
    # Each render carries a fresh CSRF token and CSP nonce; they differ for any two loads.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
    html = re.sub(r'nonce="[^"]+"', "NONCE", html)
    return html


def _what_ben_sees(link: Link, ben_client: Client, ben_api: Client) -> dict[str, str]:
    session = week(link)
    views = {
        "partner page": ben_client.get(f"/circle/links/{link.pk}/"),
        "together week": ben_client.get(f"/together/{link.pk}/"),
        "circle and notices": ben_client.get("/circle/"),
        "access log": ben_client.get("/settings/access-log/"),
        "what others see of me": ben_client.get("/circle/what-others-see/"),
        "his own part of the weeks": ben_client.get("/together/my-part/"),
        "home": ben_client.get("/"),
    }
    for prompt in session.prompts():
        url = f"/together/sessions/{session.pk}/prompts/{prompt.key}/"
        views[f"poll {prompt.key}"] = htmx(ben_client, "get", url)
    seen = {name: _volatile(page(response)) for name, response in views.items()}
    seen["api"] = json.dumps(ben_api.get("/api/v1/checkins/").json())
    seen["outbox"] = "\n".join(
        f"{m.subject}\n{m.body}" for m in mail.outbox if "ben@example.org" in m.to
    )
    return seen


def test_ben_sees_no_trace_when_alice_writes_worrying_words(
    couple: Link, alice_client: Client, ben_client: Client, alice: Any, ben: Any
) -> None:
    """Ben's every view is what it would be had Alice written calm words of the same length."""
    ben_api = api_client(ben)
    # Ben answers the first prompt first, so Alice's answer is revealed to him.
    ben_client.post(prompt_url(couple), {"text": "A quiet week, mostly."})
    check_in(alice_client, WORRYING)
    alice_client.get("/")  # she sees her help
    htmx(alice_client, "post", prompt_url(couple), {"text": WORRYING})
    add_item(alice_client, couple, WORRYING)
    alice_client.get("/")
    add_agreement(alice_client, couple, alice, WORRYING)
    alice_client.get("/")
    api_post(
        api_client(alice), "/api/v1/checkins/", {"mood": 3, "day": "2026-04-12", "note": WORRYING}
    )

    worrying = _what_ben_sees(couple, ben_client, ben_api)
    for name, seen in worrying.items():
        for marker in MARKERS:
            assert marker not in seen, (name, marker)
    # Alice shares her notes and the week with Ben: her words themselves are his to read.
    assert WORRYING in worrying["partner page"] and WORRYING in worrying["together week"]
    assert WORRYING in worrying[f"poll {week(couple).prompts()[0].key}"]  # revealed to him

    # The same rows, the same ids, with calm words instead: Ben's views are identical
    # apart from those words.
    for checkin in CheckIn.objects.filter(owner=alice):
        checkin.note = CALM
        checkin.save()
    written: list[PromptAnswer | Item | Agreement] = [
        *PromptAnswer.objects.filter(author=alice),
        *Item.objects.filter(author=alice),
        *Agreement.objects.filter(created_by=alice),
    ]
    for row in written:
        row.text = CALM
        row.save()
    calm = _what_ben_sees(couple, ben_client, ben_api)
    for name in worrying:
        assert worrying[name].replace(WORRYING, CALM) == calm[name], name


def test_help_now_without_helplines_is_still_warm_and_says_what_the_hosts_chose(
    client: Client, settings: Any
) -> None:
    settings.HELP_RESOURCES = []
    page = client.get("/help/").content.decode()
    assert "Your local emergency number works everywhere" in page
    settings.HELP_FALLBACK_TEXT = "Call our front desk on 0123 456 789, day or night."
    page = client.get("/help/").content.decode()
    assert "Call our front desk on 0123 456 789" in page
    assert "Your local emergency number works everywhere" not in page


def test_helpline_numbers_are_links_a_phone_can_call(client: Client, settings: Any) -> None:
    settings.HELP_RESOURCES = [{"name": "Samaritans", "phone": "116 123"}]
    page = client.get("/help/").content.decode()
    assert '<a href="tel:116123">116 123</a>' in page  # a tel: link has no spaces
