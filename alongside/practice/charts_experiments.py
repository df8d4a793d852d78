"""Pictures and words for experiments, through the project's one chart helper.

Every picture comes with a plain sentence that tells the same story, so nobody needs to
read a chart. The words only ever speak of asks that were made and how they went.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alongside.lib.charts import Chart, lines_chart, paired_bars

RECENT = 10
BELIEF_ROWS = 8


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def better_sentence(done: Sequence[Any], *, name: str | None = None) -> str:
    """ "7 of your last 10 asks went better than you expected." (asks only)."""
    asks = [e for e in done if e.direction == "ask"][-RECENT:]
    if not asks:
        return ""
    better = sum(1 for e in asks if e.went_better)
    values = {"better": better, "n": len(asks), "name": name}
    if name:
        return (
            ngettext(
                "%(better)d of %(name)s's last %(n)d ask went better than they expected.",
                "%(better)d of %(name)s's last %(n)d asks went better than they expected.",
                len(asks),
            )
            % values
        )
    return (
        ngettext(
            "%(better)d of your last %(n)d ask went better than you expected.",
            "%(better)d of your last %(n)d asks went better than you expected.",
            len(asks),
        )
        % values
    )


def discomfort_chart(done: Sequence[Any], *, name: str | None = None) -> Chart | None:
    """Discomfort expected vs felt, per day of the after part (a day's mean)."""
    if not done:
        return None
    expected: dict[dt.date, list[int]] = defaultdict(list)
    felt: dict[dt.date, list[int]] = defaultdict(list)
    for e in done:
        expected[_day(e.after_at)].append(e.discomfort_expected)
        felt[_day(e.after_at)].append(e.discomfort_felt)
    days = sorted(expected)
    start, end = days[0], max(days[-1], days[0] + dt.timedelta(days=1))

    def mean(values: list[int]) -> float:
        return sum(values) / len(values)

    lower = sum(1 for e in done if e.discomfort_felt < e.discomfort_expected)
    if name:
        summary = _(
            "In %(lower)d of %(name)s's %(n)d experiments, the discomfort felt was lower "
            "than expected."
        ) % {"lower": lower, "name": name, "n": len(done)}
    else:
        summary = _(
            "In %(lower)d of your %(n)d experiments, the discomfort you felt was lower "
            "than you expected."
        ) % {"lower": lower, "n": len(done)}
    svg: SafeString = lines_chart(
        [
            (_("expected"), [(d, mean(expected[d])) for d in days]),
            (_("felt"), [(d, mean(felt[d])) for d in days]),
        ],
        start=start,
        end=end,
        low=0,
        high=100,
        title=_("Discomfort: expected and felt"),
        desc=summary,
        y_labels=("0", "100"),
    )
    return Chart(svg=svg, summary=summary)


def belief_chart(done: Sequence[Any]) -> Chart | None:
    """The belief's strength before and after, for the latest experiments."""
    rows = [e for e in done if e.belief_after is not None][-BELIEF_ROWS:]
    if not rows:
        return None
    loosened = sum(1 for e in rows if (e.belief_change or 0) > 0)
    summary = _(
        "After %(loosened)d of these %(n)d experiments, the belief behind the fear felt "
        "less true than before."
    ) % {"loosened": loosened, "n": len(rows)}
    svg = paired_bars(
        [(_day(e.after_at).strftime("%d %b"), [e.belief_before, e.belief_after]) for e in rows],
        names=[_("before"), _("after")],
        low=0,
        high=100,
        title=_("How strongly I held the belief, before and after"),
        desc=summary,
    )
    return Chart(svg=svg, summary=summary)


def giving_receiving(done: Sequence[Any]) -> Chart | None:
    """Asks and offers side by side: how many of each went better than expected."""
    if not done:
        return None
    asks = [e for e in done if e.direction == "ask"]
    offers = [e for e in done if e.direction == "offer"]
    made = {
        "asks": ngettext("%(n)d ask", "%(n)d asks", len(asks)) % {"n": len(asks)},
        "offers": ngettext("%(n)d offer of support", "%(n)d offers of support", len(offers))
        % {"n": len(offers)},
    }
    summary = (
        _(
            "You made %(asks)s and %(offers)s. Both directions count: closeness grows when "
            "support goes both ways."
        )
        % made
    )
    svg = paired_bars(
        [
            (_("Asks"), [len(asks), sum(1 for e in asks if e.went_better)]),
            (_("Offers"), [len(offers), sum(1 for e in offers if e.went_better)]),
        ],
        names=[_("made"), _("went better")],
        low=0,
        high=max(len(asks), len(offers), 1),
        title=_("Receiving and giving"),
        desc=summary,
    )
    return Chart(svg=svg, summary=summary)
