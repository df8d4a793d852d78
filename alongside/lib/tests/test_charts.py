"""The paired bar chart stays readable on a phone, where its words are drawn at 14.5
units (site.css): each bar's number sits apart from the next, and a long row label is
not cut off at the left edge."""

from __future__ import annotations

import itertools
import re

from alongside.lib.charts import paired_bars

PHONE_TEXT = 14.5  # the size site.css gives chart words on a narrow screen


def _chart() -> str:
    return str(
        paired_bars(
            [("feeling close", [56.5, 56.7]), ("own space met", [55.9, 62.0])],
            names=["Alice", "Ben"],
            low=0,
            high=100,
            title="Closeness and autonomy",
            desc="Both near the middle.",
        )
    )


def test_the_numbers_beside_the_bars_do_not_run_into_each_other() -> None:
    lines = [float(y) for y in re.findall(r'y="([\d.]+)">\d[\d.]*</text>', _chart())]
    assert len(lines) == 4
    assert all(b - a >= PHONE_TEXT for a, b in itertools.pairwise(lines)), lines


def test_a_long_row_label_fits_left_of_the_bars() -> None:
    rows = re.findall(r'x="([\d.]+)" y="[\d.]+" text-anchor="end">([^<]+)</text>', _chart())
    assert {label for _, label in rows} == {"feeling close", "own space met"}
    for x, label in rows:
        # about 0.55 of the text size per letter, in the font the app uses
        assert float(x) >= 0.55 * PHONE_TEXT * len(label), (x, label)
