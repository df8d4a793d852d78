"""Expected-response bands load from a cited file, all or nothing, and every problem is
named by its place in the file."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from alongside.care.bands import BandFileError, load_band_file, read_band_file
from alongside.care.models import ResponseBand

BANDS = Path(__file__).parent / "fixtures" / "test_bands.yaml"
CITE = "TEST BANDS ONLY - made up"

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, text: str, name: str = "bands.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(BandFileError) as caught:
        load_band_file(path)
    assert not ResponseBand.objects.exists()
    return caught.value.issues


def test_the_command_loads_a_cited_file() -> None:
    out = io.StringIO()
    call_command("load_care_bands", str(BANDS), stdout=out)
    assert "Loaded 3 band(s)" in out.getvalue()
    bands = list(ResponseBand.objects.all())
    assert {(b.instrument_id, b.subscale_id) for b in bands} == {("csi-4", "satisfaction")}
    assert all(b.citation.startswith("TEST BANDS ONLY") for b in bands)
    assert {b.loaded_from for b in bands} == {"test_bands.yaml"}


def test_loading_again_replaces_rather_than_adds() -> None:
    load_band_file(BANDS)
    load_band_file(BANDS)
    assert ResponseBand.objects.count() == 3


def test_json_reads_too(tmp_path: Path) -> None:
    document = {
        "instrument": "csi-4",
        "subscale": "satisfaction",
        "citation": CITE,
        "url": "https://example.org/x",
        "bands": [{"baseline_min": 0, "baseline_max": 21, "week": 6, "boundary": 8}],
    }
    path = write(tmp_path, json.dumps(document), "bands.json")
    assert load_band_file(path) == 1
    assert ResponseBand.objects.get().citation == f"{CITE} https://example.org/x"


def test_a_missing_file_is_said_plainly_without_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("load_care_bands", str(tmp_path / "nowhere.yaml"))
    assert "there is no such file" in str(caught.value)
    assert "Nothing was loaded" in str(caught.value)


def test_an_unknown_instrument_or_subscale_is_named(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""\
        - instrument: no-such-scale
          subscale: x
          citation: {CITE}
          bands: [{{baseline_min: 0, baseline_max: 5, week: 4, boundary: 2}}]
        - instrument: csi-4
          subscale: happiness
          citation: {CITE}
          bands: [{{baseline_min: 0, baseline_max: 5, week: 4, boundary: 2}}]
        """,
    )
    assert problems(path) == [
        "[0].instrument: there is no questionnaire 'no-such-scale'",
        "[1].subscale: csi-4 has no subscale 'happiness' (it has satisfaction)",
    ]


def test_a_missing_citation_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        instrument: csi-4
        subscale: satisfaction
        bands: [{baseline_min: 0, baseline_max: 5, week: 4, boundary: 2}]
        """,
    )
    assert problems(path) == ["[0].citation: is required (name the source of these bands)"]


def test_overlapping_baseline_ranges_are_refused_and_nothing_is_half_loaded(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        f"""\
        - instrument: csi-4
          subscale: satisfaction
          citation: {CITE}
          bands:
            - {{baseline_min: 0, baseline_max: 10, week: 4, boundary: 6}}
            - {{baseline_min: 0, baseline_max: 10, week: 8, boundary: 8}}
            - {{baseline_min: 8, baseline_max: 21, week: 4, boundary: 12}}
        """,
    )
    assert problems(path) == [
        "[0].bands[2].baseline_min: the baseline range 8 to 21 overlaps 0 to 10 ([0].bands[0])"
    ]


def test_numbers_are_checked_against_the_scale(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""\
        instrument: csi-4
        subscale: satisfaction
        citation: {CITE}
        bands:
          - {{baseline_min: 5, baseline_max: 3, week: 4, boundary: 30}}
          - {{baseline_min: 0, baseline_max: 3, week: two, boundary: 1, colour: red}}
          - {{baseline_min: 10, baseline_max: 12, week: 4, boundary: 11}}
          - {{baseline_min: 10, baseline_max: 12, week: 4, boundary: 10}}
        """,
    )
    assert problems(path) == [
        "[0].bands[0].baseline_max: must be greater than baseline_min",
        "[0].bands[0].boundary: 30 is outside the score range 0 to 21",
        "[0].bands[1].colour: is not a known field",
        "[0].bands[1].week: must be a whole number of weeks from 0 to 520",
        "[0].bands[3].week: week 4 is given twice for the baseline range 10 to 12",
    ]


@pytest.mark.parametrize(
    ("text", "issue"),
    [
        ("just words", "must hold a set of bands, or a list of sets"),
        ("[unclosed", "is not YAML or JSON (line 1)"),
        (
            f"{{instrument: csi-4, subscale: satisfaction, citation: {CITE}, bands: []}}",
            "[0].bands: must be a list of at least one band",
        ),
    ],
)
def test_a_file_of_the_wrong_shape_is_explained(tmp_path: Path, text: str, issue: str) -> None:
    path = write(tmp_path, text)
    assert problems(path) == [issue]


def test_the_command_names_each_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "instrument: csi-4\nsubscale: satisfaction\nbands: []\n")
    with pytest.raises(CommandError) as caught:
        call_command("load_care_bands", str(path))
    message = str(caught.value)
    assert "[0].citation: is required" in message
    assert "[0].bands: must be a list" in message


def test_read_checks_without_storing() -> None:
    (found,) = read_band_file(BANDS)
    assert (found.instrument_id, found.subscale_id, len(found.bands)) == (
        "csi-4",
        "satisfaction",
        3,
    )
    assert not ResponseBand.objects.exists()
