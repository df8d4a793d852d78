"""The demo's therapist: Dana, verified, with the couple side by side and Mira, measures
assigned, an alert raised by the real rules, and two session notes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alongside.accounts import demo
from alongside.accounts.models import User
from alongside.care import schedule
from alongside.care.demo import CSI16_FIGURES
from alongside.care.models import Alert, Assignment, CareLink, SessionNote, TherapistProfile
from alongside.circle import access

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.fixture
def seeded(db: None) -> dict[str, Any]:
    demo.seed()
    return {u.display_name: u for u in User.objects.filter(email__endswith="@demo.alongside")}


def test_dana_is_a_verified_therapist_of_the_couple_and_mira(seeded: dict[str, Any]) -> None:
    dana = seeded["Dana"]
    assert TherapistProfile.objects.get(user=dana).is_verified
    cares = {c.client.display_name: c for c in CareLink.objects.filter(therapist=dana)}
    assert set(cares) == {"Alice", "Ben", "Mira"}
    assert cares["Alice"].couple_view and cares["Ben"].couple_view
    assert "assessments" in access.shared_categories(seeded["Ben"], dana)
    assert "notes" not in access.shared_categories(seeded["Alice"], dana)


def test_bens_fall_raises_an_alert_by_the_real_rule(seeded: dict[str, Any]) -> None:
    dana = seeded["Dana"]
    alert = Alert.objects.get(care_link__client=seeded["Ben"], kind="deterioration")
    assert alert.care_link.therapist == dana
    assert alert.evidence["before"] == 66 and alert.evidence["after"] == 51
    assert "Jacobson" in alert.evidence["rule"]
    assert not Alert.objects.filter(care_link__client=seeded["Mira"]).exists()


def test_measures_are_assigned_and_open_and_dana_wrote_two_notes(seeded: dict[str, Any]) -> None:
    assert Assignment.objects.filter(care_link__therapist=seeded["Dana"]).count() == 3
    assert schedule.open_dues_for_client(seeded["Mira"])
    assert SessionNote.objects.filter(therapist=seeded["Dana"]).count() == 2


@pytest.mark.skipif(not DATA.exists(), reason=f"the shared couples' data is not at {DATA}")
def test_the_csi16_figures_are_what_the_couples_data_gives() -> None:
    import pandas as pd

    data = pd.read_csv(DATA / "couples_daily_diary_csi.csv")
    before = np.concatenate([data["M_pre_D_csi"], data["W_pre_D_csi"]])
    after = np.concatenate([data["M_post_D_csi"], data["W_post_D_csi"]])
    assert len(before) == 160
    assert round(float(np.std(before, ddof=1)), 2) == CSI16_FIGURES.sd
    assert round(float(np.corrcoef(before, after)[0, 1]), 2) == CSI16_FIGURES.reliability


def test_the_demo_report_holds_the_shared_scores_and_none_of_the_rest(
    seeded: dict[str, Any], tmp_path: Path
) -> None:
    """Dana's report on Alice: her CSI-16 scores are in it; her notes, which she does not
    share with Dana, and her support are not. Pages are rendered to PNG for a look
    (``ALONGSIDE_KEEP_REPORT=DIR`` keeps them)."""
    import os
    import shutil
    import subprocess

    from alongside.care import report
    from alongside.checkins.models import CheckIn

    dana, alice = seeded["Dana"], seeded["Alice"]
    care = CareLink.objects.get(therapist=dana, client=alice)
    built = report.build(
        viewer=dana, client=alice, period=report.default_period(alice.local_today()), care=care
    )
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report.render_pdf(built))
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "Relationship satisfaction" in text
    for score in ("61", "62"):  # her first and latest CSI-16 in the period
        assert score in text
    notes = {c.note for c in CheckIn.objects.filter(owner=alice).exclude(note="")}
    assert notes, "the demo gives Alice some notes"
    for note in notes:
        assert note not in text
    assert "Support" not in text
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages and all(p.stat().st_size > 5000 for p in pages)
    keep = os.environ.get("ALONGSIDE_KEEP_REPORT")
    if keep:
        for page in [pdf, *pages]:
            shutil.copy(page, keep)
