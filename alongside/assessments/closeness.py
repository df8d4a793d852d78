"""The pictorial closeness item: two circles, "me" and "them", overlapping a little
more at each of seven steps, drawn as accessible inline SVG.

The drawing is the project's own. Step 1 shows two circles apart; from step 2 on,
each step covers a larger share of each circle, up to an almost complete overlap at
step 7. The shares are chosen first (``OVERLAP_SHARES``) and the distance between
the centres is solved from them, so the steps look evenly spaced to the eye.

All texts (labels, title, description) come from the caller, normally from the
``picture`` block and option labels of ``instruments/alongside-closeness.yaml``.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

from alongside.assessments.spec import AssessmentError, InstrumentSpec

__all__ = [
    "OVERLAP_SHARES",
    "STEPS",
    "centre_distance",
    "closeness_svg",
    "closeness_svg_for",
    "overlap_share",
]

STEPS = 7

# Share of one circle's area covered by the other, for steps 1 to 7.
OVERLAP_SHARES: tuple[float, ...] = (0.0, 0.08, 0.2, 0.34, 0.5, 0.67, 0.85)

# Centre distance (in radii) for step 1: the circles stand apart with a small gap.
_APART = 2.25


def overlap_share(distance: float) -> float:
    """Share of a unit circle's area covered by another unit circle ``distance`` away."""
    if distance >= 2.0:
        return 0.0
    if distance <= 0.0:
        return 1.0
    half = distance / 2.0
    lens = 2.0 * math.acos(half) - half * math.sqrt(4.0 - distance * distance)
    return lens / math.pi


def _check_step(step: int) -> None:
    if isinstance(step, bool) or not isinstance(step, int) or not 1 <= step <= STEPS:
        raise AssessmentError(
            f"must be a whole number from 1 to {STEPS}, not {step!r}", field="step"
        )


def centre_distance(step: int) -> float:
    """Distance between the two centres, in radii, for a step from 1 to 7."""
    _check_step(step)
    target = OVERLAP_SHARES[step - 1]
    if target == 0.0:
        return _APART
    low, high = 0.0, 2.0  # overlap_share falls as the distance grows
    for _ in range(60):
        middle = (low + high) / 2.0
        if overlap_share(middle) > target:
            low = middle
        else:
            high = middle
    return (low + high) / 2.0


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def closeness_svg(
    step: int,
    *,
    self_label: str,
    other_label: str,
    title: str,
    description: str,
    id_prefix: str = "closeness",
    width: int = 240,
) -> str:
    """One step of the closeness picture as an inline SVG string.

    The SVG has ``role="img"`` and is labelled by its ``<title>`` and ``<desc>``
    (ids ``{id_prefix}-{step}-title`` / ``-desc``; pass a distinct ``id_prefix`` when
    several pictures share a page).
    """
    _check_step(step)
    radius = 40.0
    height = 2 * radius + 34
    distance = centre_distance(step) * radius
    middle_x = width / 2.0
    centre_y = radius + 6
    left_x = middle_x - distance / 2.0
    right_x = middle_x + distance / 2.0
    base = f"{id_prefix}-{step}"
    # Labels sit under the circles, pushed outwards so they never collide.
    label_y = centre_y + radius + 18
    left_label_x = left_x - radius * 0.5
    right_label_x = right_x + radius * 0.5
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="closeness-picture" '
        f'viewBox="0 0 {width} {_fmt(height)}" width="{width}" height="{_fmt(height)}" '
        f'aria-labelledby="{base}-title {base}-desc" data-step="{step}">',
        f'<title id="{base}-title">{escape(title)}</title>',
        f'<desc id="{base}-desc">{escape(description)}</desc>',
        f'<circle cx="{_fmt(left_x)}" cy="{_fmt(centre_y)}" r="{_fmt(radius)}" '
        'fill="#4f8a8b" fill-opacity="0.35" stroke="#2f5d5e" stroke-width="2"/>',
        f'<circle cx="{_fmt(right_x)}" cy="{_fmt(centre_y)}" r="{_fmt(radius)}" '
        'fill="#e0a458" fill-opacity="0.35" stroke="#9a6a2b" stroke-width="2"/>',
        f'<text x="{_fmt(left_label_x)}" y="{_fmt(label_y)}" text-anchor="middle" '
        f'font-size="13" fill="#1d3a3a" aria-hidden="true">{escape(self_label)}</text>',
        f'<text x="{_fmt(right_label_x)}" y="{_fmt(label_y)}" text-anchor="middle" '
        f'font-size="13" fill="#5c3d14" aria-hidden="true">{escape(other_label)}</text>',
        "</svg>",
    ]
    return "".join(parts)


def closeness_svg_for(spec: InstrumentSpec, step: int, *, id_prefix: str | None = None) -> str:
    """The picture for one step of a pictorial closeness item, with the texts of the
    instrument file: title from ``picture.title`` and description from the step's
    option label."""
    item = next((i for i in spec.items if i.presentation == "pictorial"), None)
    if item is None or item.picture.get("kind") != "closeness":
        raise AssessmentError(f"{spec.id} has no closeness picture", field="items")
    if item.scale.min != 1 or item.scale.max != STEPS:
        raise AssessmentError(f"must run from 1 to {STEPS}", field=f"items[{item.id}].scale")
    _check_step(step)
    title = item.picture.get("title", "{step}").format(step=step)
    description = item.scale.label_for(step) or title
    return closeness_svg(
        step,
        self_label=item.picture.get("self_label", ""),
        other_label=item.picture.get("other_label", ""),
        title=title,
        description=description,
        id_prefix=id_prefix or item.id,
    )
