"""The one helper every CSV writer uses: formula-looking strings become plain text."""

from __future__ import annotations

import doctest

import pytest

from alongside.lib import csvsafe
from alongside.lib.csvsafe import safe_cell, unescape_cell


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_string_starting_like_a_formula_gets_a_leading_quote(start: str) -> None:
    assert safe_cell(f"{start}cmd") == f"'{start}cmd"
    assert unescape_cell(safe_cell(f"{start}cmd")) == f"{start}cmd"


@pytest.mark.parametrize("value", [-3, -0.5, 0, None, True, "Ben", "", " =1", "'quoted", "3-1"])
def test_everything_else_is_left_alone(value: object) -> None:
    assert safe_cell(value) == value
    if isinstance(value, str):
        assert unescape_cell(value) == value


def test_the_examples_run() -> None:
    assert doctest.testmod(csvsafe).failed == 0
