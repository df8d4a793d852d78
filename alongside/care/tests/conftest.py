from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from alongside.care.tests.assign_helpers import install_csi4
from conftest import link_therapist, make_therapist


@pytest.fixture
def care(alice: Any, dana: Any) -> Any:
    """dana (New York) is the therapist of alice (London), who shares her results; the
    CSI-4 can be answered (test wording)."""
    make_therapist(dana)
    install_csi4()
    return link_therapist(alice, dana, shares=["assessments"])


@pytest.fixture
def dana_client(dana: Any) -> Client:
    """dana, a verified therapist, signed in."""
    make_therapist(dana)
    client = Client()
    client.force_login(dana)
    return client
