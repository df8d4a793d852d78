"""Mira's demo practice: part-way up a six-step ladder, a dozen experiments, one answered
by Sam as well, all visible to her the way a person would see them."""

from __future__ import annotations

import pytest
from django.test import Client

from alongside.accounts.demo import seed
from alongside.accounts.models import User
from alongside.practice.models import AskedAnswer, Ladder, RelianceExperiment

pytestmark = pytest.mark.django_db


def test_mira_is_part_way_up_a_six_step_ladder_with_a_dozen_experiments() -> None:
    seed(days=56)
    mira = User.objects.get(email="mira@demo.alongside")
    ladder = Ladder.objects.get(owner=mira)
    steps = ladder.ordered_steps()
    assert len(steps) == 6
    done = RelianceExperiment.objects.filter(owner=mira, after_at__isnull=False)
    assert 10 <= done.count() <= 14
    assert done.filter(went_better=False).count() == 2
    suggestion = ladder.suggestion()
    assert suggestion is not None
    assert 0 < steps.index(suggestion.step) < 5  # part-way up


def test_mira_sees_her_picture_and_sams_answer() -> None:
    seed(days=56)
    mira = User.objects.get(email="mira@demo.alongside")
    client = Client()
    client.force_login(mira)
    page = client.get("/practice/").content.decode()
    assert "of your last 10 asks went better than you expected." in page
    relational = RelianceExperiment.objects.get(owner=mira, invited__isnull=False)
    assert AskedAnswer.objects.get(experiment=relational).owner.email == "sam@demo.alongside"
    detail = client.get(f"/practice/experiments/{relational.pk}/").content.decode()
    assert "Sam: 5 out of 5" in detail and "glad" in detail


def test_sam_sees_how_it_went_for_mira() -> None:
    seed(days=56)
    sam = User.objects.get(email="sam@demo.alongside")
    client = Client()
    client.force_login(sam)
    relational = RelianceExperiment.objects.get(invited=sam)
    page = client.get(f"/practice/asked/{relational.pk}/").content.decode()
    assert "For Mira: discomfort 30 out of 100" in page
