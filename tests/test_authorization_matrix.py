"""Every URL and every API operation, for every kind of person (issue 3, item 9).

The URL list comes from Django's resolver and the API list from the OpenAPI schema, so a
new page or endpoint without a case below fails ``test_every_url_has_a_case``: coverage
cannot silently shrink. For each case and persona the test checks the status and that
no response to anyone but the owner contains data the owner did not share.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from alongside.accounts.models import ApiToken
from alongside.api import api
from alongside.assessments.models import Take
from alongside.care.models import Alert, SessionNote
from alongside.checkins.models import CheckIn
from alongside.circle import services
from alongside.circle.models import Grant, Invitation, Link, Person
from alongside.practice.models import AskedAnswer, Ladder, RelianceExperiment, Step
from alongside.practice.models_growth import Goal, GoalStep, PromptEntry
from alongside.push.models import PushSubscription, endpoint_digest
from alongside.research import services as research
from alongside.research.models import Answer, Dyad, Participant, Prompt, Study
from alongside.research.tests.helpers import enrol, make_study, plan_prompt
from alongside.together.models import Agreement, Item, PromptAnswer, Session
from conftest import link_people, link_therapist, make_person, make_researcher, make_therapist

# Text that only the owner may ever see. Any response to anyone else containing one of
# these is a leak, whatever its status code.
SECRETS = (
    "PRIVATE-DAY-NOTE-7f3a",  # the note of an entry alice kept private
    "UNSHARED-NOTE-19bc",  # a note on a shared day; alice does not share notes
    "UNREVEALED-ANSWER-5d2e",  # alice's prompt answer, ben has not answered yet
    "PRIVATE-PERSON-NAME-Quill",  # a name in alice's own circle
    "PRACTICE-BELIEF-a41c",  # the belief in alice's experiment: her words, never shown
    "PERSONAL-GOAL-4b7f",  # alice's own growth goal, never shared
    "UNREVEALED-GROWTH-ANSWER-8c1d",  # alice's shared prompt answer; ben has not shared his
    "PRIVATE-JOURNAL-3e9a",  # alice's private journal answer to a prompt
    "THERAPIST-NOTE-6a2f",  # alice's session note as cleo's therapist: hers alone
    "RESEARCH-ANSWER-2c7e",  # alice's answer in rhea's study: rhea's to read, not ben's
)

PERSONAS = (
    "owner",
    "partner_with_grant",
    "partner_without_grant",
    "other_grantee",
    "stranger",
    "anonymous",
)


@dataclass
class World:
    alice: Any
    ben: Any
    finn: Any
    dana: Any
    eve: Any
    checkin: CheckIn
    private_checkin: CheckIn
    person: Person
    invitation: Invitation
    link: Link
    finn_link: Link
    token: ApiToken
    session: Session
    item: Item
    agreement: Agreement
    prompt_key: str
    take: Take
    ended: Session
    goal: Goal  # shared by alice and ben
    step: GoalStep  # alice's step on it
    personal_goal: Goal
    proposal: Goal  # suggested by alice to ben, not answered yet
    leaving: Goal  # another shared goal, for leaving
    answer: PromptEntry
    care: Any  # alice as therapist of cleo
    my_care: Any  # alice as client of tara
    study: Study  # alice's own study, as a researcher
    taking_part: Participant  # alice taking part in rhea's couple study, paired with ben


def _link(one: Any, other: Any, kind: str, share: list[str], back: list[str]) -> Link:
    return link_people(one, other, inviter_shares=share, invitee_shares=back, kind=kind)


@pytest.fixture
def world(db: None) -> World:
    alice = make_person("alice@example.org", "Alice")
    ben = make_person("ben@example.org", "Ben")
    finn = make_person("finn@example.org", "Finn")
    dana = make_person("dana@example.org", "Dana", "America/New_York")
    eve = make_person("eve@example.org", "Eve", "UTC")
    today = alice.local_today()
    # alice shares mood, needs, the weekly ritual and practice with ben; nothing with finn.
    link = _link(
        alice,
        ben,
        "partner",
        ["mood", "needs", "together", "practice"],
        ["mood", "together", "practice"],
    )
    finn_link = _link(alice, finn, "friend", [], [])
    # dana is someone else's grantee: ben shares his mood with her.
    _link(ben, dana, "friend", ["mood"], [])
    checkin = CheckIn.objects.create(
        owner=alice, day=today, mood=6, need_trust=2, note="UNSHARED-NOTE-19bc"
    )
    private_checkin = CheckIn.objects.create(
        owner=alice,
        day=today - dt.timedelta(days=1),
        mood=3,
        note="PRIVATE-DAY-NOTE-7f3a",
        is_private=True,
    )
    person = Person.objects.create(owner=alice, name="PRIVATE-PERSON-NAME-Quill", kind="friend")
    checkin.received_from_people.add(person)
    invitation = Invitation.objects.create(inviter=alice, kind="friend", scope=["mood"])
    token, _raw = ApiToken.issue(alice, "script")
    week_start = today - dt.timedelta(days=today.weekday())
    session = Session.for_week(link, week_start)
    prompt = session.prompts()[0]
    PromptAnswer.give(session=session, prompt=prompt, author=alice, text="UNREVEALED-ANSWER-5d2e")
    item = Item.objects.create(session=session, author=alice, kind="appreciation", text="thanks")
    agreement = Agreement.objects.create(
        session=session, text="walk on Sunday", owner=alice, created_by=alice
    )
    world = World(
        alice,
        ben,
        finn,
        dana,
        eve,
        checkin,
        private_checkin,
        person,
        invitation,
        link,
        finn_link,
        token,
        session,
        item,
        agreement,
        prompt.key,
        Take.objects.create(
            owner=alice, instrument_id="alongside-closeness", status="complete", answers={}
        ),
        _ended_week(alice, week_start - dt.timedelta(weeks=10)),
        *_growth(alice, ben),
        *_care(alice),
        *_research(alice, ben, dana),
    )
    _experiment(world)  # and, through it, the ladder and its step
    return world


def _care(alice: Any) -> tuple[Any, Any]:
    """alice works as a therapist (cleo is her client) and is tara's client herself.

    cleo and cody are partners, both alice's clients, both letting her see them side by
    side (the couple page); one of cleo's questionnaires fired an alert for alice."""
    cleo = make_person("cleo@example.org", "Cleo")
    tara = make_person("tara@example.org", "Tara")
    cody = make_person("cody@example.org", "Cody")
    make_therapist(alice)
    make_therapist(tara)
    link_people(cleo, cody)
    care = link_therapist(cleo, alice, shares=["mood", "assessments"], couple_view=True)
    link_therapist(cody, alice, shares=["mood"], couple_view=True)
    take = Take.objects.create(
        owner=cleo, instrument_id="csi-4", status="complete", scores={"satisfaction": {"value": 9}}
    )
    Alert.objects.create(
        care_link=care,
        kind="deterioration",
        instrument_id="csi-4",
        subscale_id="satisfaction",
        take=take,
        evidence={"rule": "A reliable fall.", "before": 16, "after": 9},
    )
    return care, link_therapist(alice, tara, shares=["mood"])


def _research(alice: Any, ben: Any, dana: Any) -> tuple[Study, Participant]:
    """alice runs a study (pia takes part); dana is a researcher too, of none of it.

    alice and ben take part in rhea's couple study as a dyad: ben's own participation is
    his, and nothing of alice's (her page, her answers) opens for him."""
    rhea = make_person("rhea@example.org", "Rhea")
    pia = make_person("pia@example.org", "Pia")
    for researcher in (alice, rhea, dana):
        make_researcher(researcher)
    study = make_study(alice, code="ALICESTUDY", id_prefix="ALS")
    enrol(pia, study)
    couple_study = make_study(rhea, code="RHEASTUDY", id_prefix="RHS")
    taking_part = enrol(alice, couple_study)
    dyad = research.dyad_start(participant=taking_part)
    research.dyad_join(participant=enrol(ben, couple_study), raw_code=dyad.code)
    now = dt.datetime.now(dt.UTC)
    prompt = plan_prompt(
        taking_part,
        now - dt.timedelta(hours=1),
        dyad=dyad,
        completed_at=now - dt.timedelta(minutes=50),
    )
    Answer.objects.create(prompt=prompt, item_id="note", value="RESEARCH-ANSWER-2c7e")
    return study, taking_part


def _prompt(w: World) -> Prompt:
    """alice's earliest prompt in rhea's couple study: the one she answered."""
    return Prompt.objects.filter(participant=w.taking_part).order_by("scheduled_at").first()  # type: ignore[return-value]


def _note(w: World) -> SessionNote:
    """alice's note of a session with cleo (made on first use, so the World stays as it
    was)."""
    found = SessionNote.objects.filter(therapist=w.alice).first()
    if found is None:
        found = SessionNote.objects.create(
            therapist=w.alice,
            client=w.care.client,
            client_label="Cleo",
            session_on=w.alice.local_today(),
            text="THERAPIST-NOTE-6a2f",
        )
    return found


def _growth(alice: Any, ben: Any) -> tuple[Goal, GoalStep, Goal, Goal, Goal, PromptEntry]:
    """Growth goals and prompt answers: one of each state, and two answers only alice sees."""
    goal = Goal.objects.create(owner=alice, partner=ben, state="shared", title="Cook together")
    step = GoalStep.objects.create(goal=goal, author=alice, text="Pick a recipe")
    personal = Goal.objects.create(owner=alice, title="PERSONAL-GOAL-4b7f")
    proposal = Goal.objects.create(owner=alice, partner=ben, state="proposed", title="Walk")
    leaving = Goal.objects.create(owner=alice, partner=ben, state="shared", title="Read")
    answer = PromptEntry.objects.create(
        author=alice,
        prompt_key="fear-asking",
        text="UNREVEALED-GROWTH-ANSWER-8c1d",
        is_private=False,
    )
    PromptEntry.objects.create(
        author=alice, prompt_key="hope-small-week", text="PRIVATE-JOURNAL-3e9a", is_private=True
    )
    return goal, step, personal, proposal, leaving, answer


def _ended_week(owner: Any, week_start: dt.date) -> Session:
    """A week from a link that has since ended: what alice wrote in it stays hers."""
    session = Session.objects.create(link=None, week_start=week_start)
    Item.objects.create(session=session, author=owner, kind="for_myself", text="a long walk")
    return session


def _assignment(w: World) -> Any:
    """What alice, as cleo's therapist, asked cleo to answer (made on first use)."""
    from alongside.care.models import Assignment

    found = Assignment.objects.filter(care_link=w.care).first()
    if found is None:
        found = Assignment.objects.create(
            care_link=w.care,
            instrument_id="alongside-closeness",
            first_due_on=w.alice.local_today(),
        )
    return found


def _alert(w: World) -> Alert:
    """The alert one of cleo's questionnaires raised for alice (made with the World)."""
    return Alert.objects.get(care_link=w.care)


def _due(w: World) -> Any:
    """A questionnaire tara asked alice to answer, open now (made on first use)."""
    from alongside.care.models import Assignment, Due

    found = Due.objects.filter(assignment__care_link=w.my_care).first()
    if found is None:
        now = dt.datetime.now(dt.UTC)
        assignment = Assignment.objects.create(
            care_link=w.my_care, instrument_id="alongside-closeness", first_due_on=now.date()
        )
        found = Due.objects.create(
            assignment=assignment,
            due_on=now.date(),
            opens_at=now - dt.timedelta(hours=1),
            expires_at=now + dt.timedelta(days=7),
        )
    return found


# What each URL is called with; the objects all belong to alice (or to alice & ben).
Kwargs = Callable[[World], dict[str, Any]]
OWNED_BY_ALICE = "owner only"  # every other signed-in person gets 404 (or 405 on POST-only)
COUPLE = "alice and ben"  # the couple's shared space: alice and ben see it, others 404
OPEN = "any signed-in person"  # no object from the URL: each sees only their own data
PUBLIC = "anyone"  # reachable without signing in
PROBE = "a load balancer's readiness probe"  # 200 or 503, the same for anyone
# An invitation link: signed out, a landing page with the inviter's chosen name and the
# ways in (what it may show is tested in circle/tests/test_landing.py); signed in, as OPEN.
LANDING = "an invitation's landing page"
INVITED_BEN = "the person asked"  # ben, invited to answer about alice's ask; others 404


def _step(w: World) -> Step:
    """alice's one ladder step (made on first use, so the World stays as it was)."""
    step = Step.objects.filter(ladder__owner=w.alice).first()
    if step is None:
        ladder = Ladder.objects.create(owner=w.alice, title="asking for help")
        step = ladder.add_step("ask for the salt")
    return step


def _experiment(w: World) -> RelianceExperiment:
    """alice's ask of ben, ben invited to answer. Its words never reach anyone but alice:
    what ben sees of her practice (she shares it) is a sentence and a picture, and finn
    (linked, without the practice grant) sees nothing of it at all."""
    found = RelianceExperiment.objects.filter(owner=w.alice).first()
    if found is None:
        found = RelianceExperiment.objects.create(
            owner=w.alice,
            step=_step(w),
            belief="PRACTICE-BELIEF-a41c",
            belief_before=80,
            prediction="he will sigh",
            prediction_likelihood=70,
            discomfort_expected=60,
            invited=w.ben,
        )
    return found


def _push_subscription(w: World) -> PushSubscription:
    endpoint = "https://fcm.googleapis.com/fcm/send/alice-phone"
    found, _created = PushSubscription.objects.get_or_create(
        endpoint_digest=endpoint_digest(endpoint),
        defaults={"owner": w.alice, "endpoint": endpoint, "p256dh": "BA", "auth": "AA"},
    )
    return found


WEB_CASES: dict[str, tuple[Kwargs, str]] = {
    "home": (lambda w: {}, PUBLIC),
    "safety:help": (lambda w: {}, PUBLIC),
    "safety:offline": (lambda w: {}, PUBLIC),
    "healthz": (lambda w: {}, PUBLIC),
    # 503 until a task worker has written its heartbeat; the same for everyone.
    "readyz": (lambda w: {}, PROBE),
    "safety:manifest": (lambda w: {}, PUBLIC),
    "safety:settings": (lambda w: {}, OPEN),
    "accounts:profile": (lambda w: {}, OPEN),
    "accounts:welcome": (lambda w: {}, OPEN),
    "accounts:tokens": (lambda w: {}, OPEN),
    "accounts:token_revoke": (lambda w: {"pk": w.token.pk}, OWNED_BY_ALICE),
    "accounts:data": (lambda w: {}, OPEN),
    "accounts:export": (lambda w: {}, OPEN),
    "accounts:delete": (lambda w: {}, OPEN),
    "accounts:access_log": (lambda w: {}, OPEN),
    "reminders:settings": (lambda w: {}, OPEN),
    # The service worker script: the same few lines for anyone.
    "push:service_worker": (lambda w: {}, PUBLIC),
    # JSON from the page: each person only ever adds or forgets their own devices.
    "push:subscribe": (lambda w: {}, OPEN),
    "push:unsubscribe": (lambda w: {}, OPEN),
    "push:test": (lambda w: {}, OPEN),
    "push:remove": (lambda w: {"pk": _push_subscription(w).pk}, OWNED_BY_ALICE),
    "checkins:today": (lambda w: {}, OPEN),
    "checkins:backfill": (lambda w: {}, OPEN),
    "checkins:history": (lambda w: {}, OPEN),
    "checkins:detail": (lambda w: {"pk": w.checkin.pk}, OWNED_BY_ALICE),
    "checkins:edit": (lambda w: {"pk": w.checkin.pk}, OWNED_BY_ALICE),
    "checkins:delete": (lambda w: {"pk": w.checkin.pk}, OWNED_BY_ALICE),
    "assessments:index": (lambda w: {}, OPEN),
    "assessments:instrument": (lambda w: {"instrument_id": "alongside-closeness"}, OPEN),
    "assessments:start": (lambda w: {"instrument_id": "alongside-closeness"}, OPEN),
    "assessments:history": (lambda w: {"instrument_id": "alongside-closeness"}, OPEN),
    "assessments:take": (
        lambda w: {"pk": w.take.pk},
        OWNED_BY_ALICE,
    ),
    "assessments:result": (
        lambda w: {"pk": w.take.pk},
        OWNED_BY_ALICE,
    ),
    "assessments:delete": (
        lambda w: {"pk": w.take.pk},
        OWNED_BY_ALICE,
    ),
    "assessments:shared": (lambda w: {"pk": w.link.pk}, COUPLE),
    "insights:mine": (lambda w: {}, OPEN),
    "insights:couple": (lambda w: {"pk": w.link.pk}, COUPLE),
    "circle:circle": (lambda w: {}, OPEN),
    "circle:person_add": (lambda w: {}, OPEN),
    "circle:person_edit": (lambda w: {"pk": w.person.pk}, OWNED_BY_ALICE),
    "circle:person_delete": (lambda w: {"pk": w.person.pk}, OWNED_BY_ALICE),
    "circle:invite": (lambda w: {}, OPEN),
    "circle:invitation": (lambda w: {"pk": w.invitation.pk}, OWNED_BY_ALICE),
    "circle:invitation_revoke": (lambda w: {"pk": w.invitation.pk}, OWNED_BY_ALICE),
    "circle:join": (lambda w: {}, OPEN),
    # The token in an invitation link is the secret itself; what it reveals is tested in
    # the circle tests. Here: nobody sees more than the inviter's name.
    "circle:accept": (lambda w: {"token": w.invitation.token}, LANDING),
    "circle:link": (lambda w: {"pk": w.link.pk}, COUPLE),
    "circle:sharing": (lambda w: {"pk": w.link.pk}, COUPLE),
    "circle:unlink": (lambda w: {"pk": w.link.pk}, COUPLE),
    "circle:safety_review": (lambda w: {}, OPEN),
    "circle:stop_sharing": (lambda w: {"pk": w.link.pk}, COUPLE),
    "together:week": (lambda w: {"pk": w.link.pk}, COUPLE),
    "together:ritual": (lambda w: {"pk": w.link.pk}, COUPLE),
    "together:history": (lambda w: {"pk": w.link.pk}, COUPLE),
    "together:session": (lambda w: {"pk": w.session.pk}, COUPLE),
    "together:item_add": (lambda w: {"pk": w.session.pk}, COUPLE),
    "together:agreement_add": (lambda w: {"pk": w.session.pk}, COUPLE),
    "together:prompt": (lambda w: {"pk": w.session.pk, "key": w.prompt_key}, COUPLE),
    "together:item_delete": (lambda w: {"pk": w.item.pk}, OWNED_BY_ALICE),
    "together:my_part": (lambda w: {}, OPEN),
    "together:my_part_week": (lambda w: {"pk": w.ended.pk}, OWNED_BY_ALICE),
    "together:agreement_done": (lambda w: {"pk": w.agreement.pk}, OWNED_BY_ALICE),
    "together:agreement_delete": (lambda w: {"pk": w.agreement.pk}, OWNED_BY_ALICE),
    "practice:index": (lambda w: {}, OPEN),
    "practice:experiment_new": (lambda w: {}, OPEN),
    "practice:experiment": (lambda w: {"pk": _experiment(w).pk}, OWNED_BY_ALICE),
    "practice:experiment_after": (lambda w: {"pk": _experiment(w).pk}, OWNED_BY_ALICE),
    "practice:experiment_invite": (lambda w: {"pk": _experiment(w).pk}, OWNED_BY_ALICE),
    "practice:experiment_asked": (lambda w: {"pk": _experiment(w).pk}, OWNED_BY_ALICE),
    # Only the person invited to answer (ben) may open it; alice, its owner, gets 404 too.
    "practice:asked": (lambda w: {"pk": _experiment(w).pk}, INVITED_BEN),
    "practice:ladder_new": (lambda w: {}, OPEN),
    "practice:ladder": (lambda w: {"pk": _step(w).ladder_id}, OWNED_BY_ALICE),
    "practice:step_add": (lambda w: {"pk": _step(w).ladder_id}, OWNED_BY_ALICE),
    "practice:step_move": (lambda w: {"pk": _step(w).pk}, OWNED_BY_ALICE),
    "practice:goals": (lambda w: {}, OPEN),
    "practice:goal_new": (lambda w: {}, OPEN),
    "practice:goal": (lambda w: {"pk": w.goal.pk}, COUPLE),
    "practice:goal_step_add": (lambda w: {"pk": w.goal.pk}, COUPLE),
    "practice:goal_accept": (lambda w: {"pk": w.proposal.pk}, COUPLE),
    "practice:goal_decline": (lambda w: {"pk": w.proposal.pk}, COUPLE),
    "practice:goal_leave": (lambda w: {"pk": w.leaving.pk}, COUPLE),
    "practice:goal_delete": (lambda w: {"pk": w.personal_goal.pk}, OWNED_BY_ALICE),
    "practice:goal_step_check": (lambda w: {"pk": w.step.pk}, OWNED_BY_ALICE),
    "practice:goal_step_delete": (lambda w: {"pk": w.step.pk}, OWNED_BY_ALICE),
    "practice:prompts": (lambda w: {}, OPEN),
    # The prompt key is no secret: each person sees only their own answer to it, and ben
    # (who has not shared his) never sees alice's.
    "practice:prompt": (lambda w: {"key": "fear-asking"}, OPEN),
    "practice:prompt_skip": (lambda w: {"key": "fear-asking"}, OPEN),
    "care:become": (lambda w: {}, OPEN),
    "care:invite_client": (lambda w: {}, OPEN),
    "care:caseload": (lambda w: {}, OPEN),
    "care:client": (lambda w: {"pk": w.care.pk}, OWNED_BY_ALICE),
    "care:couple": (lambda w: {"pk": w.care.pk}, OWNED_BY_ALICE),
    "care:notes": (lambda w: {"pk": w.care.pk}, OWNED_BY_ALICE),
    "care:note_edit": (lambda w: {"pk": _note(w).pk}, OWNED_BY_ALICE),
    "care:note_delete": (lambda w: {"pk": _note(w).pk}, OWNED_BY_ALICE),
    "care:alert_ack": (lambda w: {"pk": Alert.objects.get(care_link=w.care).pk}, OWNED_BY_ALICE),
    "care:my_therapist": (lambda w: {"pk": w.my_care.pk}, OWNED_BY_ALICE),
    "care:couple_view": (lambda w: {"pk": w.my_care.pk}, OWNED_BY_ALICE),
    # alice asks cleo (her client) to answer; only alice may see or stop that.
    "care:assign": (lambda w: {"pk": w.care.pk}, OWNED_BY_ALICE),
    "care:assignment_stop": (lambda w: {"pk": _assignment(w).pk}, OWNED_BY_ALICE),
    # tara asked alice: only alice may answer or decline (tara, the therapist, gets 404).
    "care:due_start": (lambda w: {"pk": _due(w).pk}, OWNED_BY_ALICE),
    "care:due_decline": (lambda w: {"pk": _due(w).pk}, OWNED_BY_ALICE),
    # Exports of one's own: nobody else's can be named in the address.
    "care:my_fhir": (lambda w: {}, OPEN),
    "care:my_access_log_json": (lambda w: {}, OPEN),
    "care:my_report_form": (lambda w: {}, OPEN),
    "care:my_report": (lambda w: {}, OPEN),
    # A client's exports, for their therapist only (alice is cleo's).
    "care:client_fhir": (lambda w: {"pk": w.care.pk}, OWNED_BY_ALICE),
    "care:report_form": (lambda w: {"pk": w.care.pk}, OWNED_BY_ALICE),
    "care:report": (lambda w: {"pk": w.care.pk}, OWNED_BY_ALICE),
    # Research. A participant's own pages; each person sees only their own taking part.
    "research:index": (lambda w: {}, OPEN),
    "research:join": (lambda w: {}, OPEN),
    # The enrolment code is no secret (a study's link carries it): anyone signed in may
    # read its information sheet; joining asks for the password.
    "research:join_code": (lambda w: {"code": w.taking_part.study.code}, OPEN),
    # alice's taking part: ben, her partner in the same study's dyad, gets 404 like
    # everyone else.
    "research:participation": (lambda w: {"pk": w.taking_part.pk}, OWNED_BY_ALICE),
    "research:consent_again": (lambda w: {"pk": w.taking_part.pk}, OWNED_BY_ALICE),
    "research:pair_code": (lambda w: {"pk": w.taking_part.pk}, OWNED_BY_ALICE),
    "research:pair": (lambda w: {"pk": w.taking_part.pk}, OWNED_BY_ALICE),
    "research:timing": (lambda w: {"pk": w.taking_part.pk}, OWNED_BY_ALICE),
    "research:pause": (lambda w: {"pk": w.taking_part.pk}, OWNED_BY_ALICE),
    "research:resume": (lambda w: {"pk": w.taking_part.pk}, OWNED_BY_ALICE),
    "research:withdraw": (lambda w: {"pk": w.taking_part.pk}, OWNED_BY_ALICE),
    # alice's prompt (answered an hour ago): her partner ben gets 404 like everyone else.
    "research:prompt": (lambda w: {"pk": _prompt(w).pk}, OWNED_BY_ALICE),
    # A researcher's pages: the lists and forms are each researcher's own (anyone else is
    # told how the role is given); alice's study opens for alice alone (dana, another
    # researcher, gets 404 too).
    "research:studies": (lambda w: {}, OPEN),
    "research:study_new": (lambda w: {}, OPEN),
    "research:study_import": (lambda w: {}, OPEN),
    "research:study": (lambda w: {"pk": w.study.pk}, OWNED_BY_ALICE),
    "research:study_edit": (lambda w: {"pk": w.study.pk}, OWNED_BY_ALICE),
    "research:study_export": (lambda w: {"pk": w.study.pk}, OWNED_BY_ALICE),
    "research:study_data": (lambda w: {"pk": w.study.pk, "layout": "long"}, OWNED_BY_ALICE),
    "research:study_data_zip": (lambda w: {"pk": w.study.pk}, OWNED_BY_ALICE),
    "research:consent_new": (lambda w: {"pk": w.study.pk}, OWNED_BY_ALICE),
    "research:compliance": (lambda w: {"pk": w.study.pk}, OWNED_BY_ALICE),
}

# (path template, method) from the OpenAPI schema.
API_CASES: dict[tuple[str, str], tuple[Kwargs, str]] = {
    ("/api/v1/practice/experiments", "get"): (lambda w: {}, OPEN),
    ("/api/v1/practice/experiments", "post"): (lambda w: {}, OPEN),
    ("/api/v1/practice/experiments/{experiment_id}", "get"): (
        lambda w: {"experiment_id": _experiment(w).pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/practice/experiments/{experiment_id}", "delete"): (
        lambda w: {"experiment_id": _experiment(w).pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/practice/experiments/{experiment_id}/after", "post"): (
        lambda w: {"experiment_id": _experiment(w).pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/practice/ladders", "get"): (lambda w: {}, OPEN),
    ("/api/v1/practice/ladders", "post"): (lambda w: {}, OPEN),
    ("/api/v1/practice/ladders/{ladder_id}", "get"): (
        lambda w: {"ladder_id": _step(w).ladder_id},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/practice/ladders/{ladder_id}/steps", "post"): (
        lambda w: {"ladder_id": _step(w).ladder_id},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/practice/steps/{step_id}", "get"): (
        lambda w: {"step_id": _step(w).pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/practice/steps/{step_id}/move", "post"): (
        lambda w: {"step_id": _step(w).pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/practice/asked", "get"): (lambda w: {}, OPEN),
    ("/api/v1/practice/asked/{experiment_id}", "post"): (
        lambda w: {"experiment_id": _experiment(w).pk},
        INVITED_BEN,
    ),
    ("/api/v1/checkins/", "get"): (lambda w: {}, OPEN),
    ("/api/v1/checkins/", "post"): (lambda w: {}, OPEN),
    ("/api/v1/checkins/{checkin_id}", "get"): (
        lambda w: {"checkin_id": w.checkin.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/checkins/{checkin_id}", "patch"): (
        lambda w: {"checkin_id": w.checkin.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/checkins/{checkin_id}", "delete"): (
        lambda w: {"checkin_id": w.checkin.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/assessments/instruments", "get"): (lambda w: {}, OPEN),
    # An installed one: those without wording are hidden from people (404 for all).
    ("/api/v1/assessments/instruments/{instrument_id}", "get"): (
        lambda w: {"instrument_id": "alongside-closeness"},
        OPEN,
    ),
    ("/api/v1/assessments/takes", "get"): (lambda w: {}, OPEN),
    ("/api/v1/assessments/takes", "post"): (lambda w: {}, OPEN),
    ("/api/v1/assessments/shared", "get"): (lambda w: {}, OPEN),
    ("/api/v1/assessments/takes/{take_id}", "get"): (
        lambda w: {"take_id": w.take.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/assessments/takes/{take_id}", "patch"): (
        lambda w: {"take_id": w.take.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/assessments/takes/{take_id}", "delete"): (
        lambda w: {"take_id": w.take.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/practice/goals", "get"): (lambda w: {}, OPEN),
    ("/api/v1/practice/goals", "post"): (lambda w: {}, OPEN),
    ("/api/v1/practice/goals/{goal_id}", "get"): (lambda w: {"goal_id": w.goal.pk}, COUPLE),
    # Only its writer changes or removes a goal; to ben, alice's goal has no such door.
    ("/api/v1/practice/goals/{goal_id}", "patch"): (
        lambda w: {"goal_id": w.personal_goal.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/practice/goals/{goal_id}", "delete"): (
        lambda w: {"goal_id": w.personal_goal.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/practice/goals/{goal_id}/accept", "post"): (
        lambda w: {"goal_id": w.proposal.pk},
        COUPLE,
    ),
    ("/api/v1/practice/goals/{goal_id}/decline", "post"): (
        lambda w: {"goal_id": w.proposal.pk},
        COUPLE,
    ),
    ("/api/v1/practice/goals/{goal_id}/leave", "post"): (
        lambda w: {"goal_id": w.leaving.pk},
        COUPLE,
    ),
    ("/api/v1/practice/goals/{goal_id}/steps", "get"): (
        lambda w: {"goal_id": w.goal.pk},
        COUPLE,
    ),
    ("/api/v1/practice/goals/{goal_id}/steps", "post"): (
        lambda w: {"goal_id": w.goal.pk},
        COUPLE,
    ),
    ("/api/v1/practice/goals/{goal_id}/steps/{step_id}", "patch"): (
        lambda w: {"goal_id": w.goal.pk, "step_id": w.step.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/practice/goals/{goal_id}/steps/{step_id}", "delete"): (
        lambda w: {"goal_id": w.goal.pk, "step_id": w.step.pk},
        OWNED_BY_ALICE,
    ),
    # The therapist's API: alice is cleo's therapist; nobody else reaches cleo through it.
    ("/api/v1/care/clients", "get"): (lambda w: {}, OPEN),
    ("/api/v1/care/clients/{client_id}", "get"): (
        lambda w: {"client_id": w.care.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/care/clients/{client_id}/assignments", "get"): (
        lambda w: {"client_id": w.care.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/care/clients/{client_id}/assignments", "post"): (
        lambda w: {"client_id": w.care.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/care/assignments/{assignment_id}/stop", "post"): (
        lambda w: {"assignment_id": _assignment(w).pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/care/alerts", "get"): (lambda w: {}, OPEN),
    ("/api/v1/care/alerts/{alert_id}/acknowledge", "post"): (
        lambda w: {"alert_id": _alert(w).pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/care/clients/{client_id}/notes", "get"): (
        lambda w: {"client_id": w.care.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/care/clients/{client_id}/notes", "post"): (
        lambda w: {"client_id": w.care.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/care/notes/{note_id}", "get"): (
        lambda w: {"note_id": _note(w).pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/care/notes/{note_id}", "patch"): (
        lambda w: {"note_id": _note(w).pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/care/notes/{note_id}", "delete"): (
        lambda w: {"note_id": _note(w).pk},
        OWNED_BY_ALICE,
    ),
    # The research API: alice's study opens for alice alone (dana, another researcher,
    # gets 404); the list is each researcher's own (empty for everyone else).
    ("/api/v1/research/studies", "get"): (lambda w: {}, OPEN),
    ("/api/v1/research/studies/{study_id}", "get"): (
        lambda w: {"study_id": w.study.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/research/studies/{study_id}/participants", "get"): (
        lambda w: {"study_id": w.study.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/research/studies/{study_id}/schedule", "get"): (
        lambda w: {"study_id": w.study.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/research/studies/{study_id}/compliance", "get"): (
        lambda w: {"study_id": w.study.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/research/studies/{study_id}/export", "get"): (
        lambda w: {"study_id": w.study.pk},
        OWNED_BY_ALICE,
    ),
    # A participant's own prompts: alice's in rhea's study open for alice alone (ben, her
    # partner in it, gets 404 as everyone else does).
    ("/api/v1/research/prompts", "get"): (lambda w: {}, OPEN),
    ("/api/v1/research/prompts/{prompt_id}", "get"): (
        lambda w: {"prompt_id": _prompt(w).pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/research/prompts/{prompt_id}/answers", "post"): (
        lambda w: {"prompt_id": _prompt(w).pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/practice/prompts", "get"): (lambda w: {}, OPEN),
    ("/api/v1/practice/prompts/{prompt_key}", "get"): (
        lambda w: {"prompt_key": "fear-asking"},
        OPEN,
    ),
    ("/api/v1/practice/prompt-answers", "get"): (lambda w: {}, OPEN),
    ("/api/v1/practice/prompt-answers", "post"): (lambda w: {}, OPEN),
    ("/api/v1/practice/prompt-answers/{answer_id}", "get"): (
        lambda w: {"answer_id": w.answer.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/practice/prompt-answers/{answer_id}", "patch"): (
        lambda w: {"answer_id": w.answer.pk},
        OWNED_BY_ALICE,
    ),
    ("/api/v1/practice/prompt-answers/{answer_id}", "delete"): (
        lambda w: {"answer_id": w.answer.pk},
        OWNED_BY_ALICE,
    ),
}

# allauth's own pages: sign-in and recovery are open to anyone; the account pages need a
# signed-in person and only ever show that person's own account. FLOW pages answer from
# the person's own state alone (a bad key, no pending sign-in, no authenticator yet: a
# redirect or "not found"); they carry no id of anyone else's.
FLOW = "a step of signing in or of one's own account"
WEB_CASES.update(
    {
        "account_login": (lambda w: {}, PUBLIC),
        "account_signup": (lambda w: {}, PUBLIC),
        "account_reset_password": (lambda w: {}, PUBLIC),
        "account_reset_password_done": (lambda w: {}, FLOW),
        "account_reset_password_from_key": (
            lambda w: {"uidb36": "1", "key": "not-a-real-key"},
            FLOW,
        ),
        "account_reset_password_from_key_done": (lambda w: {}, FLOW),
        "account_confirm_email": (lambda w: {"key": "not-a-real-key"}, FLOW),
        "account_email_verification_sent": (lambda w: {}, FLOW),
        "account_inactive": (lambda w: {}, FLOW),
        "account_confirm_login_code": (lambda w: {}, FLOW),
        "account_logout": (lambda w: {}, FLOW),
        "mfa_authenticate": (lambda w: {}, FLOW),
        "account_reauthenticate": (lambda w: {}, OPEN),
        "account_email": (lambda w: {}, OPEN),
        "account_change_password": (lambda w: {}, OPEN),
        "account_set_password": (lambda w: {}, OPEN),
        "mfa_index": (lambda w: {}, OPEN),
        "mfa_reauthenticate": (lambda w: {}, OPEN),
        "mfa_activate_totp": (lambda w: {}, OPEN),
        "mfa_deactivate_totp": (lambda w: {}, FLOW),
        "mfa_view_recovery_codes": (lambda w: {}, FLOW),
        "mfa_generate_recovery_codes": (lambda w: {}, FLOW),
        "mfa_download_recovery_codes": (lambda w: {}, FLOW),
        # The API's own pages: its schema and offline docs describe endpoints, no data.
        "api:openapi-json": (lambda w: {}, PUBLIC),
        "api:openapi-view": (lambda w: {}, PUBLIC),
        "api:api-root": (lambda w: {}, FLOW),
        # Any path under /api/ that is no operation: a JSON "not found" (401 signed out).
        "api:unknown_path": (lambda w: {"rest": "v1/checkins/abc"}, FLOW),
        # Leaving: signs out or locks whoever asks, then sends them elsewhere (or 405).
        "safety:exit": (lambda w: {}, FLOW),
    }
)

STAFF = "site administrators only"  # none of the personas is staff: nobody gets in


def _admin_cases() -> dict[str, tuple[Kwargs, str]]:
    """Every admin URL, from the admin's own registry: new models get cases by themselves."""
    from django.contrib import admin

    cases: dict[str, tuple[Kwargs, str]] = {
        name: (lambda w: {}, STAFF)
        for name in (
            "admin:index",
            "admin:login",
            "admin:logout",
            "admin:password_change",
            "admin:password_change_done",
            "admin:jsi18n",
            "admin:autocomplete",
        )
    }
    first_app = next(iter(admin.site._registry))._meta.app_label
    cases["admin:app_list"] = (lambda w: {"app_label": first_app}, STAFF)
    cases["admin:view_on_site"] = (lambda w: {"content_type_id": 1, "object_id": 1}, STAFF)
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        cases[f"{prefix}_changelist"] = (lambda w: {}, STAFF)
        cases[f"{prefix}_add"] = (lambda w: {}, STAFF)
        for view in ("change", "delete", "history"):
            cases[f"{prefix}_{view}"] = (lambda w: {"object_id": "1"}, STAFF)
    return cases


WEB_CASES.update(_admin_cases())


def _walk(
    resolver: URLResolver, namespace: str = "", prefix: str = ""
) -> Iterator[tuple[str, str]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(p for p in (namespace, pattern.namespace or "") if p)
            yield from _walk(pattern, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (
                (f"{namespace}:" if namespace else "") + pattern.name,
                prefix + str(pattern.pattern),
            )


def project_url_names() -> set[str]:
    """Every named URL, allauth's and the admin's included; the API's operations are
    covered one by one from the OpenAPI schema below (their URL names are ninja's)."""
    operations = {_shape(path) for path in api.get_openapi_schema()["paths"]}
    return {name for name, route in _walk(get_resolver()) if _shape(route) not in operations}


def _shape(route: str) -> str:
    """ "/api/v1/checkins/{checkin_id}" and "api/v1/checkins/<int:checkin_id>" alike."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", route.lstrip("/"))


def api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(path, method) for path, ops in schema["paths"].items() for method in ops}


def test_every_url_has_a_case() -> None:
    missing = sorted(project_url_names() - set(WEB_CASES))
    assert not missing, f"Add these URLs to WEB_CASES in {__file__}: {missing}"
    stale = sorted(set(WEB_CASES) - project_url_names())
    assert not stale, f"WEB_CASES names URLs that no longer exist: {stale}"


def test_every_api_operation_has_a_case() -> None:
    missing = sorted(api_operations() - set(API_CASES))
    assert not missing, f"Add these API operations to API_CASES in {__file__}: {missing}"


def _persona_client(world: World, persona: str) -> tuple[Client, Any]:
    user = {
        "owner": world.alice,
        "partner_with_grant": world.ben,
        "partner_without_grant": world.finn,
        "other_grantee": world.dana,
        "stranger": world.eve,
        "anonymous": None,
    }[persona]
    client = Client()
    if user is not None:
        client.force_login(user)
    return client, user


def _allowed(access: str, persona: str, method: str, *, api_call: bool) -> set[int]:
    """The status codes a persona may get; anything else fails the case."""
    if access == PROBE:
        return {200, 503}
    if access == STAFF:
        # To the sign-in (or, once signed in, a refusal): never an admin page.
        return {302, 403, 404, 405}
    if access == FLOW:
        return {200, 302, 401, 404, 405}
    if persona == "anonymous":
        if access in (PUBLIC, LANDING):
            return {200}
        return {401} if api_call else {302}
    member = persona == "owner" or (access == COUPLE and persona == "partner_with_grant")
    if access == INVITED_BEN:
        member = persona == "partner_with_grant"
    if access in (PUBLIC, OPEN, LANDING) or member:
        # Own data, own forms: pages, redirects after a POST, form errors, 405 for
        # a GET on a POST-only action; never a 404 or a 500.
        return {200, 201, 204, 302, 405, 422} if method != "get" or api_call else {200, 302, 405}
    # Someone else's object: it does not exist for them.
    return {404, 405} if not api_call else {404}


def _leaks(body: str) -> list[str]:
    return [secret for secret in SECRETS if secret in body]


def test_authorization_matrix(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    checked = 0
    failures: list[str] = []
    before = _state(world)
    for name, (kwargs, access) in sorted(WEB_CASES.items()):
        url = reverse(name, kwargs=kwargs(world))
        for persona in PERSONAS:
            # Those who may act here only read (GET): an empty POST by alice or, on the
            # couple's pages, by ben could end the link mid-test. Everyone else also
            # tries to change things (POST) and must get nowhere.
            member = persona == "owner" or (access == COUPLE and persona == "partner_with_grant")
            if access == INVITED_BEN:
                member = persona == "partner_with_grant"
            methods = ("get",) if member else ("get", "post")
            for method in methods:
                client, _user = _persona_client(world, persona)
                response = getattr(client, method)(url)
                checked += 1
                allowed = _allowed(access, persona, method, api_call=False)
                if response.status_code not in allowed:
                    failures.append(
                        f"{method.upper()} {url} as {persona}: {response.status_code}, expected {sorted(allowed)}"
                    )
                if (
                    persona == "anonymous"
                    and access not in (PUBLIC, FLOW)
                    and response.status_code == 302
                    and not response["Location"].startswith(("/accounts/login/", "/admin/"))
                ):
                    failures.append(
                        f"{method.upper()} {url} as anonymous redirects to {response['Location']}"
                    )
                if persona != "owner":
                    for secret in _leaks(response.content.decode(errors="replace")):
                        failures.append(f"{method.upper()} {url} as {persona} shows {secret}")
    for (path, method), (kwargs, access) in sorted(API_CASES.items()):
        url = path.format(**kwargs(world))
        for persona in PERSONAS:
            if persona == "owner" and method != "get":
                continue
            client, _user = _persona_client(world, persona)
            call = getattr(client, method)
            response = (
                call(url, data="{}", content_type="application/json")
                if method in ("post", "patch")
                else call(url)
            )
            checked += 1
            allowed = _allowed(access, persona, method, api_call=True)
            if response.status_code not in allowed:
                failures.append(
                    f"{method.upper()} {url} as {persona}: {response.status_code}, expected {sorted(allowed)}"
                )
            if persona != "owner":
                for secret in _leaks(response.content.decode(errors="replace")):
                    failures.append(f"{method.upper()} {url} as {persona} shows {secret}")
    with capsys.disabled():
        print(f"\nauthorization matrix: {checked} URL x persona cases checked")
    assert not failures, "\n".join(failures)
    assert _state(world) == before, "a request by someone other than the owner changed data"


def test_unknown_ids_answer_404_for_everyone(world: World) -> None:
    client, _user = _persona_client(world, "owner")
    for name, (kwargs, _access) in WEB_CASES.items():
        args = kwargs(world)
        if "pk" not in args:
            continue
        url = reverse(name, kwargs={**args, "pk": 987654})
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url).status_code == 404, url
    assert client.get("/api/v1/checkins/987654").status_code == 404


def _state(world: World) -> dict[str, Any]:
    return {
        "checkins": sorted(CheckIn.objects.values_list("pk", "mood", "is_private", "updated_at")),
        "people": sorted(Person.objects.values_list("pk", "name", "link_id")),
        "grants": sorted(Grant.objects.values_list("pk", "categories", "revoked_at")),
        "links": sorted(Link.objects.values_list("pk", flat=True)),
        "invitations": sorted(Invitation.objects.values_list("pk", "used_at", "revoked_at")),
        "tokens": sorted(ApiToken.objects.values_list("pk", flat=True)),
        "items": sorted(Item.objects.values_list("pk", "text")),
        "agreements": sorted(Agreement.objects.values_list("pk", "done_at")),
        "answers": sorted(PromptAnswer.objects.values_list("pk", "author_id")),
        "takes": sorted(
            Take.objects.values_list("pk", "owner_id", "status", "answers", "completed_at")
        ),
        "experiments": sorted(
            RelianceExperiment.objects.values_list("pk", "after_at", "invited_id", "is_private")
        ),
        "ladders": sorted(Ladder.objects.values_list("pk", "title")),
        "steps": sorted(Step.objects.values_list("pk", "position")),
        "asked_answers": sorted(AskedAnswer.objects.values_list("pk", "rating", "declined")),
        # alice's goals that ben may not change (he may answer her suggestion, leave a goal
        # and so gain a goal of his own).
        "goals": sorted(
            Goal.objects.filter(owner=world.alice)
            .exclude(pk__in=[world.proposal.pk, world.leaving.pk])
            .values_list("pk", "partner_id", "state", "title")
        ),
        "goal_steps": sorted(GoalStep.objects.values_list("pk", "text", "done_at")),
        "prompt_entries": sorted(
            PromptEntry.objects.values_list("pk", "author_id", "is_private", "updated_at")
        ),
        # What a therapist asked: only the therapist stops it, only the client answers.
        "assignments": [(a.pk, a.stopped_at) for a in (_assignment(world),)],
        "dues": [(d.pk, d.status, d.take_id) for d in (_due(world),)],
        "studies": sorted(Study.objects.values_list("pk", "title", "code", "updated_at")),
        "consent_versions": sorted(Study.objects.values_list("pk", "consent_versions__number")),
        "participants": sorted(
            Participant.objects.values_list("pk", "user_id", "status", "consent_version")
        ),
        "dyads": sorted(Dyad.objects.values_list("pk", "first_id", "second_id")),
        "research_answers": sorted(Answer.objects.values_list("pk", "value")),
    }


def test_the_partner_sees_shared_days_but_not_the_private_one(world: World) -> None:
    client, _user = _persona_client(world, "partner_with_grant")
    body = client.get(reverse("circle:link", kwargs={"pk": world.link.pk})).content.decode()
    assert world.checkin.day.isoformat() in body or "6 out of 10" in body
    assert "3 out of 10" not in body  # the private day, not even its mood


def test_a_revoked_grant_stops_access_on_the_next_request(world: World) -> None:
    client, _user = _persona_client(world, "partner_with_grant")
    url = reverse("circle:link", kwargs={"pk": world.link.pk})
    assert "6 out of 10" in client.get(url).content.decode()
    grant = Grant.objects.get(owner=world.alice, grantee=world.ben)
    services.grant_update(grant=grant, categories=[], expires_at=None)
    assert "6 out of 10" not in client.get(url).content.decode()


def test_an_expired_grant_stops_access_on_the_next_request(world: World) -> None:
    import time_machine

    client, _user = _persona_client(world, "partner_with_grant")
    url = reverse("circle:link", kwargs={"pk": world.link.pk})
    grant = Grant.objects.get(owner=world.alice, grantee=world.ben)
    grant.expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    grant.save()
    assert "6 out of 10" in client.get(url).content.decode()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)):
        client.force_login(world.ben)
        assert "6 out of 10" not in client.get(url).content.decode()
