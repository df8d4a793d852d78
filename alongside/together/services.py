"""Operations that span several models."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from alongside.circle.models import Notice
from alongside.together.models import WEEKDAYS, Ritual


@transaction.atomic
def ritual_update(*, ritual: Ritual, by: Any, weekday: int, at: dt.time) -> Ritual:
    """Either partner may change the time together; the other is told in the app."""
    ritual.weekday = weekday
    ritual.at = at
    ritual.time_zone = by.time_zone
    ritual.chosen_by = by
    ritual.chosen_at = timezone.now()
    ritual.save()
    other = ritual.link.other(by)
    # Told in the other person's own time: no time zone, nothing about where ``by`` is.
    theirs = ritual.next_at().astimezone(other.tz)
    Notice.objects.create(
        recipient=other,
        text=_("%(name)s set your time together to %(day)s at %(time)s, your time.")
        % {
            "name": str(by),
            "day": dict(WEEKDAYS)[theirs.weekday()],
            "time": formats.time_format(theirs.time(), "H:i"),
        },
    )
    return ritual
