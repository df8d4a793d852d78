"""Expected-response bands, loaded from a cited data file (``alongside manage
load_care_bands FILE``). None ship with Alongside: none could be cited.

The file is YAML (JSON, being YAML too, also reads). It holds one set, or a list of
sets, each for one subscale of one instrument::

    - instrument: csi-4
      subscale: satisfaction
      citation: Author, A. (2024). Where the bands come from. Journal, 1(2), 3-4.
      url: https://doi.org/...            # optional
      bands:
        - {baseline_min: 0, baseline_max: 7, week: 4, boundary: 4}
        - {baseline_min: 0, baseline_max: 7, week: 8, boundary: 6}
        - {baseline_min: 7, baseline_max: 14, week: 4, boundary: 9}

A client whose first score was from ``baseline_min`` up to (not including)
``baseline_max`` (the highest range also includes its maximum) is off the expected track
at ``week`` weeks or later when they score beyond ``boundary`` in the subscale's worse
direction (see ``care/alerts.py``).

Everything is checked before anything is stored: an unknown instrument or subscale, a
missing citation, a number that is not one or lies outside the subscale's range, and
baseline ranges that overlap are each named by their place in the file
(``[0].bands[2].baseline_max``). Loading a set replaces the bands stored for its subscale,
in one transaction: never half a file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from alongside.assessments.models import base_instrument
from alongside.assessments.spec import AssessmentError
from alongside.care.models import ResponseBand

__all__ = ["Band", "BandFileError", "BandSet", "load_band_file", "read_band_file"]

_SET_KEYS = ("instrument", "subscale", "citation", "url", "bands")
_BAND_KEYS = ("baseline_min", "baseline_max", "week", "boundary")


class BandFileError(ValueError):
    """A band file that cannot be loaded; ``issues`` names each field that is wrong."""

    def __init__(self, file: str, issues: list[str]) -> None:
        self.file = file
        self.issues = issues
        super().__init__(f"{file}: " + "; ".join(issues))


@dataclass(frozen=True)
class Band:
    baseline_min: float
    baseline_max: float
    week: int
    boundary: float


@dataclass(frozen=True)
class BandSet:
    instrument_id: str
    subscale_id: str
    citation: str
    bands: tuple[Band, ...]


def read_band_file(path: Path | str) -> list[BandSet]:
    """Read and check a band file; raises ``BandFileError`` listing every problem."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BandFileError(name, ["there is no such file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BandFileError(name, [f"cannot be read ({exc.__class__.__name__})"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise BandFileError(name, [f"is not YAML or JSON{where}"]) from None
    if isinstance(data, Mapping):
        data = [data]
    if not isinstance(data, list) or not data:
        raise BandFileError(name, ["must hold a set of bands, or a list of sets"])
    issues: list[str] = []
    sets: list[BandSet] = []
    seen: dict[tuple[str, str], int] = {}
    for index, raw in enumerate(data):
        found = _read_set(raw, f"[{index}]", issues)
        if found is None:
            continue
        key = (found.instrument_id, found.subscale_id)
        if key in seen:
            issues.append(
                f"[{index}].subscale: {key[0]} {key[1]} is already given in [{seen[key]}]"
            )
            continue
        seen[key] = index
        sets.append(found)
    if issues:
        raise BandFileError(name, issues)
    return sets


def _read_set(raw: Any, at: str, issues: list[str]) -> BandSet | None:
    if not isinstance(raw, Mapping):
        issues.append(f"{at}: must be a mapping with instrument, subscale, citation and bands")
        return None
    before = len(issues)
    for key in raw:
        if key not in _SET_KEYS:
            issues.append(f"{at}.{key}: is not a known field")
    instrument_id = _text(raw, "instrument", at, issues)
    subscale_id = _text(raw, "subscale", at, issues)
    citation = _text(raw, "citation", at, issues, why="name the source of these bands")
    url = raw.get("url")
    if url is not None and not isinstance(url, str):
        issues.append(f"{at}.url: must be text")
    score_range: tuple[float, float] | None = None
    if instrument_id:
        try:
            spec = base_instrument(instrument_id)
        except AssessmentError:
            issues.append(f"{at}.instrument: there is no questionnaire {instrument_id!r}")
        else:
            if subscale_id:
                try:
                    low, high = spec.subscale(subscale_id).range
                    score_range = (float(low), float(high))
                except AssessmentError:
                    known = ", ".join(s.id for s in spec.subscales)
                    issues.append(
                        f"{at}.subscale: {instrument_id} has no subscale {subscale_id!r} "
                        f"(it has {known})"
                    )
    bands = _read_bands(raw.get("bands"), f"{at}.bands", score_range, issues)
    if len(issues) > before or not (instrument_id and subscale_id and citation):
        return None
    full_citation = f"{citation} {url}".strip() if isinstance(url, str) else citation
    return BandSet(instrument_id, subscale_id, full_citation, tuple(bands))


def _text(raw: Mapping[str, Any], key: str, at: str, issues: list[str], why: str = "") -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        issues.append(f"{at}.{key}: is required" + (f" ({why})" if why else ""))
        return ""
    return value.strip()


def _number(raw: Mapping[str, Any], key: str, at: str, issues: list[str]) -> float | None:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        issues.append(f"{at}.{key}: must be a number")
        return None
    return float(value)


def _read_bands(
    raw: Any, at: str, score_range: tuple[float, float] | None, issues: list[str]
) -> list[Band]:
    if not isinstance(raw, list) or not raw:
        issues.append(f"{at}: must be a list of at least one band")
        return []
    bands: list[tuple[str, Band]] = []
    for index, item in enumerate(raw):
        where = f"{at}[{index}]"
        if not isinstance(item, Mapping):
            issues.append(f"{where}: must be a mapping of {', '.join(_BAND_KEYS)}")
            continue
        before = len(issues)
        for key in item:
            if key not in _BAND_KEYS:
                issues.append(f"{where}.{key}: is not a known field")
        low = _number(item, "baseline_min", where, issues)
        high = _number(item, "baseline_max", where, issues)
        boundary = _number(item, "boundary", where, issues)
        week = item.get("week")
        if isinstance(week, bool) or not isinstance(week, int) or not 0 <= week <= 520:
            issues.append(f"{where}.week: must be a whole number of weeks from 0 to 520")
            week = None
        if low is not None and high is not None and low >= high:
            issues.append(f"{where}.baseline_max: must be greater than baseline_min")
        if score_range is not None:
            for key, value in (
                ("baseline_min", low),
                ("baseline_max", high),
                ("boundary", boundary),
            ):
                if value is not None and not score_range[0] <= value <= score_range[1]:
                    issues.append(
                        f"{where}.{key}: {value:g} is outside the score range "
                        f"{score_range[0]:g} to {score_range[1]:g}"
                    )
        if len(issues) > before or low is None or high is None or boundary is None:
            continue
        if not isinstance(week, int):
            continue
        bands.append((where, Band(low, high, week, boundary)))
    _check_ranges(bands, issues)
    return [band for _where, band in bands]


def _check_ranges(bands: list[tuple[str, Band]], issues: list[str]) -> None:
    """Baseline ranges are either the same (several weeks of one range) or apart."""
    first_of: dict[tuple[float, float], str] = {}
    weeks: set[tuple[float, float, int]] = set()
    for where, band in bands:
        span = (band.baseline_min, band.baseline_max)
        if (*span, band.week) in weeks:
            issues.append(
                f"{where}.week: week {band.week} is given twice for the baseline range "
                f"{span[0]:g} to {span[1]:g}"
            )
        weeks.add((*span, band.week))
        for other, other_where in first_of.items():
            if other != span and span[0] < other[1] and other[0] < span[1]:
                issues.append(
                    f"{where}.baseline_min: the baseline range {span[0]:g} to {span[1]:g} "
                    f"overlaps {other[0]:g} to {other[1]:g} ({other_where})"
                )
                break
        first_of.setdefault(span, where)


@transaction.atomic
def load_band_file(path: Path | str) -> int:
    """Check ``path`` and store its bands, replacing those of the same subscales;
    returns how many bands were stored. Raises ``BandFileError``, storing nothing."""
    sets = read_band_file(path)
    loaded_at = timezone.now()
    count = 0
    for found in sets:
        ResponseBand.objects.filter(
            instrument_id=found.instrument_id, subscale_id=found.subscale_id
        ).delete()
        ResponseBand.objects.bulk_create(
            ResponseBand(
                instrument_id=found.instrument_id,
                subscale_id=found.subscale_id,
                baseline_min=band.baseline_min,
                baseline_max=band.baseline_max,
                week=band.week,
                boundary=band.boundary,
                citation=found.citation,
                loaded_from=Path(path).name[:300],
                loaded_at=loaded_at,
            )
            for band in found.bands
        )
        count += len(found.bands)
    return count
