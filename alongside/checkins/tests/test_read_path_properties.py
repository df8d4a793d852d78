"""Property tests of the one read path over random grants, expiries, revocations and
private days (hypothesis): ``access.read`` returns exactly the rows the rules allow, for
exactly the categories shared, and every read by someone else lands in the owner's log.

The rules, written out independently of ``circle/access.py``:
- the owner sees all of their own rows, private ones included, and nothing is logged;
- anyone else sees an owner's row only if some grant from that owner to them is neither
  revoked nor expired and names one of the asked categories, and the row is not private;
- such a read (rows or not) adds one read to the owner's log, naming what was shared.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alongside.accounts.models import AccessLogEntry
from alongside.checkins.models import CheckIn
from alongside.circle import access
from alongside.circle.models import Grant
from conftest import make_person

CATEGORIES = ["mood", "needs", "support", "notes"]

grant_spec = st.fixed_dictionaries(
    {
        "categories": st.lists(st.sampled_from([*CATEGORIES, "together"]), unique=True),
        "expiry": st.sampled_from([None, "past", "future"]),
        "revoked": st.booleans(),
    }
)
world_spec = st.fixed_dictionaries(
    {
        # alice's and finn's grants to ben (several grants from one owner are allowed).
        "alice_grants": st.lists(grant_spec, max_size=3),
        "finn_grants": st.lists(grant_spec, max_size=2),
        # One flag per day: is that day's check-in private?
        "alice_days": st.lists(st.booleans(), max_size=5),
        "finn_days": st.lists(st.booleans(), max_size=3),
        "ben_days": st.lists(st.booleans(), max_size=2),
        "asked": st.lists(st.sampled_from(CATEGORIES), min_size=1, unique=True),
        "reader": st.sampled_from(["ben", "alice"]),
        "owner": st.sampled_from(["alice", "finn", "ben"]),
        # The read path takes a queryset or compiled rows (access.Rows): the same rules.
        "compiled": st.booleans(),
    }
)
# Every check-in since a day long past, as compiled rows.
CHECKINS_SINCE = access.Rows(lambda since: CheckIn.objects.filter(day__gte=since), since=dt.date)


@pytest.fixture
def people(db: None) -> dict[str, Any]:
    return {
        "alice": make_person("alice@example.org", "Alice"),
        "ben": make_person("ben@example.org", "Ben"),
        "finn": make_person("finn@example.org", "Finn"),
    }


def _grants(owner: Any, grantee: Any, specs: list[dict[str, Any]]) -> list[Grant]:
    now = timezone.now()
    expiries = {
        None: None,
        "past": now - dt.timedelta(hours=1),
        "future": now + dt.timedelta(hours=1),
    }
    return [
        Grant.objects.create(
            owner=owner,
            grantee=grantee,
            categories=spec["categories"],
            expires_at=expiries[spec["expiry"]],
            revoked_at=now if spec["revoked"] else None,
        )
        for spec in specs
    ]


def _days(owner: Any, flags: list[bool]) -> list[CheckIn]:
    today = owner.local_today()
    return [
        CheckIn.objects.create(
            owner=owner, day=today - dt.timedelta(days=i), mood=i, is_private=private
        )
        for i, private in enumerate(flags)
    ]


def _expected_categories(specs: list[dict[str, Any]], asked: set[str]) -> set[str]:
    live = [s for s in specs if not s["revoked"] and s["expiry"] != "past"]
    return {c for s in live for c in s["categories"]} & asked


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(world=world_spec)
def test_read_returns_exactly_what_the_rules_allow_and_logs_each_read(
    people: dict[str, Any], world: dict[str, Any]
) -> None:
    with transaction.atomic():
        alice, ben, finn = people["alice"], people["ben"], people["finn"]
        _grants(alice, ben, world["alice_grants"])
        _grants(finn, ben, world["finn_grants"])
        rows = {
            "alice": _days(alice, world["alice_days"]),
            "finn": _days(finn, world["finn_days"]),
            "ben": _days(ben, world["ben_days"]),
        }
        reader, owner = people[world["reader"]], people[world["owner"]]
        asked = set(world["asked"])
        before = {e.pk: e.reads for e in AccessLogEntry.objects.all()}

        everything = (
            CHECKINS_SINCE.of(since=dt.date(2000, 1, 1))
            if world["compiled"]
            else CheckIn.objects.all()
        )
        reading = access.read(reader, everything, asked, owner=owner, detail="property test")

        if reader.pk == owner.pk:
            expected_categories = asked
            expected = {c.pk for c in rows[world["owner"]]}
        else:
            specs = world[f"{world['owner']}_grants"] if reader == ben else []
            expected_categories = _expected_categories(specs, asked)
            expected = (
                {c.pk for c in rows[world["owner"]] if not c.is_private}
                if expected_categories
                else set()
            )
        assert {c.pk for c in reading.rows} == expected
        assert reading.categories == expected_categories

        after = list(AccessLogEntry.objects.all())
        if reader.pk == owner.pk or not expected_categories:
            assert {e.pk: e.reads for e in after} == before, "a read that saw nothing was logged"
        else:
            changed = [e for e in after if before.get(e.pk) != e.reads]
            assert len(changed) == 1, "exactly one visit records the read"
            visit = changed[0]
            assert (visit.owner_id, visit.viewer_id) == (owner.pk, reader.pk)
            assert visit.reads == before.get(visit.pk, 0) + 1
            assert expected_categories <= set(visit.categories)
            assert "property test" in visit.details
        transaction.set_rollback(True)


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    alice_grants=st.lists(grant_spec, max_size=3),
    finn_grants=st.lists(grant_spec, max_size=3),
    alice_days=st.lists(st.booleans(), max_size=4),
    finn_days=st.lists(st.booleans(), max_size=4),
    category=st.sampled_from(CATEGORIES),
)
def test_read_shared_gathers_exactly_the_owners_who_share_and_logs_each(
    people: dict[str, Any],
    alice_grants: list[dict[str, Any]],
    finn_grants: list[dict[str, Any]],
    alice_days: list[bool],
    finn_days: list[bool],
    category: str,
) -> None:
    with transaction.atomic():
        alice, ben, finn = people["alice"], people["ben"], people["finn"]
        _grants(alice, ben, alice_grants)
        _grants(finn, ben, finn_grants)
        rows = {"alice": _days(alice, alice_days), "finn": _days(finn, finn_days)}
        _days(ben, [False])  # the reader's own rows are never part of "shared with me"
        sharing = {
            name
            for name, specs in (("alice", alice_grants), ("finn", finn_grants))
            if _expected_categories(specs, {category})
        }
        reading = access.read_shared(ben, CheckIn.objects.all(), category, detail="shared")
        expected = {c.pk for name in sharing for c in rows[name] if not c.is_private}
        assert {c.pk for c in reading.rows} == expected
        logged = {e.owner_id for e in AccessLogEntry.objects.filter(viewer=ben)}
        assert logged == {people[name].pk for name in sharing}
        transaction.set_rollback(True)


def test_reading_through_someone_elses_eyes_is_refused(people: dict[str, Any]) -> None:
    alice, ben, finn = people["alice"], people["ben"], people["finn"]
    with pytest.raises(ValueError, match="only the owner"):
        access.read(ben, CheckIn.objects.all(), "mood", owner=alice, audience=finn, detail="x")


def test_a_model_outside_the_category_is_refused(people: dict[str, Any]) -> None:
    alice, ben = people["alice"], people["ben"]
    Grant.objects.create(owner=alice, grantee=ben, categories=["assessments"])
    with pytest.raises(ValueError, match="not part of the sharing category"):
        access.read(ben, CheckIn.objects.all(), "assessments", owner=alice, detail="x")


def test_the_owner_previews_what_a_partner_sees_without_logging(people: dict[str, Any]) -> None:
    alice, ben = people["alice"], people["ben"]
    Grant.objects.create(owner=alice, grantee=ben, categories=["mood"])
    shown, _private = _days(alice, [False, True])
    preview = access.read(
        alice, CheckIn.objects.all(), ["mood", "notes"], owner=alice, audience=ben, detail="x"
    )
    real = access.read(ben, CheckIn.objects.all(), ["mood", "notes"], owner=alice, detail="x")
    assert preview.rows == real.rows == [shown]
    assert preview.categories == real.categories == {"mood"}
    assert AccessLogEntry.objects.get().reads == 1  # only ben's real read
