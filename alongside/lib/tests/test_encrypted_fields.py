"""Encrypted fields refuse database comparisons, which could only ever find nothing.

Each value is encrypted with a fresh random IV, so ``name="Sam"`` compares ciphertext with
another ciphertext and silently matches no row. The field says so instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import FieldError

from alongside.checkins.models import CheckIn
from alongside.circle.models import Person


@pytest.mark.parametrize(
    "lookup",
    [
        {"name": "Sam"},
        {"name__iexact": "sam"},
        {"name__icontains": "Sa"},
        {"name__startswith": "S"},
        {"name__in": ["Sam", "Jo"]},
    ],
)
def test_filtering_by_an_encrypted_name_is_refused_instead_of_finding_nothing(
    alice: Any, lookup: dict[str, Any]
) -> None:
    Person.objects.create(owner=alice, name="Sam", kind="friend")
    with pytest.raises(FieldError, match="encrypted"):
        list(Person.objects.filter(**lookup))


def test_empty_and_missing_text_can_still_be_asked_about(alice: Any) -> None:
    written = CheckIn.objects.create(owner=alice, day=dt.date(2026, 4, 13), mood=5, note="x")
    blank = CheckIn.objects.create(owner=alice, day=dt.date(2026, 4, 12), mood=5)
    assert list(CheckIn.objects.filter(note="")) == [blank]
    assert list(CheckIn.objects.exclude(note="")) == [written]
    assert not CheckIn.objects.filter(note__isnull=True).exists()
