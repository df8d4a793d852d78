"""Input checks shared by the analytics functions.

Every check raises ``ValueError`` with a message that names the column, dyad or value
that is wrong, so that a researcher (or the command line) can fix the input at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd


def show(value: object) -> str:
    """A value as a person would write it: ``3`` for the id 3.0, quotes around text."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return repr(value)
    return str(value)


def require_frame(data: object) -> pd.DataFrame:
    """Return ``data`` as a DataFrame or raise if it is not one."""
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    if len(data) == 0:
        raise ValueError("data has no rows")
    return data


def require_columns(data: pd.DataFrame, columns: Iterable[str | None]) -> None:
    """Raise when any named column is missing from ``data``."""
    wanted = [c for c in columns if c is not None]
    missing = [c for c in wanted if c not in data.columns]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        available = ", ".join(repr(c) for c in list(data.columns)[:12])
        more = ", ..." if len(data.columns) > 12 else ""
        noun = "column" if len(missing) == 1 else "columns"
        raise ValueError(f"missing {noun} {names}; the data have {available}{more}")
    duplicated = {c for c in wanted if wanted.count(c) > 1}
    if duplicated:
        names = ", ".join(sorted(repr(c) for c in duplicated))
        raise ValueError(f"column {names} is used for two different roles")


def numeric_values(data: pd.DataFrame, column: str) -> np.ndarray:
    """Return a column as a float array, raising if it holds non-numeric values."""
    series = data[column]
    if pd.api.types.is_bool_dtype(series.dtype) or not pd.api.types.is_numeric_dtype(series.dtype):
        converted = pd.to_numeric(series, errors="coerce")
        bad = converted.isna() & series.notna()
        if bad.any() or pd.api.types.is_bool_dtype(series.dtype):
            position = int(np.flatnonzero(bad.to_numpy())[0]) if bad.any() else 0
            value = series.iloc[position]
            raise ValueError(
                f"column {column!r} must be numeric, but row {position} holds {show(value)}"
            )
        series = converted
    values = series.to_numpy()
    if values.dtype == np.float32:
        return values
    return values.astype(np.float64, copy=False)


def require_ids(data: pd.DataFrame, column: str) -> None:
    """Raise when an identifier column has missing values."""
    missing = data[column].isna().to_numpy()
    if missing.any():
        position = int(np.flatnonzero(missing)[0])
        raise ValueError(f"column {column!r} has a missing value in row {position}")


def time_values(data: pd.DataFrame, column: str) -> np.ndarray:
    """Return a time column as int64 occasion numbers.

    Integers (or whole-number floats) are used as they are; dates become day numbers, so
    that "consecutive" means "one day later".
    """
    series = data[column]
    if series.isna().any():
        position = int(np.flatnonzero(series.isna().to_numpy())[0])
        raise ValueError(f"column {column!r} has a missing time in row {position}")
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        days = series.to_numpy().astype("datetime64[D]").astype(np.int64)
        return days
    if pd.api.types.is_integer_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy().astype(np.int64, copy=False)
    values = numeric_values(data, column).astype(np.float64, copy=False)
    whole = np.floor(values)
    if not np.array_equal(whole, values):
        position = int(np.flatnonzero(whole != values)[0])
        raise ValueError(
            f"column {column!r} must hold whole occasion numbers (day or prompt index) or "
            f"dates, but row {position} holds {show(values[position])}"
        )
    return whole.astype(np.int64)


def require_choice(name: str, value: str, choices: Sequence[str]) -> None:
    """Raise when a keyword option is not one of ``choices``."""
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}, not {value!r}")


def require_level(ci: float) -> None:
    """Raise when a confidence level is outside (0, 1)."""
    if not 0.0 < float(ci) < 1.0:
        raise ValueError(f"ci must be between 0 and 1 (for example 0.95), not {ci!r}")
