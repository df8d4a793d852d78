"""Fixtures for the questionnaire pages, API and command line (none are autouse, so the
pure-core tests beside them are untouched).

Wording comes from the made-up fixtures in ``fixtures/`` (see its README); the
reliable-change figures in ``fixtures/test_reliable_change_figures.yaml`` are TEST
FIGURES ONLY, cited as made up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import time_machine

from alongside.assessments.models import InstalledWording, Take, instrument
from alongside.assessments.services import import_file_install, import_file_read
from alongside.assessments.spec import ItemWording, WordingPack, get_instrument

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ECR_RS_CSV = FIXTURES / "redcap_ecr_rs_wording.csv"
TEST_FIGURES = FIXTURES / "test_reliable_change_figures.yaml"
NOW = dt.datetime(2026, 4, 13, 12, 0, tzinfo=dt.UTC)

# Keyed for ECR-RS: q1-q4 reverse. These give avoidance 7, anxiety 7 ...
ECR_RS_HIGH = {"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 7, "q6": 7, "q7": 7, "q8": 7, "q9": 7}
# ... and avoidance 2, anxiety 2 (a fall of 5 on both: reliable with the test figures).
ECR_RS_LOW = {"q1": 6, "q2": 6, "q3": 6, "q4": 6, "q5": 2, "q6": 2, "q7": 2, "q8": 2, "q9": 2}


@pytest.fixture
def ecr_rs_wording(db: None) -> None:
    """The made-up ECR-RS wording (REDCap fixture), installed as the command line does."""
    plan = import_file_read(path=ECR_RS_CSV, into="ecr-rs")
    import_file_install(plan=plan, imported_by="tests")


@pytest.fixture
def test_figures(db: None) -> None:
    """TEST FIGURES ONLY for ECR-RS reliable change (made up, cited as such)."""
    import_file_install(plan=import_file_read(path=TEST_FIGURES), imported_by="tests")


def made_up_wording(instrument_id: str) -> None:
    """Install invented wording for any shipped key ("Made-up question 3")."""
    spec = get_instrument(instrument_id)
    pack = WordingPack(
        instrument_id=spec.id,
        items=tuple(
            ItemWording(item_id=item.id, text=f"Made-up question {item.number}")
            for item in spec.items
        ),
        source="tests",
    )
    InstalledWording.install(pack, imported_by="tests")


@pytest.fixture
def finished() -> Callable[..., Take]:
    """``finished(owner, instrument_id, answers, relationship="", days_ago=0)``: a
    completed take, as if answered ``days_ago`` days before NOW."""

    def make(
        owner: Any,
        instrument_id: str,
        answers: Mapping[str, int],
        relationship: str = "",
        days_ago: int = 0,
    ) -> Take:
        spec = instrument(instrument_id)
        with time_machine.travel(NOW - dt.timedelta(days=days_ago), tick=False):
            take = Take.begin(owner=owner, spec=spec, relationship=relationship, resume=False)
            take.record_answers(spec, answers)
            take.finish(spec)
        return take

    return make
