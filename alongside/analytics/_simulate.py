"""Simulated couples' diaries with known coefficients (for examples, tests, benchmarks)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

_BURN_IN = 20


def _rng(random_state: int | np.random.Generator | None) -> np.random.Generator:
    if isinstance(random_state, np.random.Generator):
        return random_state
    return np.random.default_rng(random_state)


def simulate_grid(
    n_couples: int,
    n_days: int,
    *,
    intercept: tuple[float, float] = (1.0, 1.0),
    inertia: tuple[float, float] = (0.3, 0.3),
    carryover: tuple[float, float] = (0.1, 0.1),
    residual_sd: tuple[float, float] = (1.0, 1.0),
    residual_correlation: float = 0.3,
    intercept_sd: float = 0.0,
    slope_sd: float = 0.0,
    missing: float = 0.0,
    random_state: int | np.random.Generator | None = None,
    dtype: npt.DTypeLike = np.float64,
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate a VAR(1) per couple; return (a, b) grids of shape (couples, days).

    ``carryover`` is (b -> a, a -> b). Couple-specific intercepts and slopes deviate
    from the given values by independent normal draws with ``intercept_sd`` and
    ``slope_sd``. A fraction ``missing`` of days is dropped for both partners.
    """
    rng = _rng(random_state)
    dtype = np.dtype(dtype)
    shape = (n_couples,)

    def coef(value: float, sd: float) -> np.ndarray:
        base = np.full(shape, value, dtype=dtype)
        if sd > 0:
            base += rng.normal(0.0, sd, shape).astype(dtype)
        return base

    c_a, c_b = coef(intercept[0], intercept_sd), coef(intercept[1], intercept_sd)
    p_aa, p_bb = coef(inertia[0], slope_sd), coef(inertia[1], slope_sd)
    p_ab, p_ba = coef(carryover[0], slope_sd), coef(carryover[1], slope_sd)
    # Start every couple at its own long-run mean, then burn in.
    det = (1 - p_aa) * (1 - p_bb) - p_ab * p_ba
    a = ((1 - p_bb) * c_a + p_ab * c_b) / det
    b = ((1 - p_aa) * c_b + p_ba * c_a) / det
    rho = residual_correlation
    draw = np.float32 if dtype == np.float32 else np.float64
    out_a = np.empty((n_couples, n_days), dtype=dtype)
    out_b = np.empty((n_couples, n_days), dtype=dtype)
    for step in range(-_BURN_IN, n_days):
        e1 = rng.standard_normal(shape, dtype=draw)
        e2 = rng.standard_normal(shape, dtype=draw)
        e_a = residual_sd[0] * e1
        e_b = residual_sd[1] * (rho * e1 + np.sqrt(1 - rho * rho) * e2)
        a, b = c_a + p_aa * a + p_ab * b + e_a, c_b + p_bb * b + p_ba * a + e_b
        if step >= 0:
            out_a[:, step] = a
            out_b[:, step] = b
    if missing > 0:
        drop = rng.random((n_couples, n_days)) < missing
        out_a[drop] = np.nan
        out_b[drop] = np.nan
    return out_a, out_b


def simulate_diary(
    n_couples: int = 50,
    n_days: int = 30,
    *,
    intercept: tuple[float, float] = (1.0, 1.0),
    inertia: tuple[float, float] = (0.3, 0.3),
    carryover: tuple[float, float] = (0.1, 0.1),
    residual_sd: tuple[float, float] = (1.0, 1.0),
    residual_correlation: float = 0.3,
    intercept_sd: float = 0.0,
    slope_sd: float = 0.0,
    missing: float = 0.0,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Simulate couples' daily diaries from a VAR(1) with known coefficients.

    Each couple's two partners (``a`` and ``b``) follow

    .. math::

        a_t = c_a + \\phi_{aa} a_{t-1} + \\phi_{ab} b_{t-1} + e_{a,t}, \\qquad
        b_t = c_b + \\phi_{bb} b_{t-1} + \\phi_{ba} a_{t-1} + e_{b,t},

    with residuals of standard deviations ``residual_sd`` correlated
    ``residual_correlation`` within a day. Useful for examples, teaching, and checking
    that the estimators recover what was put in.

    Parameters
    ----------
    n_couples, n_days : int
        How many couples, and how many diary days each.
    intercept : (float, float)
        :math:`c_a, c_b`.
    inertia : (float, float)
        :math:`\\phi_{aa}, \\phi_{bb}` (each partner's own carry-over).
    carryover : (float, float)
        :math:`\\phi_{ab}` (b's yesterday on a's today) and :math:`\\phi_{ba}`.
    residual_sd : (float, float)
        Standard deviations of :math:`e_a, e_b`.
    residual_correlation : float
        Same-day correlation of :math:`e_a, e_b` (synchrony).
    intercept_sd, slope_sd : float
        Standard deviations of couple-specific deviations of the intercepts and of the
        four slopes (random effects); 0 gives every couple the same coefficients.
    missing : float
        Fraction of days dropped at random (the row disappears), so that some lags
        are broken.
    random_state : int, numpy.random.Generator or None
        Seed for reproducible data.

    Returns
    -------
    pandas.DataFrame
        Couple-wide rows: ``dyad``, ``day``, ``a``, ``b``.

    Examples
    --------
    >>> from alongside.analytics import simulate_diary
    >>> diary = simulate_diary(n_couples=2, n_days=3, random_state=1)
    >>> list(diary.columns), len(diary)
    (['dyad', 'day', 'a', 'b'], 6)
    """
    grid_a, grid_b = simulate_grid(
        n_couples,
        n_days,
        intercept=intercept,
        inertia=inertia,
        carryover=carryover,
        residual_sd=residual_sd,
        residual_correlation=residual_correlation,
        intercept_sd=intercept_sd,
        slope_sd=slope_sd,
        missing=missing,
        random_state=random_state,
    )
    frame = pd.DataFrame(
        {
            "dyad": np.repeat(np.arange(1, n_couples + 1), n_days),
            "day": np.tile(np.arange(n_days), n_couples),
            "a": grid_a.ravel(),
            "b": grid_b.ravel(),
        }
    )
    return frame[frame["a"].notna()].reset_index(drop=True)
