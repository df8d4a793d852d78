"""Growth goals: personal and shared, proposals, leaving, steps, progress, and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from alongside.accounts.export import sections
from alongside.accounts.models import AccessLogEntry
from alongside.circle.models import Notice
from alongside.practice.models_growth import Goal, GoalStep

BOTH = ["practice"]


@pytest.fixture
def couple(link_couple: Any) -> Any:
    return link_couple(BOTH, BOTH)


def _propose(client: Client, title: str = "Cook a new dish together once a week") -> Goal:
    """alice suggests a goal to ben through the form, choosing him as the partner."""
    from alongside.accounts.models import User

    ben = User.objects.get(email="ben@example.org")
    response = client.post("/practice/goals/new/", {"title": title, "share_with": str(ben.pk)})
    assert response.status_code == 302, response.content.decode()[:1500]
    return Goal.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def test_a_personal_goal_is_saved_and_shown_with_its_steps(alice_client: Client) -> None:
    response = alice_client.post("/practice/goals/new/", {"title": "Swim on Saturdays"})
    goal = Goal.objects.get()
    assert response["Location"] == f"/practice/goals/{goal.pk}/"
    alice_client.post(f"/practice/goals/{goal.pk}/steps/", {"step-text": "Find the pool hours"})
    page = alice_client.get(f"/practice/goals/{goal.pk}/").content.decode()
    assert "Swim on Saturdays" in page and "Find the pool hours" in page
    assert "0 of 1 step checked so far." in page


def test_the_goal_form_offers_examples_of_shared_growth(alice_client: Client) -> None:
    page = alice_client.get("/practice/goals/new/").content.decode()
    assert "Cook a new dish together once a week" in page
    assert "Each keep one evening for a friend" in page


def test_an_empty_title_is_refused_next_to_the_field(alice_client: Client) -> None:
    response = alice_client.post("/practice/goals/new/", {"title": "  ", "why": "for us"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Give your goal a name in a few words." in page
    assert "for us" in page  # nothing typed is lost
    assert not Goal.objects.exists()


def test_a_long_step_is_refused_and_kept_in_the_field(alice_client: Client, alice: Any) -> None:
    goal = Goal.objects.create(owner=alice, title="Read more")
    long = "word " * 60
    response = alice_client.post(f"/practice/goals/{goal.pk}/steps/", {"step-text": long})
    assert response.status_code == 422
    assert "Please keep it to 200 characters" in response.content.decode()
    assert long.strip() in response.content.decode()
    assert not GoalStep.objects.exists()


def test_the_title_is_encrypted_at_rest(alice: Any) -> None:
    Goal.objects.create(owner=alice, title="Plant tomatoes together")
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM practice_goal")
        stored = cursor.fetchone()[0]
    assert "tomatoes" not in stored


def test_a_proposed_goal_becomes_shared_only_once_the_partner_accepts(
    couple: Any, alice_client: Client, ben_client: Client
) -> None:
    goal = _propose(alice_client)
    assert goal.state == "proposed"
    alice_client.post(f"/practice/goals/{goal.pk}/steps/", {"step-text": "Pick a recipe"})
    page = ben_client.get(f"/practice/goals/{goal.pk}/").content.decode()
    assert "Alice would like to share this goal with you." in page
    assert "Pick a recipe" not in page  # steps come once ben says yes
    ben_client.post(f"/practice/goals/{goal.pk}/accept/")
    goal.refresh_from_db()
    assert goal.state == "shared"
    page = ben_client.get(f"/practice/goals/{goal.pk}/").content.decode()
    assert "Shared with Alice" in page and "Pick a recipe" in page
    assert Notice.objects.filter(recipient__email="alice@example.org").exists()


def test_accepting_twice_says_it_is_already_shared(
    couple: Any, alice_client: Client, ben_client: Client
) -> None:
    goal = _propose(alice_client)
    ben_client.post(f"/practice/goals/{goal.pk}/accept/")
    response = ben_client.post(f"/practice/goals/{goal.pk}/accept/", follow=True)
    assert "You already share this goal." in response.content.decode()
    api = ben_client.post(f"/api/v1/practice/goals/{goal.pk}/accept")
    assert api.status_code == 422
    assert api.json()["detail"][0]["loc"] == ["path", "goal_id"]


def test_declining_keeps_the_goal_with_its_writer_and_tells_them_neutrally(
    couple: Any, alice: Any, alice_client: Client, ben_client: Client
) -> None:
    goal = _propose(alice_client)
    ben_client.post(f"/practice/goals/{goal.pk}/decline/")
    goal.refresh_from_db()
    assert (goal.state, goal.partner) == ("personal", None)
    assert Notice.objects.filter(recipient=alice)[0].text == (
        "A goal you suggested to share stays your own for now."
    )
    assert ben_client.get(f"/practice/goals/{goal.pk}/").status_code == 404


def test_either_partner_can_leave_and_each_keeps_their_own_steps(
    couple: Any, alice: Any, ben: Any, alice_client: Client, ben_client: Client
) -> None:
    goal = _propose(alice_client)
    ben_client.post(f"/practice/goals/{goal.pk}/accept/")
    alice_client.post(f"/practice/goals/{goal.pk}/steps/", {"step-text": "Alice's step"})
    ben_client.post(f"/practice/goals/{goal.pk}/steps/", {"step-text": "Ben's step"})
    response = ben_client.post(f"/practice/goals/{goal.pk}/leave/")
    bens = Goal.objects.get(owner=ben)
    assert response["Location"] == f"/practice/goals/{bens.pk}/"
    assert [s.text for s in bens.steps.all()] == ["Ben's step"]
    assert [s.text for s in Goal.objects.get(pk=goal.pk).steps.all()] == ["Alice's step"]
    assert ben_client.get(f"/practice/goals/{goal.pk}/").status_code == 404
    assert "A shared goal has ended." in Notice.objects.filter(recipient=alice)[0].text


def test_only_the_writer_checks_a_step(
    couple: Any, alice: Any, alice_client: Client, ben_client: Client
) -> None:
    goal = _propose(alice_client)
    ben_client.post(f"/practice/goals/{goal.pk}/accept/")
    step = GoalStep.objects.create(goal=goal, author=alice, text="Buy spices")
    assert (
        ben_client.post(f"/practice/goals/steps/{step.pk}/check/", {"done": "1"}).status_code == 404
    )
    alice_client.post(f"/practice/goals/steps/{step.pk}/check/", {"done": "1"})
    step.refresh_from_db()
    assert step.done
    assert (
        "1 of 1 step checked so far."
        in ben_client.get(f"/practice/goals/{goal.pk}/").content.decode()
    )


def test_the_progress_picture_has_a_title_and_a_text_summary(
    alice: Any, alice_client: Client
) -> None:
    goal = Goal.objects.create(owner=alice, title="Garden")
    GoalStep.objects.create(goal=goal, author=alice, text="Seeds").set_done(True)
    GoalStep.objects.create(goal=goal, author=alice, text="Pots")
    page = alice_client.get(f"/practice/goals/{goal.pk}/").content.decode()
    assert "<title" in page and "Steps on this goal" in page
    assert "1 of 2 steps checked so far." in page


def test_a_partner_without_the_practice_grant_sees_nothing(
    link_couple: Any, alice: Any, ben: Any, ben_client: Client
) -> None:
    link_couple(["mood"], BOTH)
    goal = Goal.objects.create(owner=alice, partner=ben, state="shared", title="Dance")
    GoalStep.objects.create(goal=goal, author=alice, text="Book a class")
    assert ben_client.get(f"/practice/goals/{goal.pk}/").status_code == 404
    assert "Dance" not in ben_client.get("/practice/goals/").content.decode()
    assert ben_client.get(f"/api/v1/practice/goals/{goal.pk}").status_code == 404
    assert ben_client.get(f"/api/v1/practice/goals/{goal.pk}/steps").status_code == 404
    assert ben_client.get("/api/v1/practice/goals").json() == []


def test_a_goal_can_only_be_suggested_to_a_partner_who_shares_practice_both_ways(
    link_couple: Any, alice_client: Client
) -> None:
    link_couple(BOTH, ["mood"])
    page = alice_client.get("/practice/goals/new/").content.decode()
    assert "share_with" not in page
    response = alice_client.post(
        "/api/v1/practice/goals",
        {"title": "Walk", "share_with_partner": True},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "share_with_partner"]


def test_a_partner_reading_a_shared_goal_is_in_the_owners_access_log(
    couple: Any, alice: Any, alice_client: Client, ben_client: Client
) -> None:
    goal = _propose(alice_client)
    ben_client.get(f"/practice/goals/{goal.pk}/")
    assert AccessLogEntry.objects.filter(owner=alice).exists()


def test_the_api_creates_goals_and_steps_and_refuses_bad_input(
    couple: Any, alice_client: Client, ben_client: Client
) -> None:
    empty = alice_client.post(
        "/api/v1/practice/goals", {"title": " "}, content_type="application/json"
    )
    assert empty.status_code == 422 and empty.json()["detail"][0]["loc"][-1] == "title"
    made = alice_client.post(
        "/api/v1/practice/goals",
        {"title": "Walk", "share_with_partner": True},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["state"] == "proposed"
    goal_id = made.json()["id"]
    # A step on a goal ben has not accepted: refused, naming the goal.
    early = ben_client.post(
        f"/api/v1/practice/goals/{goal_id}/steps", {"text": "x"}, content_type="application/json"
    )
    assert early.status_code == 422
    assert ben_client.post(f"/api/v1/practice/goals/{goal_id}/accept").json()["state"] == "shared"
    bad = ben_client.post(
        f"/api/v1/practice/goals/{goal_id}/steps", {"text": 5}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "text"
    step = ben_client.post(
        f"/api/v1/practice/goals/{goal_id}/steps",
        {"text": "Map a route"},
        content_type="application/json",
    ).json()
    done = ben_client.patch(
        f"/api/v1/practice/goals/{goal_id}/steps/{step['id']}",
        {"done": True},
        content_type="application/json",
    )
    assert done.json()["done"] is True
    # alice sees ben's step, and may not change it.
    assert [
        s["text"] for s in alice_client.get(f"/api/v1/practice/goals/{goal_id}/steps").json()
    ] == ["Map a route"]
    other = alice_client.patch(
        f"/api/v1/practice/goals/{goal_id}/steps/{step['id']}",
        {"done": False},
        content_type="application/json",
    )
    assert other.status_code == 404


def test_a_stranger_gets_404_for_a_goal_and_its_steps(alice: Any, eve_client: Client) -> None:
    goal = Goal.objects.create(owner=alice, title="Paint")
    assert eve_client.get(f"/practice/goals/{goal.pk}/").status_code == 404
    assert (
        eve_client.post(f"/practice/goals/{goal.pk}/steps/", {"step-text": "x"}).status_code == 404
    )
    response = eve_client.post(
        f"/api/v1/practice/goals/{goal.pk}/steps", {"text": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert not GoalStep.objects.exists()


def test_the_export_holds_goals_and_steps_and_deleting_the_account_removes_them(
    alice: Any,
) -> None:
    goal = Goal.objects.create(owner=alice, title="Bake bread")
    GoalStep.objects.create(goal=goal, author=alice, text="Buy flour")
    data = sections(alice)
    assert data["practice_goals"][0]["title"] == "Bake bread"
    assert data["practice_goal_steps"][0]["text"] == "Buy flour"
    alice.delete()
    assert not Goal.objects.exists() and not GoalStep.objects.exists()


def test_the_demo_gives_alice_and_ben_a_shared_goal_with_some_steps_checked(db: None) -> None:
    from alongside.accounts.demo import seed
    from alongside.accounts.models import User

    seed(days=7)
    alice = User.objects.get(email="alice@demo.alongside")
    ben = User.objects.get(email="ben@demo.alongside")
    goal = Goal.objects.get(owner=alice, state="shared")
    assert goal.partner == ben
    steps = goal.steps_for(ben)
    assert {s.author for s in steps} == {alice, ben}
    assert 0 < sum(s.done for s in steps) < len(steps)
    client = Client()
    client.force_login(ben)
    page = client.get(f"/practice/goals/{goal.pk}/").content.decode()
    assert "Shared with Alice" in page and "Cook the lentil curry on Sunday" in page


def test_the_partner_is_told_a_goal_was_suggested(
    couple: Any, ben: Any, alice_client: Client
) -> None:
    _propose(alice_client)
    assert "Alice suggested sharing a goal with you." in [
        n.text for n in Notice.objects.filter(recipient=ben)
    ]


def test_a_goal_cannot_be_accepted_once_the_partner_stopped_sharing_practice(
    couple: Any, alice: Any, ben: Any, alice_client: Client, ben_client: Client
) -> None:
    from alongside.circle import services
    from alongside.circle.models import Grant

    goal = _propose(alice_client)
    # ben stops sharing practice with alice: his steps could not reach her.
    services.grant_update(
        grant=Grant.objects.get(owner=ben, grantee=alice), categories=[], expires_at=None
    )
    response = ben_client.post(f"/practice/goals/{goal.pk}/accept/", follow=True)
    assert "Sharing a goal needs both of you to share “Practice”." in response.content.decode()
    goal.refresh_from_db()
    assert goal.state == "proposed"
    page = alice_client.get(f"/practice/goals/{goal.pk}/").content.decode()
    assert "Sharing is paused while you and Ben" in page


def test_when_an_account_is_deleted_the_partner_keeps_their_own_steps(
    couple: Any, alice: Any, ben: Any, alice_client: Client, ben_client: Client
) -> None:
    goal = _propose(alice_client)
    ben_client.post(f"/practice/goals/{goal.pk}/accept/")
    ben_client.post(f"/practice/goals/{goal.pk}/steps/", {"step-text": "Ben's step"})
    alice_client.post(f"/practice/goals/{goal.pk}/steps/", {"step-text": "Alice's step"})
    alice.delete()
    kept = Goal.objects.get(owner=ben)
    assert (kept.state, [s.text for s in kept.steps.all()]) == ("personal", ["Ben's step"])
    assert "A shared goal has ended." in Notice.objects.filter(recipient=ben)[0].text


def test_when_the_partner_deletes_their_account_the_goal_is_the_owners_alone(
    couple: Any, alice: Any, ben: Any, alice_client: Client, ben_client: Client
) -> None:
    goal = _propose(alice_client)
    ben_client.post(f"/practice/goals/{goal.pk}/accept/")
    ben.delete()
    goal.refresh_from_db()
    assert (goal.state, goal.partner) == ("personal", None)
    assert "Your own goal" in alice_client.get(f"/practice/goals/{goal.pk}/").content.decode()
