"""What one couple's two daily series may honestly say: same-day link and carry-over.

Pure numpy/pandas/scipy; the couple page and the therapist's page present what these
functions return and compute nothing of their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from . import networks_from_arrays  # through the package, which keeps its names right
from ._checks import require_level

__all__ = ["couple_links", "same_day_link", "scale_share"]

COUPLE_TERMS = ("same_day", "carryover_a_to_b", "carryover_b_to_a")
WEEK = 7
# Fewest shifted pseudo couples for a chance band; with fewer the band says little.
MIN_BASELINE = 4
_COLUMNS = (
    "couple",
    "term",
    "status",
    "n",
    "estimate",
    "ci_low",
    "ci_high",
    "level",
    "p_value",
    "n_eff",
    "baseline_low",
    "baseline_high",
    "n_baseline",
    "excludes_zero",
    "beyond_baseline",
    "clear",
    "direction",
)


def _grid(values: object, name: str) -> np.ndarray:
    grid = np.asarray(values, dtype=np.float64)
    if grid.ndim == 1:
        grid = grid[None, :]
    if grid.ndim != 2:
        raise ValueError(f"{name} must be one series or a (couples x days) array")
    if np.isinf(grid).any():
        raise ValueError(f"{name} holds infinite values; use NaN for a day without a rating")
    return grid


def _pair(a: object, b: object) -> tuple[np.ndarray, np.ndarray]:
    grid_a, grid_b = _grid(a, "a"), _grid(b, "b")
    if grid_a.shape != grid_b.shape:
        raise ValueError(f"a and b must have the same shape, not {grid_a.shape} and {grid_b.shape}")
    return grid_a, grid_b


def _correlation(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise Pearson r over the days both have a value, and how many days that is."""
    both = ~np.isnan(a) & ~np.isnan(b)
    n = both.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_a = np.where(both, a, 0).sum(axis=1) / n
        mean_b = np.where(both, b, 0).sum(axis=1) / n
        da = np.where(both, a - mean_a[:, None], 0)
        db = np.where(both, b - mean_b[:, None], 0)
        ss_a, ss_b = (da**2).sum(axis=1), (db**2).sum(axis=1)
        r = (da * db).sum(axis=1) / np.sqrt(ss_a * ss_b)
    # A constant series has no correlation (not 0, not ±1): leave it NaN.
    r[(ss_a <= 1e-12) | (ss_b <= 1e-12)] = np.nan
    return np.clip(r, -1.0, 1.0), n


def _lag1(x: np.ndarray) -> np.ndarray:
    """Each row's lag-1 autocorrelation over its consecutive days (NaN breaks a pair)."""
    r, _ = _correlation(x[:, :-1], x[:, 1:])
    return r


def _week_shifts(n_days: int, min_overlap: int) -> np.ndarray:
    """Whole-week shifts, both ways, that still leave ``min_overlap`` days side by side.

    Only multiples of 7 keep Mondays with Mondays, so a rhythm both partners share
    (better weekends, harder Mondays) shows up in the baseline too and is not taken
    for one partner's mood moving with the other's.
    """
    weeks = np.arange(WEEK, n_days - min_overlap + 1, WEEK)
    return np.concatenate([-weeks[::-1], weeks]).astype(int)


def _shift(values: np.ndarray, by: int) -> np.ndarray:
    """``values`` moved ``by`` days along each row (not wrapped round), NaN where empty.

    Wrapping round would pair the last days with the first ones, which in a 90-day
    window are not whole weeks apart.
    """
    out = np.full_like(values, np.nan)
    if by > 0:
        out[:, by:] = values[:, :-by]
    elif by < 0:
        out[:, :by] = values[:, -by:]
    else:
        out[:] = values
    return out


def _band(values: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The central ``level`` share of each row's pseudo-couple values (NaN: left out)."""
    count = (~np.isnan(values)).sum(axis=1)
    low = np.full(len(values), np.nan)
    high = np.full(len(values), np.nan)
    enough = count >= MIN_BASELINE
    if enough.any():
        tail = (1 - level) / 2
        low[enough] = np.nanquantile(values[enough], tail, axis=1)
        high[enough] = np.nanquantile(values[enough], 1 - tail, axis=1)
    return low, high, count


def _decide(frame: pd.DataFrame) -> pd.DataFrame:
    """A claim is clear when the interval leaves out zero *and* the estimate lies
    beyond the pseudo couples' band on that side (when there is a band)."""
    estimated = frame["status"] == "estimated"
    excludes = estimated & ((frame["ci_low"] > 0) | (frame["ci_high"] < 0))
    has_band = frame["baseline_low"].notna()
    beyond = (frame["estimate"] > frame["baseline_high"]) | (
        frame["estimate"] < frame["baseline_low"]
    )
    frame["excludes_zero"] = excludes
    # Empty (not False) without a band: nothing was compared.
    compared = (has_band & estimated).to_numpy()
    frame["beyond_baseline"] = pd.array(
        [bool(v) if c else None for v, c in zip(beyond, compared, strict=True)], dtype="boolean"
    )
    clear = excludes & (~has_band | beyond)
    frame["clear"] = clear
    frame["direction"] = np.where(
        clear, np.where(frame["estimate"] > 0, "positive", "negative"), "none"
    )
    return frame


def same_day_link(
    a: object,
    b: object,
    *,
    min_days: int = 14,
    level: float = 0.95,
) -> pd.DataFrame:
    """How much two partners' daily moods move together on the same day, honestly.

    The plain correlation of both partners' values over the days both rated, with an
    interval and test that allow for each partner's mood carrying over from one day to
    the next, and a chance band from the same two people's days re-paired whole weeks
    apart.

    Parameters
    ----------
    a, b : array_like, shape (days,) or (couples, days)
        Each partner's daily values on consecutive calendar days, ``NaN`` where there
        is none (not rated, or not shared).
    min_days : int, default 14
        Fewest days with both values; fewer gives ``status = "not enough"``.
    level : float, default 0.95
        Level of the interval *and* of the chance band.

    Returns
    -------
    pandas.DataFrame
        One row per couple: ``couple``, ``term`` (``"same_day"``), ``status``
        (``"estimated"``, ``"not enough"`` or ``"no variation"``), ``n`` (days both
        rated), ``estimate`` (Pearson *r*), ``ci_low``, ``ci_high``, ``level``,
        ``p_value`` (two-sided), ``n_eff`` (effective number of days),
        ``baseline_low``, ``baseline_high`` (the band), ``n_baseline`` (shifted pseudo
        couples), ``excludes_zero``, ``beyond_baseline``, ``clear`` and ``direction``
        (``"positive"``, ``"negative"`` or ``"none"``).

    Notes
    -----
    Two moods that each carry over from day to day look correlated far more often than
    :math:`n` independent days would (Yule 1926): with lag-1 autocorrelations of 0.8 a
    plain Fisher-*z* interval calls one in three pairs of *independent* series a clear
    link. The test therefore uses the effective sample size of Bartlett (1935) and
    Bayley & Hammersley (1946) for two AR(1) series,

    .. math:: n_\\text{eff} = n \\, \\frac{1 - \\hat\\phi_a \\hat\\phi_b}{1 + \\hat\\phi_a \\hat\\phi_b},

    with :math:`\\hat\\phi` each partner's lag-1 autocorrelation over their consecutive
    days (a negative product is taken as 0, so :math:`n_\\text{eff} \\le n`), and the
    interval :math:`\\tanh(\\operatorname{artanh} r \\pm z_{(1+\\text{level})/2} /
    \\sqrt{n_\\text{eff} - 3})`; the test is two-sided. The chance band is the central
    ``level`` share of the same correlation with one partner's days moved by whole
    weeks (7, 14, ... days, both ways, not wrapped round, keeping ``min_days`` days side
    by side); it needs at least 4 such pseudo couples. ``clear`` needs the interval to
    leave out 0 and *r* to lie beyond the band on that side: a shared weekly rhythm then
    does not count as moving together. Simulated independent AR(1) partners
    (:math:`\\phi` up to 0.8, 30 to 90 days) get a clear link at most at the nominal
    rate (``alongside/analytics/tests/test_couple.py``).

    References
    ----------
    Bartlett, M. S. (1935). Some aspects of the time-correlation problem in regard to
    tests of significance. *Journal of the Royal Statistical Society, 98*, 536-543.

    Bayley, G. V., & Hammersley, J. M. (1946). The "effective" number of independent
    observations in an autocorrelated time series. *Supplement to the Journal of the
    Royal Statistical Society, 8*, 184-197.

    Examples
    --------
    >>> import numpy as np
    >>> from alongside.analytics import same_day_link
    >>> rng = np.random.default_rng(4)
    >>> shared = rng.normal(size=60)
    >>> a, b = shared + rng.normal(size=60), shared + rng.normal(size=60)
    >>> row = same_day_link(a, b).iloc[0]
    >>> str(row["direction"]), round(float(row["estimate"]), 2), int(row["n"])
    ('positive', 0.46, 60)
    """
    require_level(level)
    if min_days < 4:
        raise ValueError(f"min_days must be at least 4, not {min_days}")
    grid_a, grid_b = _pair(a, b)
    r, n = _correlation(grid_a, grid_b)
    phi = np.clip(np.nan_to_num(_lag1(grid_a) * _lag1(grid_b)), 0.0, 0.99)
    n_eff = np.maximum(n * (1 - phi) / (1 + phi), 4.0)
    se = 1 / np.sqrt(n_eff - 3)
    z = stats.norm.ppf((1 + level) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        fisher = np.arctanh(np.clip(r, -0.999999, 0.999999))
        p = 2 * stats.norm.sf(np.abs(fisher) / se)
    status = np.where(
        n < min_days, "not enough", np.where(np.isnan(r), "no variation", "estimated")
    )
    ok = status == "estimated"
    shifts = _week_shifts(grid_a.shape[1], min_days)
    shifted = np.full((len(r), len(shifts)), np.nan)
    for k, by in enumerate(shifts):
        value, days = _correlation(grid_a, _shift(grid_b, by))
        shifted[:, k] = np.where(days >= min_days, value, np.nan)
    low, high, count = _band(shifted, level)
    frame = pd.DataFrame(
        {
            "couple": np.arange(len(r)),
            "term": "same_day",
            "status": status,
            "n": n.astype(np.int64),
            "estimate": np.where(ok, r, np.nan),
            "ci_low": np.where(ok, np.tanh(fisher - z * se), np.nan),
            "ci_high": np.where(ok, np.tanh(fisher + z * se), np.nan),
            "level": level,
            "p_value": np.where(ok, p, np.nan),
            "n_eff": np.where(ok, n_eff, np.nan),
            "baseline_low": np.where(ok, low, np.nan),
            "baseline_high": np.where(ok, high, np.nan),
            "n_baseline": count.astype(np.int64),
        }
    )
    return _decide(frame)[list(_COLUMNS)]


def _carry_over(a: np.ndarray, b: np.ndarray, *, min_pairs: int, level: float) -> pd.DataFrame:
    """Both carry-over terms of the VAR(1), with a whole-week-shifted chance band."""
    fit = networks_from_arrays(a, b, min_pairs=min_pairs, ci=level)
    # Least-squares cross-lag tests are too eager in short, persistent series (the
    # own-lag estimate is biased towards 0, Hurwicz 1950): with phi = 0.8 over 30 days
    # independent partners got a "clear" carry-over twice as often as the nominal
    # rate. Widening the standard error by the fourth root of the Bartlett factor
    # (1 + phi_a phi_b) / (1 - phi_a phi_b) brings it back under the nominal rate for
    # phi up to 0.9 and 30 to 90 days while keeping most of the power; the factor is
    # calibrated by simulation (tests/test_couple.py), not taken from the literature.
    product = np.clip(np.nan_to_num(_lag1(a) * _lag1(b)), 0.0, 0.99)
    widen = ((1 + product) / (1 - product)) ** 0.25
    shifts = _week_shifts(a.shape[1], min_pairs + 1)
    couples = len(a)
    if len(shifts):
        moved = np.concatenate([_shift(b, by) for by in shifts])
        chance = networks_from_arrays(np.tile(a, (len(shifts), 1)), moved, min_pairs=min_pairs)
    rows = []
    for term in ("carryover_a_to_b", "carryover_b_to_a"):
        real = fit[fit["term"] == term]
        ok = (real["status"] == "estimated").to_numpy()
        estimate = real["estimate"].to_numpy(float)
        se = real["std_error"].to_numpy(float) * widen
        df = real["df"].to_numpy(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            half = stats.t.ppf((1 + level) / 2, df) * se
            p = 2 * stats.t.sf(np.abs(estimate / se), df)
        if len(shifts):
            pseudo = chance[chance["term"] == term]
            values = np.where(
                pseudo["status"] == "estimated", pseudo["estimate"].to_numpy(float), np.nan
            )
            # rows of ``chance`` run shift by shift, each over every couple
            low, high, count = _band(values.reshape(len(shifts), couples).T, level)
        else:
            low = high = np.full(couples, np.nan)
            count = np.zeros(couples, dtype=np.int64)
        rows.append(
            pd.DataFrame(
                {
                    "couple": np.arange(couples),
                    "term": term,
                    "status": np.where(ok, "estimated", "not enough"),
                    "n": real["n_pairs"].to_numpy(np.int64),
                    "estimate": np.where(ok, estimate, np.nan),
                    "ci_low": np.where(ok, estimate - half, np.nan),
                    "ci_high": np.where(ok, estimate + half, np.nan),
                    "level": level,
                    "p_value": np.where(ok, p, np.nan),
                    "n_eff": np.nan,
                    "baseline_low": np.where(ok, low, np.nan),
                    "baseline_high": np.where(ok, high, np.nan),
                    "n_baseline": np.asarray(count, dtype=np.int64),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def couple_links(
    a: object,
    b: object,
    *,
    min_days: int = 14,
    min_pairs: int = 21,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Everything a couple page may claim about two daily series, as one family.

    Three directional claims per couple: the same-day link (:func:`same_day_link`) and
    the carry-over from each partner to the other's next day (the cross-lagged terms of
    the VAR(1) in :func:`networks_from_arrays`, Sels et al. 2016). Each is tested at
    ``alpha / 3`` and shown with an interval and a chance band at level
    ``1 - alpha / 3``, so that the chance of the page claiming *anything* for two
    partners who do not affect each other stays at or below ``alpha``.

    Parameters
    ----------
    a, b : array_like, shape (days,) or (couples, days)
        Each partner's daily values on consecutive calendar days, ``NaN`` where there
        is none.
    min_days : int, default 14
        Fewest days both rated for the same-day link.
    min_pairs : int, default 21
        Fewest consecutive pairs of days for the carry-over.
    alpha : float, default 0.05
        Family-wise error rate of the page's claims.

    Returns
    -------
    pandas.DataFrame
        Three rows per couple (``term`` ``same_day``, ``carryover_a_to_b``,
        ``carryover_b_to_a``) with the columns of :func:`same_day_link`; for the
        carry-over, ``n`` counts consecutive pairs and ``n_eff`` is empty (the VAR(1)
        already allows for each partner's own carry-over).

    Notes
    -----
    Bonferroni's correction (level :math:`1 - \\alpha/m`, :math:`m = 3`) rather than
    Holm's step-down: Holm claims slightly more often but has no intervals that agree
    with its claims, and a page whose pictures and words disagree is worse than one
    that is a little cautious. Carry-over is the least-squares cross-lag of the VAR(1)
    with its standard error widened by
    :math:`((1 + \\hat\\phi_a \\hat\\phi_b) / (1 - \\hat\\phi_a \\hat\\phi_b))^{1/4}`
    (calibrated by simulation: short, persistent series make the plain test too
    eager), and the whole-week chance band of :func:`same_day_link` (it needs
    ``min_pairs + 1`` days side by side after a shift).

    References
    ----------
    Hurwicz, L. (1950). Least-squares bias in time series. In T. C. Koopmans (Ed.),
    *Statistical inference in dynamic economic models* (pp. 365-383). Wiley.

    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    *Scandinavian Journal of Statistics, 6*, 65-70.

    Sels, L., Ceulemans, E., Bulteel, K., & Kuppens, P. (2016). Emotional
    interdependence and well-being in close relationships. *Frontiers in
    Psychology, 7*, 283.

    Examples
    --------
    >>> import numpy as np
    >>> from alongside.analytics import couple_links
    >>> rng = np.random.default_rng(4)
    >>> shared = rng.normal(size=60)
    >>> a, b = shared + rng.normal(size=60), shared + rng.normal(size=60)
    >>> links = couple_links(a, b)
    >>> links[["term", "direction"]].to_string(index=False)
    '            term direction\\n        same_day  positive\\ncarryover_a_to_b      none\\ncarryover_b_to_a      none'
    >>> round(float(links["level"].iloc[0]), 4)
    0.9833
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1, not {alpha}")
    level = 1 - alpha / len(COUPLE_TERMS)
    grid_a, grid_b = _pair(a, b)
    same = same_day_link(grid_a, grid_b, min_days=min_days, level=level)
    carry = _decide(_carry_over(grid_a, grid_b, min_pairs=min_pairs, level=level))
    order = {term: k for k, term in enumerate(COUPLE_TERMS)}
    result = pd.concat([same, carry[list(_COLUMNS)]], ignore_index=True)
    result = result.sort_values(
        ["couple", "term"], key=lambda c: c.map(order) if c.name == "term" else c, kind="stable"
    )
    return result.reset_index(drop=True)


def scale_share(
    ratings: object,
    *,
    low: float,
    high: float,
    min_ratings: int = 7,
    level: float = 0.95,
) -> pd.DataFrame:
    """Where one person's ratings sit on their scale, as a share from 0 to 100.

    Parameters
    ----------
    ratings : array_like
        One person's ratings (``NaN`` or missing days left out).
    low, high : float
        The ends of the rating scale (e.g. 0 and 4).
    min_ratings : int, default 7
        Fewer ratings give ``status = "not enough"`` and no share.
    level : float, default 0.95
        Level of the interval.

    Returns
    -------
    pandas.DataFrame
        One row: ``n``, ``status``, ``share``, ``ci_low``, ``ci_high`` (percent of
        the scale; the interval clipped to 0-100) and ``level``.

    Notes
    -----
    The mean rating :math:`\\bar x`, as :math:`100 (\\bar x - \\text{low}) /
    (\\text{high} - \\text{low})`, with the *t* interval :math:`\\bar x \\pm
    t_{n-1} s / \\sqrt n` on the same scale. Days one after another are not
    independent, so the interval is a rough guide, not a test.

    Examples
    --------
    >>> from alongside.analytics import scale_share
    >>> scale_share([3, 3, 4, 2, 3, 3, 4, 3], low=0, high=4)[["n", "share"]].iloc[0].tolist()
    [8.0, 78.125]
    """
    require_level(level)
    if not high > low:
        raise ValueError(f"high ({high}) must be above low ({low})")
    values = np.asarray(ratings, dtype=np.float64).ravel()
    values = values[~np.isnan(values)]
    n = len(values)
    share = ci_low = ci_high = np.nan
    status = "not enough"
    if n >= max(min_ratings, 2):
        status = "estimated"
        half = stats.t.ppf((1 + level) / 2, n - 1) * values.std(ddof=1) / np.sqrt(n)
        scale = 100 / (high - low)
        mean = values.mean()
        share = (mean - low) * scale
        ci_low = max(0.0, (mean - half - low) * scale)
        ci_high = min(100.0, (mean + half - low) * scale)
    return pd.DataFrame(
        {
            "n": [n],
            "status": [status],
            "share": [share],
            "ci_low": [ci_low],
            "ci_high": [ci_high],
            "level": [level],
        }
    )
