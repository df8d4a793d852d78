"""Each person's writing stays their own (issue 9, point 6).

Ending a link, or one partner deleting their account, once deleted both partners' agenda
items, answers and agreements. Now each keeps their own part (and their export holds it);
what the other wrote leaves with the other; a week becomes each person's private history
of their own part.
"""

from __future__ import annotations

import html
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from alongside.accounts.export import build_zip
from alongside.accounts.models import User
from alongside.circle.models import Link, Notice
from alongside.circle.services import account_leaving, link_end
from alongside.together.models import Agreement, Item, PromptAnswer
from alongside.together.tests.helpers import this_week

ALICE_ITEM = "Alice's item: the trip to see Mum"
BEN_ITEM = "Ben's item: the leaky tap"
ALICE_ANSWER = "Alice's answer: being listened to"
BEN_ANSWER = "Ben's answer: a quiet evening"
ALICE_TAKES_ON = "Alice takes on: book the train"
BEN_WROTE_FOR_ALICE = "Ben wrote it down for Alice: call the plumber"
BEN_TAKES_ON = "Ben takes on: fix the tap"


@pytest.fixture
def week(couple: Link, alice: Any, ben: Any) -> Any:
    session = this_week(couple)
    prompt = session.prompts()[0]
    Item.objects.create(session=session, author=alice, kind="decision", text=ALICE_ITEM)
    Item.objects.create(session=session, author=ben, kind="attention", text=BEN_ITEM)
    PromptAnswer.give(session=session, prompt=prompt, author=alice, text=ALICE_ANSWER)
    PromptAnswer.give(session=session, prompt=prompt, author=ben, text=BEN_ANSWER)
    Agreement.objects.create(session=session, text=ALICE_TAKES_ON, owner=alice, created_by=alice)
    Agreement.objects.create(session=session, text=BEN_WROTE_FOR_ALICE, owner=alice, created_by=ben)
    Agreement.objects.create(session=session, text=BEN_TAKES_ON, owner=ben, created_by=ben)
    return session


def _export(user: Any) -> str:
    with zipfile.ZipFile(io.BytesIO(build_zip(user))) as archive:
        return archive.read("alongside.json").decode()


def _mine(user: Any) -> set[str]:
    return {
        *Item.objects.filter(author=user).values_list("text", flat=True),
        *PromptAnswer.objects.filter(author=user).values_list("text", flat=True),
        *Agreement.objects.filter(owner=user).values_list("text", flat=True),
    }


ALICES = {ALICE_ITEM, ALICE_ANSWER, ALICE_TAKES_ON, BEN_WROTE_FOR_ALICE}
BENS = {BEN_ITEM, BEN_ANSWER, BEN_TAKES_ON}


@pytest.mark.parametrize("who", ["alice", "ben"])
def test_each_keeps_their_own_writing_after_unlinking(
    week: Any, couple: Link, alice: Any, ben: Any, who: str
) -> None:
    link_end(link=couple, by=alice if who == "alice" else ben)
    assert _mine(alice) == ALICES
    assert _mine(ben) == BENS
    alice_export, ben_export = _export(alice), _export(ben)
    for text in ALICES:
        assert text in alice_export and text not in ben_export
    for text in BENS:
        assert text in ben_export and text not in alice_export


def test_after_unlinking_each_sees_only_their_own_part_of_the_week(
    week: Any, couple: Link, alice: Any, ben: Any, alice_client: Client, ben_client: Client
) -> None:
    link_end(link=couple, by=ben)
    page = html.unescape(alice_client.get(f"/together/my-part/{week.pk}/").content.decode())
    for text in ALICES:
        assert text in page
    for text in BENS:
        assert text not in page
    page = html.unescape(ben_client.get(f"/together/my-part/{week.pk}/").content.decode())
    for text in BENS:
        assert text in page
    for text in ALICES:
        assert text not in page
    assert "Your part of those weeks" in alice_client.get("/circle/").content.decode()


def test_after_one_deletes_their_account_the_other_keeps_their_own_writing(
    week: Any, couple: Link, alice: Any, ben: Any, alice_client: Client
) -> None:
    account_leaving(user=ben)
    User.objects.filter(pk=ben.pk).delete()
    assert _mine(alice) == ALICES  # including what ben wrote down for alice to take on
    assert BEN_ITEM not in {i.text for i in Item.objects.all()}
    assert not PromptAnswer.objects.exclude(author=alice).exists()
    assert Agreement.objects.filter(owner=alice).count() == 2
    export = json.loads(_export(alice))
    assert {a["text"] for a in export["together_agreements"]} == {
        ALICE_TAKES_ON,
        BEN_WROTE_FOR_ALICE,
    }
    page = html.unescape(alice_client.get(f"/together/my-part/{week.pk}/").content.decode())
    assert ALICE_ANSWER in page and BEN_ANSWER not in page


def test_deleting_an_account_tells_each_linked_person_the_same_neutral_thing(
    link_couple: Callable[..., Link],
    alice: Any,
    ben: Any,
    eve: Any,
    sign_in: Callable[..., Client],
    reauthenticate: Callable[..., Any],
    password: str,
) -> None:
    link_couple()
    from conftest import link_people

    link_people(alice, eve, kind="friend")
    before = set(Notice.objects.values_list("pk", flat=True))
    client = sign_in(alice)
    reauthenticate(client)
    response = client.post("/settings/data/delete/", {"confirm": "DELETE"})
    assert response.status_code == 200, response.content.decode()[:500]
    assert not User.objects.filter(pk=alice.pk).exists()
    new = list(Notice.objects.exclude(pk__in=before).values_list("recipient_id", "text"))
    assert sorted(new) == sorted(
        [
            (ben.pk, "A connection in your circle has ended."),
            (eve.pk, "A connection in your circle has ended."),
        ]
    )


def test_a_week_of_an_ended_link_is_nobody_elses_to_see(
    week: Any, couple: Link, eve_client: Client, ben_client: Client, ben: Any
) -> None:
    link_end(link=couple, by=ben)
    assert eve_client.get(f"/together/my-part/{week.pk}/").status_code == 404
    assert eve_client.get("/together/my-part/").content.decode().count("Week of") == 0
    assert ben_client.get(f"/together/sessions/{week.pk}/").status_code == 404
