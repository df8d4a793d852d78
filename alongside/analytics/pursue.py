"""Pursue-withdraw: days when one partner reached for closeness while the other stepped back.

Pure numpy/pandas/scipy; a couple page presents what :func:`pursue_withdraw` returns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["pursue_withdraw"]

CLOSER, ABOUT_RIGHT, SPACE = 1.0, 0.0, -1.0
PURSUE_TERMS = ("a_reaches_b_steps_back", "b_reaches_a_steps_back", "either", "carryover")
# Fewest days with such a mismatch, and fewest without, among the first days of the
# consecutive pairs: with fewer, "how often the next day follows" rests on one or two days.
MIN_EVENTS = 3
_COLUMNS = (
    "term",
    "status",
    "n",
    "count",
    "share",
    "ci_low",
    "ci_high",
    "chance_share",
    "estimate",
    "after_mismatch",
    "after_other",
    "level",
    "p_value",
    "direction",
)


def _series(values: object, name: str, n_days: int | None = None) -> np.ndarray:
    series = np.asarray(values, dtype=np.float64)
    if series.ndim != 1:
        raise ValueError(f"{name} must be one daily series (one value per calendar day)")
    if n_days is not None and len(series) != n_days:
        raise ValueError(f"{name} must have {n_days} days like wish_a, not {len(series)}")
    if np.isinf(series).any():
        raise ValueError(f"{name} holds infinite values; use NaN for a day without an answer")
    return series


def _wish(values: object, name: str) -> np.ndarray:
    series = _series(values, name)
    known = series[~np.isnan(series)]
    bad = known[~np.isin(known, (CLOSER, ABOUT_RIGHT, SPACE))]
    if bad.size:
        raise ValueError(
            f"{name} holds {bad[0]:g}; use 1 (more closeness), 0 (about right), "
            "-1 (more space) or NaN"
        )
    return series


def _flag(values: object | None, name: str, n_days: int) -> np.ndarray:
    """An optional yes/no series (1, 0, NaN unknown); all unknown when left out."""
    if values is None:
        return np.full(n_days, np.nan)
    series = _series(values, name, n_days)
    known = series[~np.isnan(series)]
    if not np.isin(known, (0.0, 1.0)).all():
        raise ValueError(f"{name} must hold 1 (yes), 0 (no) or NaN")
    return series


def _wilson(count: int, n: int, level: float) -> tuple[float, float]:
    if n == 0:
        return np.nan, np.nan
    z = stats.norm.ppf((1 + level) / 2)
    p = count / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    low = 0.0 if count == 0 else max(0.0, centre - half)
    return low, 1.0 if count == n else min(1.0, centre + half)


def _newcombe(c1: int, n1: int, c2: int, n2: int, level: float) -> tuple[float, float]:
    """Newcombe's (1998, method 10) interval for a difference of two proportions."""
    p1, p2 = c1 / n1, c2 / n2
    l1, u1 = _wilson(c1, n1, level)
    l2, u2 = _wilson(c2, n2, level)
    d = p1 - p2
    return d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + np.sqrt(
        (u1 - p1) ** 2 + (p2 - l2) ** 2
    )


def _row(term: str, status: str, n: int, **values: float | str) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(_COLUMNS, np.nan)
    row.update({"term": term, "status": status, "n": n, "direction": "none", **values})
    return row


def pursue_withdraw(
    wish_a: object,
    wish_b: object,
    *,
    reached_a: object | None = None,
    reached_b: object | None = None,
    withdrew_a: object | None = None,
    withdrew_b: object | None = None,
    min_days: int = 14,
    min_pairs: int = 21,
    alpha: float = 0.05,
    n_permutations: int = 1999,
    seed: int = 0,
) -> pd.DataFrame:
    """How often one partner reached for closeness while the other stepped back.

    A *reaching day* for a partner is a day they wanted more closeness (``wish == 1``)
    or, when given, reached out (``reached == 1``); a *stepping-back day* is a day they
    wanted more space (``wish == -1``) or, when given, withdrew (``withdrew == 1``). A
    *mismatch* from a to b is a shared day on which a reached and b stepped back. Only
    *shared days* count: days both partners answered something.

    Parameters
    ----------
    wish_a, wish_b : array_like, shape (days,)
        Each partner's "today I wanted" on consecutive calendar days: 1 more closeness,
        0 about right, -1 more space, ``NaN`` no answer (or not shared).
    reached_a, reached_b, withdrew_a, withdrew_b : array_like, optional
        Extra indicators on the same days: 1 yes, 0 no, ``NaN`` unknown.
    min_days : int, default 14
        Fewest shared days before anything is said. Two weeks see every weekday twice;
        with fewer, one unusual week is the whole picture, and the likely range of a
        share is wider than ±25 percentage points.
    min_pairs : int, default 21
        Fewest consecutive pairs of shared days for the carry-over, the same as the
        mood carry-over of :func:`couple_links`; at least ``MIN_EVENTS`` (3) first days
        with a mismatch and 3 without are needed as well.
    alpha : float, default 0.05
        Error rate of the one claim this function makes (that a mismatch carries over,
        or settles, the next day). The shares are descriptions, not claims.
    n_permutations : int, default 1999
        Re-orderings of the shared days for the carry-over test.
    seed : int, default 0
        Seed of those re-orderings, so the same data give the same answer.

    Returns
    -------
    pandas.DataFrame
        Four rows (``term``): ``a_reaches_b_steps_back``, ``b_reaches_a_steps_back`` and
        ``either`` with ``n`` shared days, ``count`` and ``share`` of mismatch days, its
        Wilson interval ``ci_low``/``ci_high`` at ``level`` = ``1 - alpha`` and the
        ``chance_share`` expected if the two partners' days were unrelated (the product
        of their own shares); ``carryover`` with ``n`` consecutive pairs of shared days,
        ``count`` first days with a mismatch, ``after_mismatch`` and ``after_other`` (share of next days with a mismatch after a
        mismatch day and after any other day), ``estimate`` (their difference), its
        Newcombe interval, a permutation ``p_value`` and ``direction``: "carries_over",
        "settles" or "none". ``status`` is "estimated", "not_enough" or (carry-over
        only) "too_few_events".

    Notes
    -----
    The carry-over test asks whether a mismatch today says anything about tomorrow.
    Under the null hypothesis that the order of the shared days carries no
    information, re-ordering them (keeping which calendar days are shared) is exact,
    so the two-sided permutation test of the number of consecutive mismatch pairs
    holds its level for any length and any share of mismatch days. A claim is made
    only when :math:`p < \\alpha`; the interval (an approximation that treats
    overlapping pairs as independent) is shown for its size, not used to decide.

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. *Statistics in Medicine, 17*, 873-890.

    Christensen, A., & Heavey, C. L. (1990). Gender and social structure in the
    demand/withdraw pattern of marital conflict. *Journal of Personality and Social
    Psychology, 59*, 73-81.

    Examples
    --------
    >>> import numpy as np
    >>> from alongside.analytics import pursue_withdraw
    >>> a = np.tile([1, 1, 1, 0, 0, 0, 0], 8)  # three closer days a week
    >>> b = np.tile([-1, -1, -1, 0, 0, 0, 1], 8)  # the same three days, more space
    >>> result = pursue_withdraw(a, b)
    >>> result[["term", "count", "n"]].to_string(index=False)
    '                  term  count  n\\na_reaches_b_steps_back     24 56\\nb_reaches_a_steps_back      0 56\\n                either     24 56\\n             carryover     24 55'
    >>> str(result["direction"].iloc[3])
    'carries_over'
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1, not {alpha}")
    if min_days < 2 or min_pairs < 2:
        raise ValueError("min_days and min_pairs must be at least 2")
    if n_permutations < 99:
        raise ValueError(f"n_permutations must be at least 99, not {n_permutations}")
    a, b = _wish(wish_a, "wish_a"), _wish(wish_b, "wish_b")
    if len(a) != len(b):
        raise ValueError(f"wish_a and wish_b must have the same days, not {len(a)} and {len(b)}")
    n_days = len(a)
    flags = {
        name: _flag(values, name, n_days)
        for name, values in (
            ("reached_a", reached_a),
            ("reached_b", reached_b),
            ("withdrew_a", withdrew_a),
            ("withdrew_b", withdrew_b),
        )
    }
    level = 1 - alpha
    seen_a = ~np.isnan(a) | ~np.isnan(flags["reached_a"]) | ~np.isnan(flags["withdrew_a"])
    seen_b = ~np.isnan(b) | ~np.isnan(flags["reached_b"]) | ~np.isnan(flags["withdrew_b"])
    shared = seen_a & seen_b
    reach_a = (a == CLOSER) | (flags["reached_a"] == 1)
    reach_b = (b == CLOSER) | (flags["reached_b"] == 1)
    back_a = (a == SPACE) | (flags["withdrew_a"] == 1)
    back_b = (b == SPACE) | (flags["withdrew_b"] == 1)
    n = int(shared.sum())
    a_to_b = reach_a & back_b & shared
    b_to_a = reach_b & back_a & shared
    either = a_to_b | b_to_a
    rows = []
    for term, days, chance in (
        ("a_reaches_b_steps_back", a_to_b, (reach_a, back_b)),
        ("b_reaches_a_steps_back", b_to_a, (reach_b, back_a)),
        ("either", either, None),
    ):
        if n < min_days:
            rows.append(_row(term, "not_enough", n, level=level))
            continue
        count = int(days.sum())
        low, high = _wilson(count, n, level)
        if chance is None:
            # Unrelated days: either mismatch, allowing for a day that holds both.
            p1 = (reach_a & shared).sum() / n * (back_b & shared).sum() / n
            p2 = (reach_b & shared).sum() / n * (back_a & shared).sum() / n
            expected = p1 + p2 - p1 * p2
        else:
            expected = (chance[0] & shared).sum() / n * (chance[1] & shared).sum() / n
        rows.append(
            _row(
                term,
                "estimated",
                n,
                count=count,
                share=count / n,
                ci_low=low,
                ci_high=high,
                chance_share=float(expected),
                level=level,
            )
        )
    rows.append(_carry_over(either, shared, min_days, min_pairs, level, n_permutations, seed))
    frame = pd.DataFrame(rows, columns=list(_COLUMNS))
    frame["n"] = frame["n"].astype(int)
    return frame


def _carry_over(
    mismatch: np.ndarray,
    shared: np.ndarray,
    min_days: int,
    min_pairs: int,
    level: float,
    n_permutations: int,
    seed: int,
) -> dict[str, object]:
    positions = np.flatnonzero(shared)
    values = mismatch[positions].astype(np.int8)
    # Pairs of shared days one calendar day apart, as indices into the shared days.
    first = np.flatnonzero(np.diff(positions) == 1)
    pairs = len(first)
    term = "carryover"
    if len(positions) < min_days or pairs < min_pairs:
        return _row(term, "not_enough", pairs, level=level)
    today, tomorrow = values[first], values[first + 1]
    events = int(today.sum())
    if events < MIN_EVENTS or pairs - events < MIN_EVENTS:
        return _row(term, "too_few_events", pairs, level=level, count=events)
    after_mismatch = tomorrow[today == 1].mean()
    after_other = tomorrow[today == 0].mean()
    low, high = _newcombe(
        int(tomorrow[today == 1].sum()),
        events,
        int(tomorrow[today == 0].sum()),
        pairs - events,
        level,
    )
    # Exact under "the order of the days says nothing": re-order the shared days'
    # values, keep which calendar days are shared, count consecutive mismatch pairs.
    rng = np.random.default_rng(seed)
    shuffled = rng.permuted(np.broadcast_to(values, (n_permutations, len(values))), axis=1)
    null = (shuffled[:, first] & shuffled[:, first + 1]).sum(axis=1)
    observed = int((today & tomorrow).sum())
    upper = (1 + (null >= observed).sum()) / (1 + n_permutations)
    lower = (1 + (null <= observed).sum()) / (1 + n_permutations)
    p_value = min(1.0, 2 * min(upper, lower))
    estimate = float(after_mismatch - after_other)
    direction = "none"
    if p_value < 1 - level:
        direction = "carries_over" if upper < lower else "settles"
    return _row(
        term,
        "estimated",
        pairs,
        count=events,
        estimate=estimate,
        after_mismatch=float(after_mismatch),
        after_other=float(after_other),
        ci_low=low,
        ci_high=high,
        level=level,
        p_value=p_value,
        direction=direction,
    )
