"""The pictorial closeness item."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest

from alongside.assessments.closeness import (
    OVERLAP_SHARES,
    STEPS,
    centre_distance,
    closeness_svg,
    closeness_svg_for,
    overlap_share,
)
from alongside.assessments.spec import AssessmentError, get_instrument

SVG = "{http://www.w3.org/2000/svg}"


def parse(picture: str) -> ET.Element:
    """Parse SVG that this project just drew (not untrusted input)."""
    return ET.fromstring(picture)  # noqa: S314


def test_the_circles_overlap_more_at_every_step() -> None:
    shares = [overlap_share(centre_distance(step)) for step in range(1, STEPS + 1)]
    assert shares[0] == 0.0
    assert centre_distance(1) > 2.0  # step 1: apart, not touching
    assert all(later > earlier for earlier, later in itertools.pairwise(shares))
    assert shares == pytest.approx(list(OVERLAP_SHARES), abs=1e-9)
    assert shares[-1] < 1.0  # never two identical circles


def test_the_overlap_formula_matches_known_cases() -> None:
    assert overlap_share(0.0) == 1.0
    assert overlap_share(2.0) == 0.0
    # Two unit circles one radius apart: lens = 2*acos(1/2) - (1/2)*sqrt(3) = 1.2284
    assert overlap_share(1.0) == pytest.approx(1.22837 / 3.14159, abs=1e-4)


def test_the_svg_is_well_formed_and_labelled_for_assistive_technology() -> None:
    picture = closeness_svg(
        3, self_label="Me", other_label="Them", title="Step 3 of 7", description="A little overlap"
    )
    root = parse(picture)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text == "Step 3 of 7"
    assert desc is not None and desc.text == "A little overlap"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert len(root.findall(f"{SVG}circle")) == 2
    assert [t.text for t in root.findall(f"{SVG}text")] == ["Me", "Them"]


def test_texts_are_escaped() -> None:
    picture = closeness_svg(
        1, self_label="<me>", other_label="A & B", title='"Quote"', description="x < y"
    )
    root = parse(picture)
    assert [t.text for t in root.findall(f"{SVG}text")] == ["<me>", "A & B"]


def test_the_picture_takes_its_texts_from_the_instrument_file() -> None:
    closeness = get_instrument("alongside-closeness")
    for step in range(1, STEPS + 1):
        root = parse(closeness_svg_for(closeness, step))
        title = root.find(f"{SVG}title")
        desc = root.find(f"{SVG}desc")
        assert title is not None and title.text == f"Closeness, step {step} of 7"
        assert desc is not None and desc.text == closeness.item("closeness").scale.label_for(step)
        assert root.get("data-step") == str(step)


def test_ids_are_unique_per_prefix_and_step() -> None:
    closeness = get_instrument("alongside-closeness")
    ids: set[str | None] = set()
    for prefix in ("partner", "friend"):
        for step in range(1, STEPS + 1):
            root = parse(closeness_svg_for(closeness, step, id_prefix=prefix))
            ids.update(el.get("id") for el in root.iter() if el.get("id"))
    assert len(ids) == 2 * STEPS * 2


@pytest.mark.parametrize("step", [0, 8, -1, True, 2.5])
def test_steps_outside_1_to_7_are_refused(step: object) -> None:
    with pytest.raises(AssessmentError) as caught:
        closeness_svg(step, self_label="", other_label="", title="", description="")  # type: ignore[arg-type]
    assert caught.value.field == "step"


def test_only_an_instrument_with_a_closeness_picture_can_be_drawn() -> None:
    with pytest.raises(AssessmentError, match="no closeness picture"):
        closeness_svg_for(get_instrument("ras"), 3)
