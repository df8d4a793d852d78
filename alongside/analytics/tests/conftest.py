"""Fixtures for the analytics tests: the real data sets in ../shared/data, when present."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

# /work/main/alongside/analytics/tests -> /work/main -> /work/shared/data
DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"


def _read(name: str) -> pd.DataFrame:
    path = DATA / name
    if not path.exists():
        pytest.skip(f"real data {name} not found in {DATA.resolve()} (the shared/ folder)")
    return pd.read_csv(path)


@pytest.fixture(scope="session")
def diary() -> pd.DataFrame:
    """Bar-Kalifa, Rafaeli & Sened (2016): 80 couples' daily diaries (couple-wide)."""
    return _read("couples_daily_diary.csv")


@pytest.fixture(scope="session")
def married() -> pd.DataFrame:
    """Acitelli (1997): 148 married couples, pairwise (one row per person)."""
    return _read("married_couples_pairwise.csv")


@pytest.fixture(scope="session")
def diary_path() -> Path:
    path = DATA / "couples_daily_diary.csv"
    if not path.exists():
        pytest.skip(f"real data couples_daily_diary.csv not found in {DATA.resolve()}")
    return path


@pytest.fixture(scope="session")
def married_path() -> Path:
    path = DATA / "married_couples_pairwise.csv"
    if not path.exists():
        pytest.skip(f"real data married_couples_pairwise.csv not found in {DATA.resolve()}")
    return path
