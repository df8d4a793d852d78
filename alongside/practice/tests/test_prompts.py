"""Vulnerability prompts: the set, skip and not now, private journal answers, and mutual
reveal that never shows a partner's answer (or that one exists) before both shared."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from alongside.accounts.export import sections
from alongside.practice import prompts_growth
from alongside.practice.models_growth import PromptEntry, PromptSkip

BOTH = ["practice"]
KEY = "fear-asking"
URL = f"/practice/prompts/{KEY}/"
SECRET = "ALICE-SECRET-ANSWER"


@pytest.fixture
def couple(link_couple: Any) -> Any:
    return link_couple(BOTH, BOTH)


def _answer(client: Client, text: str, *, share: bool) -> Any:
    return client.post(URL, {"text": text, **({"share": "on"} if share else {})})


def test_the_set_covers_five_groups_and_goes_from_light_to_deep() -> None:
    groups = {p.group for p in prompts_growth.PROMPTS}
    assert groups == {"fears", "hopes", "dreams", "needs", "past"}
    depths = [p.depth for p in prompts_growth.PROMPTS]
    assert depths == sorted(depths) and depths[0] == 1 and depths[-1] == 3
    assert len({p.key for p in prompts_growth.PROMPTS}) == len(prompts_growth.PROMPTS)


def test_the_prompts_page_offers_the_lightest_prompt_first(alice_client: Client) -> None:
    page = alice_client.get("/practice/prompts/").content.decode()
    first = prompts_growth.PROMPTS[0]
    assert f'href="/practice/prompts/{first.key}/" data-testid="next-prompt"' in page


def test_an_answer_is_a_private_journal_entry_encrypted_at_rest(alice_client: Client) -> None:
    _answer(alice_client, "Being a bother", share=False)
    entry = PromptEntry.objects.get()
    assert entry.is_private and entry.text == "Being a bother"
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM practice_promptentry")
        assert "bother" not in cursor.fetchone()[0]


def test_an_empty_answer_is_refused_next_to_the_field(alice_client: Client) -> None:
    response = alice_client.post(URL, {"text": "   "})
    assert response.status_code == 422
    assert "Write a few words, or choose “Skip” or “Not now”." in response.content.decode()


def test_skip_moves_on_and_the_prompt_is_not_offered_again(alice_client: Client) -> None:
    first = prompts_growth.PROMPTS[0]
    response = alice_client.post(f"/practice/prompts/{first.key}/skip/")
    assert response["Location"] == f"/practice/prompts/{prompts_growth.PROMPTS[1].key}/"
    assert PromptSkip.objects.filter(prompt_key=first.key).exists()
    page = alice_client.get("/practice/prompts/").content.decode()
    assert f'href="/practice/prompts/{first.key}/" data-testid="next-prompt"' not in page


def test_not_now_leads_to_the_next_prompt_without_storing_anything(alice_client: Client) -> None:
    page = alice_client.get(URL).content.decode()
    following = prompts_growth.after(KEY)[0]
    assert f'href="/practice/prompts/{following.key}/" data-testid="not-now"' in page
    assert not PromptSkip.objects.exists() and not PromptEntry.objects.exists()


def test_an_unknown_prompt_is_not_found(alice_client: Client) -> None:
    assert alice_client.get("/practice/prompts/no-such-prompt/").status_code == 404
    assert alice_client.get("/api/v1/practice/prompts/no-such-prompt").status_code == 404


def test_a_shared_answer_stays_hidden_until_the_partner_shares_theirs(
    couple: Any, alice_client: Client, ben_client: Client
) -> None:
    _answer(alice_client, SECRET, share=True)
    before = ben_client.get(URL).content.decode()
    assert SECRET not in before
    assert "Alice" not in before  # not even a hint that she answered
    api = ben_client.get(f"/api/v1/practice/prompts/{KEY}").json()
    assert api["partner_answer"] is None and api["mine"] is None
    assert SECRET not in ben_client.get("/api/v1/practice/prompt-answers").content.decode()
    # A private answer by ben does not open alice's either.
    _answer(ben_client, "Mine, privately", share=False)
    assert SECRET not in ben_client.get(URL).content.decode()
    assert ben_client.get(f"/api/v1/practice/prompts/{KEY}").json()["partner_answer"] is None
    # Once ben shares his, both see both.
    _answer(ben_client, "Mine, shared", share=True)
    assert SECRET in ben_client.get(URL).content.decode()
    assert "Mine, shared" in alice_client.get(URL).content.decode()
    assert ben_client.get(f"/api/v1/practice/prompts/{KEY}").json()["partner_answer"] == SECRET


def test_a_partners_private_answer_never_shows_or_hints(
    couple: Any, alice_client: Client, ben_client: Client
) -> None:
    _answer(alice_client, SECRET, share=False)
    _answer(ben_client, "Mine, shared", share=True)
    page = ben_client.get(URL).content.decode()
    assert SECRET not in page
    assert "If Alice shares an answer to this prompt too" in page  # the same words as before


def test_a_partner_without_the_practice_grant_never_sees_an_answer(
    link_couple: Any, alice: Any, ben: Any, ben_client: Client
) -> None:
    link_couple(["mood"], BOTH)
    PromptEntry.objects.create(author=alice, prompt_key=KEY, text=SECRET, is_private=False)
    PromptEntry.objects.create(author=ben, prompt_key=KEY, text="Ben's", is_private=False)
    assert SECRET not in ben_client.get(URL).content.decode()
    assert ben_client.get(f"/api/v1/practice/prompts/{KEY}").json()["partner_answer"] is None


def test_the_api_answers_and_names_the_field_on_bad_input(
    couple: Any, alice_client: Client, eve_client: Client
) -> None:
    unknown = alice_client.post(
        "/api/v1/practice/prompt-answers",
        {"prompt_key": "nope", "text": "x"},
        content_type="application/json",
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "prompt_key"]
    made = alice_client.post(
        "/api/v1/practice/prompt-answers",
        {"prompt_key": KEY, "text": "Hello", "shared": True},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["shared"] is True
    twice = alice_client.post(
        "/api/v1/practice/prompt-answers",
        {"prompt_key": KEY, "text": "Again"},
        content_type="application/json",
    )
    assert twice.status_code == 422
    answer_id = made.json()["id"]
    assert eve_client.get(f"/api/v1/practice/prompt-answers/{answer_id}").status_code == 404
    changed = alice_client.patch(
        f"/api/v1/practice/prompt-answers/{answer_id}",
        {"shared": False},
        content_type="application/json",
    )
    assert changed.json()["shared"] is False


def test_sharing_an_answer_needs_a_partner_who_shares_practice(alice_client: Client) -> None:
    response = alice_client.post(
        "/api/v1/practice/prompt-answers",
        {"prompt_key": KEY, "text": "x", "shared": True},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "shared"]
    assert "share" not in alice_client.get(URL).context["form"].fields


def test_the_export_holds_answers_and_deleting_the_account_removes_them(alice: Any) -> None:
    PromptEntry.objects.create(author=alice, prompt_key=KEY, text="Mine")
    assert sections(alice)["practice_prompt_answers"][0]["text"] == "Mine"
    alice.delete()
    assert not PromptEntry.objects.exists()


def test_once_every_prompt_is_answered_or_skipped_the_page_says_so_gently(
    alice: Any, alice_client: Client
) -> None:
    for prompt in prompts_growth.PROMPTS:
        PromptSkip.objects.create(owner=alice, prompt_key=prompt.key)
    page = alice_client.get("/practice/prompts/").content.decode()
    assert "You have answered or set aside every prompt." in page
    assert 'data-testid="next-prompt"' not in page


def test_sharing_first_leaves_no_trace_in_the_partners_access_log(
    couple: Any, alice: Any, ben: Any, alice_client: Client, ben_client: Client
) -> None:
    from alongside.accounts.models import AccessLogEntry

    _answer(ben_client, "Ben first", share=True)
    ben_client.get(URL)
    ben_client.get(f"/api/v1/practice/prompts/{KEY}")
    # alice could otherwise read "Ben looked at a shared prompt answer" and guess.
    assert not AccessLogEntry.objects.filter(owner=alice).exists()
    _answer(alice_client, SECRET, share=True)
    assert SECRET in ben_client.get(URL).content.decode()
    assert AccessLogEntry.objects.filter(owner=alice, viewer=ben).exists()
