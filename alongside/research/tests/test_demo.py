"""The demo's researcher: Rhea, with the couple study "Evenings together", ten couples
paired and two weeks of prompts behind them, answered, missed and expired."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alongside.accounts import demo
from alongside.accounts.models import User
from alongside.research import services
from alongside.research.answers import check_answers
from alongside.research.demo import CODE, DAYS_PAST
from alongside.research.models import Answer, Dyad, Prompt, Study


@pytest.fixture
def study(db: None) -> Study:
    demo.seed()
    return Study.objects.get(code=CODE)


def _statuses(study: Study) -> dict[str, Counter[str]]:
    # Typed loosely: the stubs cannot see ``status``, which ``with_status`` annotates.
    prompts: Any = Prompt.objects.filter(participant__study=study).with_status(timezone.now())
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for code, status in prompts.values_list("participant__study_code", "status"):
        counts[code][status] += 1
    return counts


def test_rhea_is_a_researcher_with_a_couple_study_of_ten_formed_dyads(study: Study) -> None:
    rhea = User.objects.get(email=demo.RHEA[0])
    assert services.is_researcher(rhea) and study.researcher == rhea
    assert study.is_couple and study.prompts_together
    assert study.starts_on == timezone.localdate() - dt.timedelta(days=DAYS_PAST)
    assert study.ends_on > timezone.localdate()  # some evenings are still to come
    dyads = Dyad.objects.filter(study=study)
    assert sorted(d.study_code for d in dyads) == [f"EVN-D{n:02d}" for n in range(1, 11)]
    assert all(d.is_formed for d in dyads)
    assert study.participants.filter(status="active").count() == 20


def test_everyone_answered_and_some_prompts_were_missed_or_expired(study: Study) -> None:
    counts = _statuses(study)
    assert len(counts) == 20
    assert all(c["answered"] for c in counts.values())
    total = sum(counts.values(), Counter())
    assert total["missed"] and total["expired"] and total["planned"]
    assert not total["not_sent"]  # every past prompt was sent

    def answered(c: Counter[str]) -> float:
        return c["answered"] / (c["answered"] + c["missed"] + c["expired"])

    rates = [answered(c) for c in counts.values()]
    assert min(rates) < 0.8 < sum(rates) / len(rates)  # someone to flag, most answer


def test_every_stored_answer_passes_the_answer_check(study: Study) -> None:
    by_prompt: dict[int, dict[str, Any]] = defaultdict(dict)
    for prompt_id, item_id, value in Answer.objects.filter(
        prompt__participant__study=study
    ).values_list("prompt_id", "item_id", "value"):
        by_prompt[prompt_id][item_id] = value
    answered = Prompt.objects.filter(participant__study=study, completed_at__isnull=False)
    assert set(by_prompt) == set(answered.values_list("pk", flat=True))
    for data in by_prompt.values():
        assert check_answers(study.items, data) == data


def test_partners_are_prompted_at_the_same_instants_from_the_first_evening(
    study: Study,
) -> None:
    for dyad in Dyad.objects.filter(study=study):
        first, second = (
            set(Prompt.objects.filter(participant=p, dyad=dyad).values_list("scheduled_at"))
            for p in (dyad.first, dyad.second)
        )
        assert first and first == second
    days = set(Prompt.objects.filter(participant__study=study).values_list("day", flat=True))
    assert set(range(1, DAYS_PAST + 1)) <= days


def test_answers_come_after_the_prompt_was_sent_and_before_it_closed(study: Study) -> None:
    for prompt in Prompt.objects.filter(participant__study=study, completed_at__isnull=False):
        assert prompt.sent_at and prompt.opened_at and prompt.completed_at
        assert prompt.scheduled_at <= prompt.sent_at <= prompt.opened_at
        assert prompt.opened_at < prompt.completed_at < prompt.expires_at
        assert prompt.expired_at is None


def test_rhea_opens_the_study_page(study: Study) -> None:
    client = Client()
    client.force_login(study.researcher)
    response = client.get(reverse("research:study", args=[study.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Evenings together" in page
    assert all(p.study_code in page for p in study.participants.all())


def test_seeding_again_adds_nothing(study: Study) -> None:
    before = (User.objects.count(), Prompt.objects.count(), Answer.objects.count())
    demo.seed()
    assert (User.objects.count(), Prompt.objects.count(), Answer.objects.count()) == before


def test_the_logins_name_rhea_and_the_participants() -> None:
    text = demo.logins_text()
    assert demo.RHEA[0] in text and "p01@demo.alongside" in text


def _answers_by_place() -> dict[tuple[str, int, dt.datetime, str], Any]:
    """Every answer keyed by dyad, partner (0 first, 1 second), instant and item: study
    IDs are drawn at random when people join, so they are left out."""
    found = {}
    for dyad in Dyad.objects.select_related("first", "second"):
        for who, person in enumerate((dyad.first, dyad.second)):
            for at, item, value in Answer.objects.filter(prompt__participant=person).values_list(
                "prompt__scheduled_at", "item_id", "value"
            ):
                found[(dyad.study_code, who, at, item)] = value
    return found


@pytest.mark.django_db
def test_the_demo_study_is_the_same_each_time() -> None:
    import time_machine

    with time_machine.travel(dt.datetime(2027, 3, 10, 12, tzinfo=dt.UTC), tick=False):
        demo.seed()
        first = _answers_by_place()
        Study.objects.filter(code=CODE).delete()
        # Only the research part is seeded again: the rest of the demo is still there.
        User.objects.filter(email__regex=r"^(rhea|p\d\d)@demo\.alongside$").delete()
        demo.seed()
        assert _answers_by_place() == first
    assert len(first) > 1000


def test_the_dyadic_export_pairs_both_partners_answers(study: Study) -> None:
    from alongside.research import exports

    table = exports.table(study, "dyadic")
    assert table["dyad"].nunique() == 10
    both = table.dropna(subset=["close_1", "close_2"])
    assert len(both) > 0.6 * DAYS_PAST * 2 * 10  # most past evenings, both partners
    # Partners' closeness moves together (the demo's shared evening mood).
    assert both["close_1"].astype(float).corr(both["close_2"].astype(float)) > 0.3


def test_a_participant_opens_their_own_page_of_taking_part(study: Study) -> None:
    participant = study.participants.get(user__email="p01@demo.alongside")
    assert participant.user is not None
    client = Client()
    client.force_login(participant.user)
    response = client.get(reverse("research:participation", args=[participant.pk]))
    assert response.status_code == 200
    assert participant.study_code in response.content.decode()
