"""What the schedule, assign and alert tests share: a questionnaire to answer, test-only
reliable-change figures, and answering through the ordinary pages.

The CSI-4 wording here is invented ("Made-up question 1"), and the figures are TEST
FIGURES ONLY, cited as made up: SD 3, reliability .9, so
S_diff = 3 * sqrt(2 * (1 - .9)) = 1.34164 and the reliable-change threshold is
1.96 * 1.34164 = 2.62962 points on the 0-21 satisfaction score (higher is better).
"""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from alongside.assessments.models import ReliableChangeFigures, Take
from alongside.assessments.spec import ReliableChangeParams, Source
from alongside.assessments.tests.conftest import made_up_wording

TEST_CITATION = "TEST FIGURES ONLY - made up for Alongside's care alert tests, from no source"
THRESHOLD = 2.62962  # 1.96 * S_diff with the test figures

# CSI-4 answers (q1 0-6, q2-q4 0-5) and the satisfaction sum they give.
CSI_18 = {"q1": 6, "q2": 4, "q3": 4, "q4": 4}
CSI_16 = {"q1": 4, "q2": 4, "q3": 4, "q4": 4}
CSI_12 = {"q1": 3, "q2": 3, "q3": 3, "q4": 3}


def install_csi4() -> None:
    """Invented wording for the CSI-4, so it can be assigned and answered."""
    made_up_wording("csi-4")


def install_test_figures() -> None:
    ReliableChangeFigures.install(
        "csi-4",
        "satisfaction",
        ReliableChangeParams(
            sd=3.0,
            reliability=0.9,
            reliability_kind="test-retest",
            sources=(Source(citation=TEST_CITATION),),
        ),
        installed_by="tests",
    )


def answer_through_pages(client: Client, take: Take, answers: dict[str, int]) -> None:
    """Answer every item on the take's page and press Finish, as a person would."""
    data = {f"answer-{key}": str(value) for key, value in answers.items()}
    response = client.post(
        f"/questionnaires/answers/{take.pk}/", {**data, "page": "1", "go": "finish"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].endswith("/result/")


def start_due(client: Client, due: Any) -> Take:
    """Press "Answer now" on an open questionnaire; returns the take it began."""
    response = client.post(f"/care/due/{due.pk}/start/", {"next": "/"})
    assert response.status_code == 302, response.content.decode()[:2000]
    found = re.fullmatch(r"/questionnaires/answers/(\d+)/", response["Location"])
    assert found, response["Location"]
    return Take.objects.get(pk=int(found.group(1)))


def answer_by_hand(owner: Any, answers: dict[str, int], instrument_id: str = "csi-4") -> Take:
    """A finished take without the pages (for a clock that was set beforehand)."""
    from alongside.assessments.models import instrument

    spec = instrument(instrument_id)
    take = Take.begin(owner=owner, spec=spec, resume=False)
    take.record_answers(spec, answers)
    take.finish(spec)
    return take
