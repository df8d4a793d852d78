"""Participation stands apart: the researcher sees study IDs, never names or addresses
(unless the consent says so), and nothing of a person's own Alongside data; a partner
sees nothing of the other's taking part."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

from alongside.checkins.models import CheckIn
from alongside.research import services
from alongside.research.models import Answer
from alongside.research.tests.helpers import enrol, make_study, plan_prompt
from conftest import link_people, make_researcher

RESEARCH = Path(__file__).resolve().parents[1]


def _main(html: str) -> str:
    """The page's own content, without the form tokens that differ on each request."""
    main = html.split("<main", 1)[-1].split("</main>", 1)[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def test_the_researcher_sees_study_ids_and_never_who(
    alice: Any, ben: Any, dana: Any, eve: Any
) -> None:
    make_researcher(dana)
    study = make_study(dana)
    link_people(alice, ben, inviter_shares=["mood"], invitee_shares=["mood"])
    CheckIn.objects.create(owner=alice, day=alice.local_today(), mood=4, note="MY-OWN-NOTE-91")
    me, partner = enrol(alice, study), enrol(ben, study)
    services.dyad_join(participant=partner, raw_code=services.dyad_start(participant=me).code)
    services.participant_withdraw(participant=enrol(eve, study), delete=True)
    researcher = Client()
    researcher.force_login(dana)
    pages = [
        reverse("research:studies"),
        reverse("research:study", args=[study.pk]),
        reverse("research:study_edit", args=[study.pk]),
        reverse("research:consent_new", args=[study.pk]),
        reverse("research:study_export", args=[study.pk]),
        reverse("research:compliance", args=[study.pk]),
    ]
    study_page = researcher.get(pages[1]).content.decode()
    assert me.study_code in study_page and partner.study_code in study_page
    for url in pages:
        body = researcher.get(url).content.decode()
        for person in (alice, ben, eve):
            assert person.email not in body, (url, person.email)
            assert f">{person.display_name}<" not in body, url
        assert "MY-OWN-NOTE-91" not in body


def test_a_partner_sees_nothing_of_the_others_taking_part(
    alice: Any, ben: Any, dana: Any, ben_client: Client
) -> None:
    make_researcher(dana)
    study = make_study(dana)
    link_people(alice, ben)
    me = enrol(alice, study)
    now = dt.datetime.now(dt.UTC)
    prompt = plan_prompt(me, now - dt.timedelta(hours=1))
    Answer.objects.create(prompt=prompt, item_id="note", value="ALICE-ANSWER-33")
    # Ben, not taking part: no page mentions the study.
    for url in (reverse("research:index"), reverse("circle:circle"), reverse("home")):
        body = ben_client.get(url, follow=True).content.decode()
        assert "Evenings together" not in body and "ALICE-ANSWER-33" not in body
    # Ben taking part too, not paired: still nothing of hers (no count, no notice).
    mine = enrol(ben, study)
    for url in (
        reverse("research:index"),
        reverse("research:participation", args=[mine.pk]),
        reverse("circle:circle"),
    ):
        body = ben_client.get(url).content.decode()
        assert me.study_code not in body and "ALICE-ANSWER-33" not in body
        assert "Alice" not in body or url == reverse("circle:circle")
    assert ben_client.get(reverse("research:participation", args=[me.pk])).status_code == 404
    # Alice pauses and leaves: Ben's page says nothing of it.
    before = ben_client.get(reverse("research:participation", args=[mine.pk])).content.decode()
    services.participant_pause(participant=me)
    services.participant_withdraw(participant=me, delete=False)
    after = ben_client.get(reverse("research:participation", args=[mine.pk])).content.decode()
    assert _main(before) == _main(after)


def test_research_models_have_no_key_into_other_apps() -> None:
    from django.apps import apps

    for model in apps.get_app_config("research").get_models():
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            if related is not None and getattr(field, "concrete", False):
                assert related._meta.app_label in ("research", "accounts"), (model, field.name)


def test_research_code_imports_no_private_data() -> None:
    forbidden = (
        "alongside.checkins",
        "alongside.circle",
        "alongside.together",
        "alongside.practice",
    )
    for path in RESEARCH.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert not name.startswith(forbidden), f"{path.name} imports {name}"
