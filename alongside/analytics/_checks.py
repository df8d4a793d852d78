"""Input checks shared by the analytics functions.

Every check raises ``ValueError`` with a message that names the column, dyad or value
that is wrong, so that a researcher (or the command line) can fix the input at once.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence

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


def require_finite(values: np.ndarray, column: str) -> None:
    """Raise when a column holds infinite values.

    Missing values (NaN, an empty cell) are left to each analysis, which drops them as
    documented. An infinity is not a missing answer but a broken one (a division by
    zero, an export error); dropping it silently would change the sample without
    saying so, and keeping it would break every sum. So it is an error that names the
    column, how many and where.
    """
    infinite = np.isinf(values)
    if infinite.any():
        count = int(infinite.sum())
        position = int(np.flatnonzero(infinite)[0])
        noun = "value" if count == 1 else "values"
        raise ValueError(
            f"column {column!r} has {count} infinite {noun} (the first in row {position}: "
            f"{show(values[position])}); leave the cell empty if it is missing"
        )


def require_ranges(
    ranges: Mapping[str, tuple[float, float]] | None, used: Sequence[str]
) -> dict[str, tuple[float, float]]:
    """Check declared ranges ``{column: (low, high)}`` against the columns analysed."""
    if ranges is None:
        return {}
    if not isinstance(ranges, Mapping):
        raise ValueError(
            "ranges must map column names to (low, high), for example {'close': (0, 100)}, "
            f"not {type(ranges).__name__}"
        )
    checked: dict[str, tuple[float, float]] = {}
    for column, bounds in ranges.items():
        if column not in used:
            names = ", ".join(repr(c) for c in used)
            raise ValueError(
                f"a range is declared for column {column!r}, which this analysis does not "
                f"use (it uses {names})"
            )
        try:
            low, high = (float(v) for v in bounds)
        except (TypeError, ValueError):
            raise ValueError(
                f"the range of column {column!r} must be two numbers (low, high), not {bounds!r}"
            ) from None
        if not (np.isfinite(low) and np.isfinite(high) and low <= high):
            raise ValueError(
                f"the range of column {column!r} must go from a lower to a higher number, "
                f"not {show(low)} to {show(high)}"
            )
        checked[column] = (low, high)
    return checked


def require_in_range(values: np.ndarray, column: str, low: float, high: float) -> None:
    """Raise when values fall outside a column's declared range.

    Codes such as 99 for "no answer" on a 1-7 scale look like numbers to every
    estimator and pull the estimates wherever they lie: a value the researcher has
    declared impossible is refused, not analysed, and not dropped behind their back.
    """
    with np.errstate(invalid="ignore"):
        outside = (values < low) | (values > high)
    if outside.any():
        count = int(outside.sum())
        position = int(np.flatnonzero(outside)[0])
        noun = "value" if count == 1 else "values"
        raise ValueError(
            f"column {column!r} has {count} {noun} outside its declared range "
            f"{show(low)} to {show(high)} (the first in row {position}: "
            f"{show(values[position])}); recode codes such as 99 as empty cells"
        )


def require_variation(values: np.ndarray, column: str) -> None:
    """Raise when every non-missing value of an outcome is the same.

    A constant outcome has no variance to model: a likelihood fit then runs into a
    zero residual variance and returns p = 0 and a correlation at its bound, which look
    like results and are not.
    """
    finite = values[np.isfinite(values)]
    if len(finite) > 0 and bool(np.all(finite == finite[0])):
        raise ValueError(
            f"column {column!r} has the same value ({show(finite[0])}) in every row used; "
            "a constant outcome has no variance to model"
        )


def attach_warnings(result: pd.DataFrame, messages: Sequence[str], *, emit: bool) -> None:
    """Record what makes a fit doubtful in ``result.attrs["warnings"]`` (a tuple of
    strings, empty for a clean fit), and, with ``emit``, also as a ``RuntimeWarning``
    (as lme4 prints "boundary (singular) fit"), so that someone who never looks at
    ``attrs`` still sees it."""
    result.attrs["warnings"] = tuple(messages)
    if emit:
        for message in messages:
            # stacklevel 3: the caller of the public function, not this helper.
            warnings.warn(message, RuntimeWarning, stacklevel=3)
