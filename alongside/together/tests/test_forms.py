"""Bad input gets a clear message next to the field and keeps what was typed."""

from __future__ import annotations

import re
from typing import Any

from alongside.circle.models import Link
from alongside.together.models import AGREEMENT_MAX_LENGTH, ITEM_MAX_LENGTH, Agreement, Item
from alongside.together.tests.helpers import this_week


def post_item(client: Any, link: Link, kind: str, text: str) -> Any:
    url = f"/together/sessions/{this_week(link).pk}/items/"
    return client.post(url, {"item-kind": kind, "item-text": text})


def post_agreement(client: Any, link: Link, text: str, owner: Any, due: str = "") -> Any:
    url = f"/together/sessions/{this_week(link).pk}/agreements/"
    return client.post(
        url, {"agreement-text": text, "agreement-owner": owner, "agreement-due": due}
    )


def test_an_item_is_added(couple: Link, alice_client: Any, alice: Any) -> None:
    response = post_item(alice_client, couple, "appreciation", "  Thank you for Sunday  ")
    assert response.status_code == 302
    item = Item.objects.get()
    assert (item.author, item.kind, item.text) == (alice, "appreciation", "Thank you for Sunday")


def test_an_empty_item_gets_a_message_and_keeps_the_kind(couple: Link, alice_client: Any) -> None:
    response = post_item(alice_client, couple, "decision", "   ")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Write a few words first." in page
    assert re.search(r'<input[^>]*value="decision"[^>]*checked', page)
    assert not Item.objects.exists()


def test_an_over_long_item_gets_a_message_and_keeps_the_text(
    couple: Link, alice_client: Any
) -> None:
    text = "word " * (ITEM_MAX_LENGTH // 4)
    response = post_item(alice_client, couple, "attention", text)
    page = response.content.decode()
    assert f"Please keep it to {ITEM_MAX_LENGTH} characters" in page
    assert "Ensure this value" not in page  # one clear message, not two
    assert text.strip() in page
    assert not Item.objects.exists()


def test_an_unknown_item_kind_is_refused(couple: Link, alice_client: Any) -> None:
    page = post_item(alice_client, couple, "complaint", "hmm").content.decode()
    assert "Pick one of the kinds shown." in page
    assert not Item.objects.exists()


def test_an_agreement_is_added_for_either_partner(
    couple: Link, alice_client: Any, ben: Any
) -> None:
    response = post_agreement(
        alice_client, couple, "Plan the weekend together", ben.pk, "2026-04-20"
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.owner == ben
    assert str(agreement.due) == "2026-04-20"


def test_a_due_date_in_the_past_gets_a_message(couple: Link, alice_client: Any, alice: Any) -> None:
    page = post_agreement(
        alice_client, couple, "Fix the bike", alice.pk, "2026-04-12"
    ).content.decode()
    assert "That day has passed." in page
    assert "Fix the bike" in page
    assert not Agreement.objects.exists()


def test_the_owner_must_be_one_of_the_two(couple: Link, alice_client: Any, eve: Any) -> None:
    page = post_agreement(alice_client, couple, "Eve does the dishes", eve.pk).content.decode()
    assert "Pick one of you two." in page
    assert "Eve does the dishes" in page
    assert not Agreement.objects.exists()


def test_an_empty_or_over_long_agreement_gets_a_message(
    couple: Link, alice_client: Any, alice: Any
) -> None:
    assert (
        "Write down what you agreed first."
        in post_agreement(alice_client, couple, "", alice.pk).content.decode()
    )
    long = "x" * (AGREEMENT_MAX_LENGTH + 1)
    page = post_agreement(alice_client, couple, long, alice.pk).content.decode()
    assert f"Please keep it to {AGREEMENT_MAX_LENGTH} characters" in page
    assert long in page
    assert not Agreement.objects.exists()


def test_a_typo_in_the_due_date_gets_a_message(couple: Link, alice_client: Any, alice: Any) -> None:
    page = post_agreement(alice_client, couple, "Walk", alice.pk, "next tuesday").content.decode()
    assert "Enter a date like" in page


def test_a_kept_empty_form_never_stands_in_for_one_with_errors(
    couple: Link, alice_client: Any, alice: Any
) -> None:
    # The empty forms' fields are drawn once per language and kept; a form sent back
    # with an error is drawn fresh, with the message and what was typed.
    week = f"/together/{couple.pk}/"
    blank = alice_client.get(week).content.decode()
    assert 'name="item-text"' in blank and 'name="agreement-due"' in blank
    page = post_item(alice_client, couple, "decision", "   ").content.decode()
    assert "Write a few words first." in page
    page = post_agreement(alice_client, couple, "Walk", alice.pk, "next tuesday").content.decode()
    assert "Enter a date like" in page and "next tuesday" in page
    again = alice_client.get(week).content.decode()
    assert "Write a few words first." not in again and "next tuesday" not in again
    assert again.count('name="item-text"') == 1
