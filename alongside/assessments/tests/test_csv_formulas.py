"""A REDCap data dictionary the project writes hands no formula to a spreadsheet.

Data dictionaries are often edited in a spreadsheet, and wording may come from anyone's
file. Wording that starts like a formula is written with a leading quote; the
``@ALONGSIDE-...`` action tags, which REDCap needs to start with ``@`` and which only
the project writes, stay as they are; and the file reads back to the same instrument.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from alongside.assessments.importers import (
    REDCAP_COLUMNS,
    instrument_from_redcap,
    spec_to_redcap_csv,
)

CHOICES = "1, Never | 2, Sometimes | 3, Often"


def _dictionary(tmp_path: Path) -> Path:
    rows = [
        ["record_id", "formulas", "", "text", "Record ID"],
        ["fm_one", "formulas", "", "radio", '=HYPERLINK("https://evil.example","Go")', CHOICES],
        ["fm_two", "formulas", "", "radio", "- or less, how often?", CHOICES],
        ["fm_three", "formulas", "", "radio", "How often, plainly?", CHOICES],
    ]
    rows[2] += [""] * 11 + ["@ALONGSIDE-REVERSE"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REDCAP_COLUMNS)
    for row in rows:
        writer.writerow(row + [""] * (len(REDCAP_COLUMNS) - len(row)))
    path = tmp_path / "formulas.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_wording_that_starts_like_a_formula_is_exported_as_text(tmp_path: Path) -> None:
    spec = instrument_from_redcap(_dictionary(tmp_path))
    exported = list(csv.reader(io.StringIO(spec_to_redcap_csv(spec), newline="")))
    labels = {row[0]: row[4] for row in exported[2:]}
    assert labels == {
        "fm_one": '\'=HYPERLINK("https://evil.example","Go")',
        "fm_two": "'- or less, how often?",
        "fm_three": "How often, plainly?",
    }
    annotations = {row[0]: row[17] for row in exported[2:]}
    assert annotations["fm_two"].startswith("@ALONGSIDE-REVERSE")


def test_an_exported_dictionary_reads_back_to_the_same_wording(tmp_path: Path) -> None:
    spec = instrument_from_redcap(_dictionary(tmp_path))
    exported = tmp_path / "exported.csv"
    exported.write_text(spec_to_redcap_csv(spec), encoding="utf-8")
    again = instrument_from_redcap(exported)
    assert again.items == spec.items
    assert again.item("fm_one").wording == '=HYPERLINK("https://evil.example","Go")'
    assert again.item("fm_two").reverse
