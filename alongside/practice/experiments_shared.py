"""What the experiments part of practice contributes to the privacy core.

``SOURCES``: the models whose rows belong to the "practice" category (model label, owner
field, private field). ``PARTS``: (key, order, render) for the person page.

Also the one place that decides what each side of a relational experiment sees
(``reveal``): the other side's part is read through ``access.read`` and only once the
viewer's own part exists.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from alongside.circle import access
from alongside.circle.registry import Part, Source
from alongside.lib import reveal as mutual_reveal

SOURCES: tuple[Source, ...] = (
    Source("practice.RelianceExperiment", "owner", "is_private"),
    Source("practice.Ladder", "owner", "is_private"),
    Source("practice.Step", "ladder__owner", "ladder__is_private"),
    Source("practice.AskedAnswer", "owner", None),
)

DETAIL = "a relational experiment"
PART_DETAIL = "practice: experiments"
PART_RECENT = 10


def reveal(experiment: Any, viewer: Any) -> Any:
    """What ``viewer`` (the asker or the invited person) sees of the other's part."""
    from alongside.practice.models_experiments import (
        AskedAnswer,
        AskedReveal,
        RelianceExperiment,
    )

    if viewer.pk == experiment.owner_id:
        if experiment.invited_id is None:
            return AskedReveal(mine=None, theirs=None)
        # The asker's own answer is their after part; a decline reads as no answer.
        mine, theirs = mutual_reveal.mutual(
            experiment if experiment.is_complete else None,
            lambda: (
                access.read(
                    viewer,
                    AskedAnswer.objects.filter(experiment=experiment, declined=False),
                    "practice",
                    owner=experiment.invited,
                    detail=_(DETAIL),
                ).rows
            ),
        )
        return AskedReveal(mine=mine, theirs=theirs)
    if viewer.pk == experiment.invited_id:
        answer = AskedAnswer.objects.filter(experiment=experiment, owner=viewer).first()
        answered = answer if answer is not None and not answer.declined else None
        _answered, their_part = mutual_reveal.mutual(
            answered,
            lambda: (
                access.read(
                    viewer,
                    RelianceExperiment.objects.filter(pk=experiment.pk, after_at__isnull=False),
                    "practice",
                    owner=experiment.owner,
                    detail=_(DETAIL),
                ).rows
            ),
        )
        return AskedReveal(mine=answer, theirs=their_part)
    return AskedReveal(mine=None, theirs=None)


def part(viewer: Any, owner: Any, link: Any, audience: Any) -> Part | None:
    """What ``owner`` shares of their experiments: a sentence and predicted vs felt.

    No counts of anything not done: only how the asks that were made went.
    """
    from alongside.practice.charts_experiments import better_sentence, discomfort_chart

    reading = access.read(
        viewer,
        _DONE.of(),
        "practice",
        owner=owner,
        audience=audience,
        detail=_(PART_DETAIL),
    )
    if not reading.categories or not reading.rows:
        return None
    done = sorted(reading.rows, key=lambda e: (e.after_at, e.pk))
    name = str(owner)
    return Part(
        "practice/experiments/_shared.html",
        {
            "name": name,
            "sentence": better_sentence(done, name=name),
            "chart": discomfort_chart(done, name=name),
        },
    )


def _done() -> Any:
    from alongside.practice.models_experiments import RelianceExperiment

    return RelianceExperiment.objects.filter(after_at__isnull=False).select_related("person")


# On every partner page: compiled once (access.Rows).
_DONE = access.Rows(_done)

PARTS: tuple[tuple[str, int, Any], ...] = (("practice-experiments", 40, part),)
