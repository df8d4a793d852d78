"""Per-couple emotional networks: VAR(1), synchrony and the pseudo-couple baseline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special

from ._checks import attach_warnings, require_level
from ._series import CoupleSeries, LagMoments, couple_series, in_blocks, lag_moments
from ._simulate import _rng

__all__ = [
    "networks",
    "networks_from_arrays",
    "pseudo_couple_baseline",
    "synchrony",
]

NETWORK_TERMS = (
    "intercept_a",
    "intercept_b",
    "inertia_a",
    "inertia_b",
    "carryover_b_to_a",
    "carryover_a_to_b",
    "synchrony",
)
SYNCHRONY_TERMS = ("concurrent_correlation", "synchrony")
_TOLERANCE = 1e-10
_PSEUDO_CELLS = 4_000_000
_SOLVE_BLOCK = 65_536
_STATISTICS = ("estimate", "std_error", "statistic", "df", "p_value", "ci_low", "ci_high")

ESTIMATED = "estimated"
NOT_ESTIMATED = "not estimated"


@dataclass(frozen=True)
class _Fit:
    """Per-couple results: arrays of shape (couples, terms) plus couple-level flags.

    ``reason`` says in words why a couple was not estimated (empty when it was).
    """

    estimate: np.ndarray
    std_error: np.ndarray
    statistic: np.ndarray
    df: np.ndarray
    p_value: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    n: np.ndarray
    ok: np.ndarray
    reason: pd.Categorical
    block: np.ndarray | None = None  # (couples, terms, statistics) holding the arrays above


def _check_min_pairs(min_pairs: int) -> int:
    if isinstance(min_pairs, bool) or not isinstance(min_pairs, int | np.integer):
        raise ValueError(f"min_pairs must be a whole number, not {min_pairs!r}")
    if min_pairs < 6:
        raise ValueError(
            f"min_pairs must be at least 6 (three coefficients per equation plus a "
            f"residual correlation need that many pairs), not {min_pairs}"
        )
    return int(min_pairs)


def _two_sided_p(t: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Two-sided p-value of t statistics (scipy's ufunc: no per-call overhead)."""
    return 2.0 * special.stdtr(df, -np.abs(t))


def _t_quantile(q: float, df: np.ndarray) -> np.ndarray:
    """Student-t quantiles, computed once per distinct df (couples mostly share one)."""
    flat = np.asarray(df, dtype=np.float64).ravel()
    valid = np.isfinite(flat) & (flat > 0)
    out = np.full(flat.shape, np.nan)
    distinct, inverse = np.unique(flat[valid], return_inverse=True)
    out[valid] = special.stdtrit(distinct, q)[inverse]
    return out.reshape(np.shape(df))


def _correlation_rows(
    r: np.ndarray, n: np.ndarray, covariates: int, level: float
) -> tuple[np.ndarray, ...]:
    """Standard error, t, df, p and Fisher-z interval of (partial) correlations."""
    df = n - 2.0 - covariates
    with np.errstate(all="ignore"):
        se = np.sqrt((1.0 - r * r) / df)
        t = r / se
        p = _two_sided_p(t, df)
        half = special.ndtri(0.5 + level / 2.0) / np.sqrt(n - 3.0 - covariates)
        z = np.arctanh(np.clip(r, -1.0, 1.0))
        low, high = np.tanh(z - half), np.tanh(z + half)
    return se, t, df, p, low, high


# Why a couple was not estimated, by code (0: it was).
_REASONS = (
    "",
    "",  # too few pairs: the text gives the count
    "neither partner's scores vary",
    "partner a's scores do not vary",
    "partner b's scores do not vary",
    "the partners' scores move in lockstep",
)


def _reasons(code: np.ndarray, n: np.ndarray, min_pairs: int, unit: str) -> pd.Categorical:
    """Couple-level reasons as a categorical (few distinct texts, many couples)."""
    texts = list(_REASONS)
    codes = code.astype(np.int64)
    few = code == 1
    if few.any():
        counts, inverse = np.unique(n[few].astype(np.int64), return_inverse=True)
        for count in counts:
            noun = unit if count == 1 else f"{unit}s"
            texts.append(f"{count} {noun}; at least {min_pairs} needed")
        codes[few] = len(_REASONS) + inverse
    categories, recoded = np.unique(np.asarray(texts, dtype=object), return_inverse=True)
    return pd.Categorical.from_codes(recoded[codes], categories=pd.Index(categories))


def _var1_block(
    q: np.ndarray, shift: np.ndarray, out: np.ndarray, *, min_pairs: int, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """VAR(1) for a block of couples from their 5 x 5 lag moments (all elementwise).

    Writes the statistics into ``out`` (couples x terms x statistics); returns which
    couples were estimated and, for the others, a reason code.
    """
    n = q[:, 0, 0]
    safe_n = np.maximum(n, 1.0)
    mean = q[:, 0, 1:] / safe_n[:, None]  # (x_a, x_b, y_a, y_b) in shifted units
    centred = q[:, 1:, 1:] - safe_n[:, None, None] * mean[:, :, None] * mean[:, None, :]
    s_aa, s_bb, s_ab = centred[:, 0, 0], centred[:, 1, 1], centred[:, 0, 1]
    flat_a = s_aa <= _TOLERANCE * np.maximum(q[:, 1, 1], 1e-300)
    flat_b = s_bb <= _TOLERANCE * np.maximum(q[:, 2, 2], 1e-300)
    det = s_aa * s_bb - s_ab * s_ab
    lockstep = det <= _TOLERANCE * s_aa * s_bb
    enough = n >= min_pairs
    ok = enough & ~flat_a & ~flat_b & ~lockstep
    code = np.select(
        [ok, ~enough, flat_a & flat_b, flat_a, flat_b], [0, 1, 2, 3, 4], default=5
    ).astype(np.int8)

    with np.errstate(all="ignore"):
        # (X'X)^-1 of the centred regressors, a 2 x 2 inverse written out.
        i_aa, i_bb, i_ab = s_bb / det, s_aa / det, -s_ab / det
        sxy = centred[:, :2, 2:]  # rows: a[t-1], b[t-1]; columns: equations for a, b
        slope_a = i_aa[:, None] * sxy[:, 0] + i_ab[:, None] * sxy[:, 1]  # coefficient of a[t-1]
        slope_b = i_ab[:, None] * sxy[:, 0] + i_bb[:, None] * sxy[:, 1]  # coefficient of b[t-1]
        rss = centred[:, 2:, 2:] - (
            slope_a[:, :, None] * sxy[:, 0, None, :] + slope_b[:, :, None] * sxy[:, 1, None, :]
        )
        df = n - 3.0
        sigma2 = np.stack([rss[:, 0, 0], rss[:, 1, 1]], axis=1) / df[:, None]
        # Intercepts on the original scale: mean(y) - slopes . mean(x).
        raw_x = mean[:, :2] + shift
        raw_y = mean[:, 2:] + shift
        intercept = raw_y - slope_a * raw_x[:, :1] - slope_b * raw_x[:, 1:]
        leverage = (
            1.0 / safe_n
            + i_aa * raw_x[:, 0] ** 2
            + i_bb * raw_x[:, 1] ** 2
            + 2.0 * i_ab * raw_x[:, 0] * raw_x[:, 1]
        )
        coefficients = np.stack(
            [
                intercept[:, 0],
                intercept[:, 1],
                slope_a[:, 0],
                slope_b[:, 1],
                slope_b[:, 0],
                slope_a[:, 1],
            ],
            axis=1,
        )
        variance = np.stack(
            [
                sigma2[:, 0] * leverage,
                sigma2[:, 1] * leverage,
                sigma2[:, 0] * i_aa,
                sigma2[:, 1] * i_bb,
                sigma2[:, 0] * i_bb,
                sigma2[:, 1] * i_aa,
            ],
            axis=1,
        )
        coefficients[~ok] = np.nan
        errors = np.sqrt(np.maximum(variance, 0.0))
        t_values = coefficients / errors
        half = (_t_quantile(0.5 + level / 2.0, df) * ok)[:, None] * errors
        synchrony = rss[:, 0, 1] / np.sqrt(rss[:, 0, 0] * rss[:, 1, 1])
    synchrony[~ok] = np.nan
    se, t, rdf, p, low, high = _correlation_rows(synchrony, n, covariates=2, level=level)
    # Write straight into the output block: out[couple, term, statistic].
    out[:, :6, 0] = coefficients
    out[:, :6, 1] = errors
    out[:, :6, 2] = t_values
    out[:, :6, 3] = df[:, None]
    out[:, :6, 4] = _two_sided_p(t_values, df[:, None])
    out[:, :6, 5] = coefficients - half
    out[:, :6, 6] = coefficients + half
    for k, values in enumerate((synchrony, se, t, rdf, p, low, high)):
        out[:, 6, k] = values
    out[~ok] = np.nan
    return ok, code


def _var1(moments: LagMoments, *, min_pairs: int, level: float) -> _Fit:
    """VAR(1) for every couple, in parallel blocks of couples."""
    n_couples = len(moments.n)
    block = np.empty((n_couples, 7, len(_STATISTICS)))
    ok = np.empty(n_couples, dtype=bool)
    code = np.empty(n_couples, dtype=np.int8)

    def work(start: int, stop: int) -> None:
        ok[start:stop], code[start:stop] = _var1_block(
            moments.cross[start:stop],
            moments.shift[start:stop],
            block[start:stop],
            min_pairs=min_pairs,
            level=level,
        )

    in_blocks(n_couples, work, _SOLVE_BLOCK)
    reason = _reasons(code, moments.n, min_pairs, "consecutive pair")
    estimate, std_error, statistic, dfs, p_value, ci_low, ci_high = (
        block[:, :, k] for k in range(len(_STATISTICS))
    )
    return _Fit(
        estimate, std_error, statistic, dfs, p_value, ci_low, ci_high, moments.n, ok, reason, block
    )


def _concurrent(series: CoupleSeries, *, min_pairs: int, level: float) -> _Fit:
    """Per-couple Pearson correlation of the partners' same-occasion scores."""
    n_couples = series.n_couples
    r = np.full(n_couples, np.nan)
    n = np.zeros(n_couples)
    flat = np.zeros(n_couples, dtype=bool)

    def work(start: int, stop: int) -> None:
        a = series.a[start:stop].astype(np.float64)
        b = series.b[start:stop].astype(np.float64)
        both = np.isfinite(a) & np.isfinite(b)
        count = both.sum(axis=1)
        safe = np.maximum(count, 1)
        a0 = np.where(both, a, 0.0)
        b0 = np.where(both, b, 0.0)
        da = np.where(both, a - (a0.sum(axis=1) / safe)[:, None], 0.0)
        db = np.where(both, b - (b0.sum(axis=1) / safe)[:, None], 0.0)
        saa, sbb, sab = (da * da).sum(1), (db * db).sum(1), (da * db).sum(1)
        flat[start:stop] = (saa <= _TOLERANCE * np.maximum((a0 * a0).sum(1), 1e-300)) | (
            sbb <= _TOLERANCE * np.maximum((b0 * b0).sum(1), 1e-300)
        )
        with np.errstate(all="ignore"):
            r[start:stop] = sab / np.sqrt(saa * sbb)
        n[start:stop] = count

    in_blocks(n_couples, work, 4096)
    enough = n >= min_pairs
    ok = enough & ~flat
    se, t, df, p, low, high = _correlation_rows(r, n, covariates=0, level=level)
    columns = [r.copy(), se, t, df, p, low, high]
    for array in columns:
        array[~ok] = np.nan
    code = np.select([ok, ~enough], [0, 1], default=2).astype(np.int8)
    reason = _reasons(code, n, min_pairs, "shared occasion")
    estimate, std_error, statistic, dfs, p_value, ci_low, ci_high = (c[:, None] for c in columns)
    return _Fit(estimate, std_error, statistic, dfs, p_value, ci_low, ci_high, n, ok, reason)


def _columns(fit: _Fit, keep: slice) -> _Fit:
    """The same fit restricted to some terms."""
    return _Fit(
        estimate=fit.estimate[:, keep],
        std_error=fit.std_error[:, keep],
        statistic=fit.statistic[:, keep],
        df=fit.df[:, keep],
        p_value=fit.p_value[:, keep],
        ci_low=fit.ci_low[:, keep],
        ci_high=fit.ci_high[:, keep],
        n=fit.n,
        ok=fit.ok,
        reason=fit.reason,
    )


def _frame(labels: np.ndarray, terms: tuple[str, ...], fits: list[_Fit]) -> pd.DataFrame:
    """Stack per-couple results into tidy rows (one per couple and term)."""
    n_couples = len(labels)
    widths = [f.estimate.shape[1] for f in fits]
    n_rows = n_couples * len(terms)
    # One (rows x statistics) float block, which pandas keeps as it is.
    if len(fits) == 1 and fits[0].block is not None:
        block = fits[0].block
    else:
        block = np.empty((n_couples, len(terms), len(_STATISTICS)))
        column = 0
        for fit, width in zip(fits, widths, strict=True):
            for k, name in enumerate(_STATISTICS):
                block[:, column : column + width, k] = getattr(fit, name)
            column += width
    result = pd.DataFrame(
        block.reshape(n_rows, len(_STATISTICS)), columns=list(_STATISTICS), copy=False
    )

    def per_couple(values: list[np.ndarray]) -> np.ndarray:
        out = np.empty((n_couples, len(terms)), dtype=np.asarray(values[0]).dtype)
        start = 0
        for value, width in zip(values, widths, strict=True):
            out[:, start : start + width] = np.asarray(value)[:, None]
            start += width
        return out.ravel()

    categories = pd.Index(sorted({str(c) for f in fits for c in f.reason.categories}))
    reason_codes = per_couple(
        [categories.get_indexer(f.reason.categories)[f.reason.codes] for f in fits]
    )
    ok = per_couple([f.ok for f in fits])
    result.insert(0, "dyad", np.repeat(labels, len(terms)))
    term = pd.Categorical.from_codes(
        np.tile(np.arange(len(terms), dtype=np.int8), n_couples),
        categories=pd.Index(list(terms)),
    )
    result.insert(1, "term", pd.Series(term, index=result.index))
    result["n_pairs"] = per_couple([f.n for f in fits]).astype(np.int64)
    result["status"] = pd.Categorical.from_codes(
        (~ok).astype(np.int8), categories=pd.Index([ESTIMATED, NOT_ESTIMATED])
    )
    result["reason"] = pd.Categorical.from_codes(reason_codes, categories=categories)
    return result


def _not_estimated(result: pd.DataFrame, fits: list[_Fit]) -> None:
    """Say in ``attrs["warnings"]`` how many couples were not estimated.

    Each couple's rows already carry ``status`` and ``reason``; the summary is for a
    reader who looks at a few couples, or at the command line's output, and would not
    otherwise notice that some are missing. It is not issued as a Python warning: the
    couple pages call these functions for a single couple that may simply be new.
    """
    missing = np.zeros(len(fits[0].ok), dtype=bool)
    for fit in fits:
        missing |= ~fit.ok
    count = int(missing.sum())
    messages = []
    if count:
        total = len(missing)
        noun = "couple was" if total == 1 else "couples were"
        messages.append(
            f"{count} of {total} {noun} not estimated; their rows say why (status, reason)"
        )
    attach_warnings(result, messages, emit=False)


def _as_grid(values: object, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (couples x occasions), not {array.ndim}-D")
    if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.complexfloating):
        raise ValueError(f"{name} must hold numbers, not {array.dtype}")
    if array.dtype != np.float32:
        array = array.astype(np.float64, copy=False)
    infinite = np.isinf(array)
    if infinite.any():
        # Refused rather than treated as missing, like infinite values in a data frame.
        count = int(infinite.sum())
        couple, occasion = (int(i[0]) for i in np.nonzero(infinite))
        noun = "value" if count == 1 else "values"
        raise ValueError(
            f"{name} has {count} infinite {noun} (the first for couple {couple} at "
            f"occasion {occasion}); use NaN for a missing occasion"
        )
    return array


def networks_from_arrays(
    a: object,
    b: object,
    *,
    dyads: object | None = None,
    min_pairs: int = 10,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Per-couple VAR(1) networks from two (couples x occasions) arrays.

    The array form of :func:`networks`, for very many couples: row ``i`` of ``a`` and
    ``b`` holds partner a's and partner b's scores of couple ``i`` on consecutive
    occasions, ``NaN`` where nothing was reported (which breaks the lags on both
    sides of it). ``float32`` input is accepted and kept in ``float32`` (sums are
    accumulated in ``float64``). See :func:`networks` for the model and the output.

    Parameters
    ----------
    a, b : array_like, shape (couples, occasions)
        Both partners' scores.
    dyads : array_like, optional
        Couple labels for the ``dyad`` column; default 0, 1, 2, ...
    min_pairs : int
        Couples with fewer consecutive pairs are reported as not estimated.
    ci : float
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        As :func:`networks`.

    Examples
    --------
    >>> import numpy as np
    >>> from alongside.analytics import networks_from_arrays
    >>> rng = np.random.default_rng(3)
    >>> a, b = rng.normal(size=(2, 40)), rng.normal(size=(2, 40))
    >>> result = networks_from_arrays(a, b)
    >>> result.shape, result["status"].iloc[0]
    ((14, 12), 'estimated')
    """
    grid_a = _as_grid(a, "a")
    grid_b = _as_grid(b, "b")
    if grid_a.shape != grid_b.shape:
        raise ValueError(f"a and b must have the same shape, not {grid_a.shape} and {grid_b.shape}")
    if grid_a.dtype != grid_b.dtype:
        grid_a, grid_b = grid_a.astype(np.float64), grid_b.astype(np.float64)
    min_pairs = _check_min_pairs(min_pairs)
    require_level(ci)
    labels = np.arange(grid_a.shape[0]) if dyads is None else np.asarray(dyads)
    if len(labels) != grid_a.shape[0]:
        raise ValueError(f"dyads has {len(labels)} labels for {grid_a.shape[0]} couples")
    fit = _var1(lag_moments(grid_a, grid_b), min_pairs=min_pairs, level=ci)
    result = _frame(labels, NETWORK_TERMS, [fit])
    _not_estimated(result, [fit])
    return result


def _add_baseline(
    result: pd.DataFrame,
    terms: tuple[str, ...],
    distribution: dict[str, np.ndarray],
) -> pd.DataFrame:
    result = result.copy()
    mean = np.full(len(result), np.nan)
    sd = np.full(len(result), np.nan)
    percentile = np.full(len(result), np.nan)
    term_codes = result["term"].cat.codes.to_numpy()
    estimate = result["estimate"].to_numpy()
    for code, term in enumerate(terms):
        values = distribution[term]
        rows = term_codes == code
        if len(values) == 0:
            continue
        mean[rows] = values.mean()
        sd[rows] = values.std(ddof=1) if len(values) > 1 else np.nan
        x = estimate[rows]
        below = np.searchsorted(values, x, side="left")
        not_above = np.searchsorted(values, x, side="right")
        percentile[rows] = np.where(
            np.isfinite(x), 100.0 * (below + not_above) / (2.0 * len(values)), np.nan
        )
    result["baseline_mean"] = mean
    result["baseline_sd"] = sd
    result["percentile"] = percentile
    return result


def _derangements(rng: np.random.Generator, n: int, samples: int) -> np.ndarray:
    """``samples`` random permutations of range(n) that move every element."""
    if n < 2:
        raise ValueError("pseudo couples need at least two couples in the data")
    found: list[np.ndarray] = []
    total = 0
    while total < samples:
        draw = rng.permuted(np.tile(np.arange(n), (max(2 * (samples - total), 8), 1)), axis=1)
        keep = draw[~np.any(draw == np.arange(n), axis=1)]
        found.append(keep)
        total += len(keep)
    return np.concatenate(found)[:samples]


def _pseudo_distribution(
    series: CoupleSeries,
    *,
    samples: int,
    min_pairs: int,
    random_state: int | np.random.Generator | None,
    concurrent: bool,
) -> tuple[dict[str, np.ndarray], int]:
    """Statistics of randomly re-paired partners, sorted per term."""
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 1:
        raise ValueError(f"the number of pseudo-couple samples must be at least 1, not {samples!r}")
    rng = _rng(random_state)
    n_couples, width = series.a.shape
    partners = _derangements(rng, n_couples, int(samples))
    per_batch = max(1, _PSEUDO_CELLS // max(n_couples * width, 1))
    collected: dict[str, list[np.ndarray]] = {
        t: [] for t in (NETWORK_TERMS + (SYNCHRONY_TERMS[:1] if concurrent else ()))
    }
    for start in range(0, len(partners), per_batch):
        rows_b = partners[start : start + per_batch].ravel()
        rows_a = np.tile(np.arange(n_couples), len(rows_b) // n_couples)
        pseudo = CoupleSeries(labels=np.arange(len(rows_a)), a=series.a[rows_a], b=series.b[rows_b])
        fit = _var1(lag_moments(pseudo.a, pseudo.b), min_pairs=min_pairs, level=0.95)
        for k, term in enumerate(NETWORK_TERMS):
            values = fit.estimate[:, k]
            collected[term].append(values[np.isfinite(values)])
        if concurrent:
            corr = _concurrent(pseudo, min_pairs=min_pairs, level=0.95).estimate[:, 0]
            collected["concurrent_correlation"].append(corr[np.isfinite(corr)])
    distribution = {t: np.sort(np.concatenate(v)) for t, v in collected.items()}
    return distribution, len(partners) * n_couples


def networks(
    data: pd.DataFrame,
    *,
    dyad: str,
    time: str,
    a: str,
    b: str,
    min_pairs: int = 10,
    ci: float = 0.95,
    pseudo_couples: int = 0,
    random_state: int | np.random.Generator | None = None,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Per-couple emotional networks: a VAR(1) for every couple at once.

    For each couple, each partner's emotion at occasion *t* is regressed on both
    partners' emotions at *t - 1* (Sels et al., 2016). Only consecutive occasions are
    paired: a skipped day breaks the lag. Couples with too few pairs, or whose scores
    do not vary, are reported as ``"not estimated"`` with the reason, never guessed.

    Parameters
    ----------
    data : pandas.DataFrame
        Couple-wide diary: one row per couple and occasion.
    dyad : str
        Column identifying the couple.
    time : str
        Column with the occasion: whole numbers (day or prompt index) or dates.
    a, b : str
        Columns with partner a's and partner b's score (e.g. ``"M_Anx."``, ``"W_Anx."``).
    min_pairs : int, default 10
        Fewest consecutive pairs for a couple to be estimated (at least 6).
    ci : float, default 0.95
        Confidence level of the intervals.
    pseudo_couples : int, default 0
        When positive, also compare every couple with that many random re-pairings of
        all partners into pseudo couples (see :func:`pseudo_couple_baseline`) and add
        ``baseline_mean``, ``baseline_sd`` and ``percentile`` columns.
    random_state : int, numpy.random.Generator or None
        Seed for the pseudo-couple re-pairing.
    ranges : dict, optional
        Declared range of ``a`` and/or ``b``, e.g. ``{"M_Anx.": (0, 4)}``: a score
        outside it (a code such as 99) is an error naming the column and the row.
        Infinite scores are always an error.

    Returns
    -------
    pandas.DataFrame
        One row per couple and term, with columns ``dyad``, ``term``, ``estimate``,
        ``std_error``, ``statistic``, ``df``, ``p_value``, ``ci_low``, ``ci_high``,
        ``n_pairs``, ``status`` (``"estimated"`` or ``"not estimated"``) and ``reason``.
        Terms: ``intercept_a``, ``intercept_b``, ``inertia_a``, ``inertia_b``,
        ``carryover_b_to_a``, ``carryover_a_to_b``, ``synchrony``.
        ``attrs["warnings"]`` is a tuple of sentences, empty when every couple was
        estimated, else saying how many were not.

    Notes
    -----
    For couple *i* with pairs of consecutive occasions :math:`(t-1, t)`:

    .. math::

        a_t &= c_a + \\phi_{aa}\\, a_{t-1} + \\phi_{ab}\\, b_{t-1} + e_{a,t} \\\\
        b_t &= c_b + \\phi_{bb}\\, b_{t-1} + \\phi_{ba}\\, a_{t-1} + e_{b,t}

    :math:`\\phi_{aa}, \\phi_{bb}` are the inertias (``inertia_a``, ``inertia_b``),
    :math:`\\phi_{ab}` is ``carryover_b_to_a`` and :math:`\\phi_{ba}` is
    ``carryover_a_to_b``. Both equations share the regressors
    :math:`x_t = (1, a_{t-1}, b_{t-1})`, so everything follows from the per-couple sums
    of :math:`z_t = (1, a_{t-1}, b_{t-1}, a_t, b_t)` and :math:`z_t z_t'`, which one
    vectorised sweep over all couples computes (on each partner's series minus its own
    mean, so that the sums stay well conditioned). With :math:`S_{xx}, S_{xy}` the
    centred cross-products, :math:`\\hat\\Phi = S_{xx}^{-1} S_{xy}` (a 2 x 2 inverse,
    written out and evaluated for all couples at once), the intercepts are
    :math:`\\bar y - \\hat\\Phi' \\bar x`, and the standard errors are the OLS ones,
    :math:`\\hat\\sigma^2_j [(X'X)^{-1}]_{kk}` with
    :math:`\\hat\\sigma^2_j = RSS_j / (n - 3)`, with *t* tests and intervals on
    :math:`n - 3` degrees of freedom: the same numbers as fitting each couple's two
    regressions separately, without a loop over couples.

    ``synchrony`` is the correlation of the two residuals at the same occasion,
    :math:`r = RSS_{ab} / \\sqrt{RSS_{aa} RSS_{bb}}` (a partial correlation given the
    lagged scores): its test uses :math:`t = r \\sqrt{(n - 4) / (1 - r^2)}` and its
    interval Fisher's *z* with standard error :math:`1 / \\sqrt{n - 5}`.

    Only pairs where both partners reported at *t - 1* and at *t* are used.

    References
    ----------
    Sels, L., Ceulemans, E., Bulteel, K., & Kuppens, P. (2016). Emotional
    interdependence and well-being in close relationships. *Frontiers in
    Psychology, 7*, 283. https://doi.org/10.3389/fpsyg.2016.00283

    Examples
    --------
    >>> from alongside.analytics import networks, simulate_diary
    >>> diary = simulate_diary(n_couples=3, n_days=40, random_state=7)
    >>> result = networks(diary, dyad="dyad", time="day", a="a", b="b")
    >>> result.loc[result["dyad"] == 1, ["term", "n_pairs", "status"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                   term  n_pairs     status
    0       intercept_a       39  estimated
    1       intercept_b       39  estimated
    2         inertia_a       39  estimated
    3         inertia_b       39  estimated
    4  carryover_b_to_a       39  estimated
    5  carryover_a_to_b       39  estimated
    6         synchrony       39  estimated
    """
    min_pairs = _check_min_pairs(min_pairs)
    require_level(ci)
    align: Literal["compact", "time"] = "time" if pseudo_couples else "compact"
    series = couple_series(data, dyad=dyad, time=time, a=a, b=b, align=align, ranges=ranges)
    fit = _var1(lag_moments(series.a, series.b), min_pairs=min_pairs, level=ci)
    result = _frame(series.labels, NETWORK_TERMS, [fit])
    if pseudo_couples:
        distribution, _ = _pseudo_distribution(
            series,
            samples=pseudo_couples,
            min_pairs=min_pairs,
            random_state=random_state,
            concurrent=False,
        )
        result = _add_baseline(result, NETWORK_TERMS, distribution)
    _not_estimated(result, [fit])
    return result


def synchrony(
    data: pd.DataFrame,
    *,
    dyad: str,
    time: str,
    a: str,
    b: str,
    min_pairs: int = 10,
    ci: float = 0.95,
    pseudo_couples: int = 0,
    random_state: int | np.random.Generator | None = None,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """How much each couple's feelings move together at the same moment.

    Two per-couple correlations: ``concurrent_correlation``, the plain correlation of
    both partners' scores over the occasions both reported; and ``synchrony``, the
    same-moment correlation left after each partner's carry-over from the previous
    occasion is removed (the residual correlation of :func:`networks`, Sels et al.,
    2016). The first is easier to explain; the second is not inflated by the partners'
    shared inertia.

    Parameters
    ----------
    data : pandas.DataFrame
        Couple-wide diary: one row per couple and occasion.
    dyad, time, a, b : str
        Columns, as in :func:`networks`.
    min_pairs : int, default 10
        Fewest shared occasions (concurrent) or consecutive pairs (synchrony).
    ci : float, default 0.95
        Confidence level of the Fisher-*z* intervals.
    pseudo_couples : int, default 0
        When positive, add each couple's position among that many random re-pairings
        of partners (``baseline_mean``, ``baseline_sd``, ``percentile``).
    random_state : int, numpy.random.Generator or None
        Seed for the pseudo-couple re-pairing.
    ranges : dict, optional
        Declared range of ``a`` and/or ``b``, as in :func:`networks`.

    Returns
    -------
    pandas.DataFrame
        Two rows per couple (terms ``concurrent_correlation`` and ``synchrony``) with
        the columns of :func:`networks`; ``n_pairs`` counts the shared occasions for
        the first and the consecutive pairs for the second. ``attrs["warnings"]`` as in
        :func:`networks`.

    Notes
    -----
    ``concurrent_correlation`` is Pearson's :math:`r` of :math:`(a_t, b_t)`, tested with
    :math:`t = r\\sqrt{(n-2)/(1-r^2)}` on :math:`n - 2` degrees of freedom, interval
    :math:`\\tanh(\\operatorname{artanh} r \\pm z_{1-\\alpha/2} / \\sqrt{n-3})`.
    ``synchrony`` is described in :func:`networks`.

    References
    ----------
    Sels, L., Ceulemans, E., Bulteel, K., & Kuppens, P. (2016). Emotional
    interdependence and well-being in close relationships. *Frontiers in
    Psychology, 7*, 283.

    Examples
    --------
    >>> from alongside.analytics import simulate_diary, synchrony
    >>> diary = simulate_diary(n_couples=2, n_days=60, residual_correlation=0.6,
    ...                        random_state=2)
    >>> result = synchrony(diary, dyad="dyad", time="day", a="a", b="b")
    >>> result["term"].tolist()
    ['concurrent_correlation', 'synchrony', 'concurrent_correlation', 'synchrony']
    """
    min_pairs = _check_min_pairs(min_pairs)
    require_level(ci)
    align: Literal["compact", "time"] = "time" if pseudo_couples else "compact"
    series = couple_series(data, dyad=dyad, time=time, a=a, b=b, align=align, ranges=ranges)
    var1 = _var1(lag_moments(series.a, series.b), min_pairs=min_pairs, level=ci)
    residual = _columns(var1, slice(6, 7))
    concurrent = _concurrent(series, min_pairs=min_pairs, level=ci)
    result = _frame(series.labels, SYNCHRONY_TERMS, [concurrent, residual])
    if pseudo_couples:
        distribution, _ = _pseudo_distribution(
            series,
            samples=pseudo_couples,
            min_pairs=min_pairs,
            random_state=random_state,
            concurrent=True,
        )
        result = _add_baseline(result, SYNCHRONY_TERMS, distribution)
    _not_estimated(result, [concurrent, residual])
    return result


def pseudo_couple_baseline(
    data: pd.DataFrame,
    *,
    dyad: str,
    time: str,
    a: str,
    b: str,
    samples: int = 100,
    min_pairs: int = 10,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """What the network statistics look like for partners who are not a couple.

    Partners are re-paired at random across couples (partner a of one couple with
    partner b of another, never their own), aligned by occasion number since each
    couple's first occasion, and the statistics of :func:`networks` and
    :func:`synchrony` are computed for every pseudo couple (Sels et al., 2020). Shared
    daily rhythms, scale use and chance make pseudo couples look "interdependent" too;
    a real couple's statistic means more than chance only when it stands out from this
    distribution.

    Parameters
    ----------
    data : pandas.DataFrame
        Couple-wide diary: one row per couple and occasion.
    dyad, time, a, b : str
        Columns, as in :func:`networks`. ``time`` must number the occasions the same
        way for every couple (e.g. diary day 0, 1, 2, ...).
    samples : int, default 100
        Number of random re-pairings; each makes one pseudo couple per real couple.
    min_pairs : int, default 10
        Pseudo couples with fewer shared consecutive pairs are left out.
    random_state : int, numpy.random.Generator or None
        Seed for reproducible re-pairing.

    Returns
    -------
    pandas.DataFrame
        One row per term: ``term``, ``n_pseudo_couples`` (estimated pseudo couples),
        ``mean``, ``sd``, ``q025``, ``median``, ``q975``.

    Notes
    -----
    Each sample draws a random derangement :math:`\\pi` of the couples and forms the
    pseudo couples :math:`(a_i, b_{\\pi(i)})`. Use ``networks(..., pseudo_couples=N)``
    or ``synchrony(..., pseudo_couples=N)`` to get each real couple's percentile in
    this distribution, :math:`100 \\cdot (\\#\\{p < x\\} + \\#\\{p \\le x\\}) / (2N)`.

    References
    ----------
    Sels, L., Cabrieto, J., Butler, E., Reis, H., Ceulemans, E., & Kuppens, P. (2020).
    The occurrence and correlates of emotional interdependence in romantic
    relationships. *Journal of Personality and Social Psychology, 119*(1), 136-158.

    Examples
    --------
    >>> from alongside.analytics import pseudo_couple_baseline, simulate_diary
    >>> diary = simulate_diary(n_couples=10, n_days=30, random_state=4)
    >>> baseline = pseudo_couple_baseline(diary, dyad="dyad", time="day", a="a", b="b",
    ...                                   samples=20, random_state=1)
    >>> baseline["term"].tolist()[-2:]
    ['synchrony', 'concurrent_correlation']
    """
    min_pairs = _check_min_pairs(min_pairs)
    series = couple_series(data, dyad=dyad, time=time, a=a, b=b, align="time")
    distribution, _ = _pseudo_distribution(
        series, samples=samples, min_pairs=min_pairs, random_state=random_state, concurrent=True
    )
    rows = []
    for term, values in distribution.items():
        has = len(values) > 0
        rows.append(
            {
                "term": term,
                "n_pseudo_couples": len(values),
                "mean": values.mean() if has else np.nan,
                "sd": values.std(ddof=1) if len(values) > 1 else np.nan,
                "q025": np.quantile(values, 0.025) if has else np.nan,
                "median": np.quantile(values, 0.5) if has else np.nan,
                "q975": np.quantile(values, 0.975) if has else np.nan,
            }
        )
    return pd.DataFrame(rows)
