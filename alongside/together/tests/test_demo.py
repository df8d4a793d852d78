"""The demo helper: three past weeks, both answers in, one agreement still open."""

from __future__ import annotations

from typing import Any

from alongside.circle.models import Link
from alongside.together.demo import seed_sessions
from alongside.together.models import Agreement, PromptAnswer
from alongside.together.tests.helpers import week_url


def test_seed_sessions_makes_three_past_weeks_and_a_follow_up(
    couple: Link, alice_client: Any
) -> None:
    sessions = seed_sessions(couple, weeks=3)
    assert len(sessions) == 3
    for session in sessions:
        assert not session.is_current()
        assert session.items.count() >= 3
        assert PromptAnswer.objects.filter(session=session).count() == 2 * len(session.prompts())
    assert Agreement.objects.filter(done_at__isnull=False).exists()
    open_one = Agreement.objects.get(done_at__isnull=True)
    page = alice_client.get(week_url(couple)).content.decode()
    assert "Following up" in page
    assert open_one.text in page
    history = alice_client.get(f"/together/{couple.pk}/history/").content.decode()
    assert history.count("Week of") == 3
    past = alice_client.get(f"/together/sessions/{sessions[0].pk}/").content.decode()
    answers = PromptAnswer.objects.filter(session=sessions[0])
    assert all(a.text in past for a in answers)
