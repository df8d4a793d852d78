from __future__ import annotations

import datetime as dt
from operator import attrgetter
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from alongside.circle.models import Person
from alongside.lib.charts import Chart, circle_picture

WEEKS = 4


def reciprocity(owner: Any) -> Chart:
    """Support received from and given to each person in the circle, last four weeks."""
    since = owner.local_today() - dt.timedelta(weeks=WEEKS)
    # Counted from the owner's own check-ins only: this reads no one else's data.
    people = Person.objects.filter(owner=owner).annotate(
        received=Count(
            "checkin_received", filter=Q(checkin_received__day__gte=since), distinct=True
        ),
        given=Count("checkin_given", filter=Q(checkin_given__day__gte=since), distinct=True),
    )
    # Sorted in Python: names are encrypted at rest, so the database cannot sort them.
    rows = [(p.name, p.received, p.given) for p in sorted(people, key=attrgetter("sort_key"))]
    if rows:
        parts = [
            _("%(name)s: received %(r)d, gave %(g)d") % {"name": n, "r": r, "g": g}
            for n, r, g in rows
        ]
        summary = _("Over the last four weeks — ") + "; ".join(parts) + "."
    else:
        summary = _("Your circle is empty so far. Add the people in your life to see it here.")
    svg = circle_picture(
        _("You"), rows, title=_("Your circle: support received and given"), desc=summary
    )
    return Chart(svg=svg, summary=summary)
