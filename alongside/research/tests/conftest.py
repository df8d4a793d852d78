"""The research tests' studies: dana's couple study (EVENINGS), her study of one person
at a time (ALONE), and alice and ben paired in the couple study."""

from __future__ import annotations

from typing import Any

import pytest

from alongside.research import services
from alongside.research.models import Participant, Study
from alongside.research.tests.helpers import enrol, make_study
from conftest import make_researcher


@pytest.fixture
def study(dana: Any) -> Study:
    make_researcher(dana)
    return make_study(dana)


@pytest.fixture
def solo(dana: Any) -> Study:
    make_researcher(dana)
    return make_study(dana, couple=False, code="ALONE", id_prefix="ALN")


@pytest.fixture
def pair(study: Study, alice: Any, ben: Any) -> tuple[Participant, Participant]:
    """alice and ben taking part in ``study``, paired as a dyad (alice drew the code)."""
    me, partner = enrol(alice, study), enrol(ben, study)
    services.dyad_join(participant=partner, raw_code=services.dyad_start(participant=me).code)
    return me, partner
