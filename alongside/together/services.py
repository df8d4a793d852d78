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
    Notice.objects.create(
        recipient=ritual.link.other(by),
        text=_("%(name)s set your time together to %(day)s at %(time)s (%(tz)s).")
        % {
            "name": str(by),
            "day": dict(WEEKDAYS)[weekday],
            "time": formats.time_format(at, "H:i"),
            "tz": ritual.time_zone.replace("_", " "),
        },
    )
    return ritual
