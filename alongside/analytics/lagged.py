"""Lagged APIM (stability and influence) for couples' diaries, as a multilevel model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import (
    attach_warnings,
    require_choice,
    require_level,
    require_ranges,
    require_variation,
)
from ._lmm import (
    GroupMoments,
    MixedFit,
    PairedMoments,
    SeriesMoments,
    fit_ar1,
    fit_mixed,
    fit_paired,
    fit_warnings,
)
from ._series import CoupleSeries, couple_series, lag_moments

__all__ = ["lagged_apim"]

FIXED_TERMS = (
    "intercept_a",
    "intercept_b",
    "actor_a",
    "actor_b",
    "partner_b_to_a",
    "partner_a_to_b",
)
# Order of the coefficients in the design, as lme4 orders
# y ~ 0 + role + role:actor_lag + role:partner_lag.

# For role r, d = (1, own score at t-1, partner's score at t-1); the design row is E_r d.
_E = (
    np.array([[1, 0, 0], [0, 0, 0], [0, 1, 0], [0, 0, 0], [0, 0, 1], [0, 0, 0]], float),
    np.array([[0, 0, 0], [1, 0, 0], [0, 0, 0], [0, 1, 0], [0, 0, 0], [0, 0, 1]], float),
)
# Random effects: each partner's own intercept; with slopes, also a couple-level
# deviation of the actor and of the partner effect shared by both partners.
_F_INTERCEPTS = (
    np.array([[1, 0, 0], [0, 0, 0]], float),
    np.array([[0, 0, 0], [1, 0, 0]], float),
)
_F_SLOPES = (
    np.array([[1, 0, 0], [0, 0, 0], [0, 1, 0], [0, 0, 1]], float),
    np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], float),
)
_RANDOM_NAMES = ("intercept_a", "intercept_b", "actor", "partner")
# Role-specific slopes, lme4's (0 + role + role:actor_lag + role:partner_lag || couple):
# "||" splits the formula into its three terms, (0 + role | couple),
# (0 + role:actor_lag | couple) and (0 + role:partner_lag | couple); each term is a pair
# of role-specific effects, correlated with each other and independent of the other
# terms. The design is then the fixed effects' own, E.
_BY_ROLE_FREE = np.kron(np.eye(3, dtype=bool), np.ones((2, 2), dtype=bool))
RANDOM_SLOPES = ("shared", "by-role")
RESIDUALS = ("independent", "by-role", "by-role-correlated")
CENTRE = ("none", "within")
# In the lag-moment vector z = (1, a[t-1], b[t-1], a[t], b[t]): role a's (d, y), role b's.
_ROLE_INDEX = (([0, 1, 2], 3), ([0, 2, 1], 4))


def _random_design(
    random_slopes: bool | str,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[str, ...], np.ndarray | None]:
    """The random-effect design per role, the effects' names, and which entries of
    Lambda are free (None: all of its lower triangle)."""
    kind = _random_kind(random_slopes)
    if kind == "intercepts":
        return _F_INTERCEPTS, _RANDOM_NAMES[:2], None
    if kind == "shared":
        return _F_SLOPES, _RANDOM_NAMES, None
    return _E, FIXED_TERMS, _BY_ROLE_FREE


def _random_kind(random_slopes: bool | str | None) -> str:
    if random_slopes is False or random_slopes is None:
        return "intercepts"
    return "shared" if random_slopes is True else str(random_slopes)


# The residual structures in nlme's terms (on the stacked data, with a day column).
_NLME_RESIDUALS = {
    "independent": "",
    "by-role": "weights = varIdent(form = ~1 | role)",
    "by-role-correlated": (
        "weights = varIdent(form = ~1 | role), correlation = corCompSymm(form = ~1 | couple/day)"
    ),
}


def _role_rows(role: int, f: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The map from the lag-moment vector z to role's v = (x, z, y) of the stacked row."""
    index, y = _ROLE_INDEX[role]
    pick = np.zeros((3, 5))
    pick[np.arange(3), index] = 1.0
    response = np.zeros((1, 5))
    response[0, y] = 1.0
    return np.vstack([_E[role] @ pick, f[role] @ pick, response])


def lagged_apim_paired_moments(series: CoupleSeries, *, random_slopes: bool | str) -> PairedMoments:
    """Per-couple moments of both partners' stacked rows, kept apart by role and by day,
    as a residual covariance between the partners of one day needs them.

    Both partners' rows of one day are linear in the same z = (1, a[t-1], b[t-1], a[t],
    b[t]), so every product comes from the sweep's 5 x 5 moments of z: over the days
    when both reported (and each had the day before), and, where the partners' missing
    days differ, over the days when only one of them did.
    """
    f, _, _ = _random_design(random_slopes)
    h_a, h_b = _role_rows(0, f), _role_rows(1, f)
    both = lag_moments(series.a, series.b).raw()
    k = h_a.shape[0]
    n_couples = series.n_couples
    only_a = only_b = np.zeros((n_couples, k, k))
    n_only = [0.0, 0.0]
    if not np.array_equal(np.isnan(series.a), np.isnan(series.b)):
        alone = (
            lag_moments(series.a, series.b, need=(True, False)).raw() - both,
            lag_moments(series.a, series.b, need=(False, True)).raw() - both,
        )
        only_a = h_a @ alone[0] @ h_a.T
        only_b = h_b @ alone[1] @ h_b.T
        n_only = [float(alone[0][:, 0, 0].sum()), float(alone[1][:, 0, 0].sum())]
    n_both = float(both[:, 0, 0].sum())
    return PairedMoments(
        both_aa=h_a @ both @ h_a.T,
        both_bb=h_b @ both @ h_b.T,
        both_ab=h_a @ both @ h_b.T,
        only_a=only_a,
        only_b=only_b,
        n_both=n_both,
        n_only_b=n_only[1],
        n_obs=round(2 * n_both + n_only[0] + n_only[1]),
        p=6,
        q=f[0].shape[0],
    )


def lagged_apim_moments(series: CoupleSeries, *, random_slopes: bool | str) -> GroupMoments:
    """Per-couple sufficient statistics of the stacked lagged APIM, in one sweep."""
    missing_a = np.isnan(series.a)
    same_pattern = bool(np.array_equal(missing_a, np.isnan(series.b)))
    if same_pattern:
        raw = lag_moments(series.a, series.b).raw()
        per_role = (raw, raw)
    else:
        per_role = (
            lag_moments(series.a, series.b, need=(True, False)).raw(),
            lag_moments(series.a, series.b, need=(False, True)).raw(),
        )
    f, _, _ = _random_design(random_slopes)
    n_couples = series.n_couples
    q = f[0].shape[0]
    xtx = np.zeros((6, 6))
    xty = np.zeros(6)
    yty = 0.0
    ztx = np.zeros((n_couples, q, 6))
    ztz = np.zeros((n_couples, q, q))
    zty = np.zeros((n_couples, q))
    n_obs = 0
    for role in (0, 1):
        index, y = _ROLE_INDEX[role]
        moments = per_role[role]
        dd = moments[:, index][:, :, index]
        dy = moments[:, index, y]
        e, fr = _E[role], f[role]
        xtx += e @ dd.sum(axis=0) @ e.T
        xty += e @ dy.sum(axis=0)
        yty += float(moments[:, y, y].sum())
        ztx += fr @ dd @ e.T
        ztz += fr @ dd @ fr.T
        zty += dy @ fr.T
        n_obs += round(float(moments[:, 0, 0].sum()))
    return GroupMoments(xtx=xtx, xty=xty, yty=yty, ztx=ztx, ztz=ztz, zty=zty, n_obs=n_obs)


@dataclass(frozen=True)
class _Predictor:
    """One predictor of the general design, entered once per role."""

    stem: str  # term name: f"{stem}_a" (actor kind) or f"{stem}_b_to_a" (partner kind)
    partner: bool  # the other partner's variable (True) or the role's own
    variable: str  # its name in the lme4 / nlme formula ("" for the intercept)

    def term(self, role: int) -> str:
        own, other = "ab"[role], "ba"[role]
        return f"{self.stem}_{other}_to_{own}" if self.partner else f"{self.stem}_{own}"


def lagged_predictors(*, cross: bool, centre: str) -> tuple[_Predictor, ...]:
    """The predictors of the lagged APIM, in the design's order (each times role)."""
    predictors = [
        _Predictor("intercept", False, ""),
        _Predictor("actor", False, "actor_lag"),
        _Predictor("partner", True, "partner_lag"),
    ]
    if cross:
        predictors += [
            _Predictor("cross_actor", False, "x_actor_lag"),
            _Predictor("cross_partner", True, "x_partner_lag"),
        ]
    if centre == "within":
        predictors += [
            _Predictor("between_actor", False, "actor_mean"),
            _Predictor("between_partner", True, "partner_mean"),
        ]
        if cross:
            predictors += [
                _Predictor("between_cross_actor", False, "x_actor_mean"),
                _Predictor("between_cross_partner", True, "x_partner_mean"),
            ]
    return tuple(predictors)


@dataclass(frozen=True)
class LaggedDesign:
    """Both roles' stacked rows v = (x', z', y)' on a time-aligned grid.

    ``rows[r, i, t]`` is role r's row for couple i on grid day t + 1 (zeros where the
    row is not observed, i.e. ``valid[r, i, t]`` is False).
    """

    rows: np.ndarray  # (2, G, T - 1, k)
    valid: np.ndarray  # (2, G, T - 1)
    terms: tuple[str, ...]
    variables: tuple[str, ...]  # the fixed effects in lme4's naming (rolea:actor_lag)
    p: int
    q: int


def _person_mean(grid: np.ndarray) -> np.ndarray:
    """Each couple's mean of one partner's series (over every day it was observed)."""
    seen = np.isfinite(grid)
    total = np.where(seen, grid, 0.0).sum(axis=1, dtype=np.float64)
    return (total / np.maximum(seen.sum(axis=1), 1))[:, None]


def lagged_design(
    series: CoupleSeries,
    x_series: CoupleSeries | None,
    *,
    centre: str,
    random_slopes: bool | str,
) -> LaggedDesign:
    """The stacked design of the lagged APIM with cross-lags and person-mean centring.

    For role r on day t: y = own score at t; predictors own and partner's score at
    t - 1, with ``x_series`` also own and partner's X at t - 1; with ``centre="within"``
    each lagged predictor minus that partner's mean over the diary, and the means
    themselves as predictors (constant within the couple). Both series must lie on the
    same time-aligned grid.
    """
    predictors = lagged_predictors(cross=x_series is not None, centre=centre)
    grids = [(series.a, series.b)]
    if x_series is not None:
        grids.append((x_series.a, x_series.b))
    kind = _random_kind(random_slopes)
    roles = []
    for role in (0, 1):
        values: dict[str, np.ndarray] = {}
        for prefix, pair in zip(("", "x_"), grids, strict=False):
            own, other = pair[role], pair[1 - role]
            own_lag, other_lag = own[:, :-1], other[:, :-1]
            if centre == "within":
                own_mean, other_mean = _person_mean(own), _person_mean(other)
                own_lag, other_lag = own_lag - own_mean, other_lag - other_mean
                shape = own_lag.shape
                values[f"{prefix}actor_mean"] = np.broadcast_to(own_mean, shape)
                values[f"{prefix}partner_mean"] = np.broadcast_to(other_mean, shape)
            values[f"{prefix}actor_lag"] = own_lag
            values[f"{prefix}partner_lag"] = other_lag
        y = grids[0][role][:, 1:]
        values[""] = np.ones_like(y, dtype=np.float64)
        d = [values[p.variable] for p in predictors]
        fixed = [np.zeros_like(y, dtype=np.float64)] * (2 * len(d))
        for j, column in enumerate(d):
            fixed[2 * j + role] = column
        unit = [np.zeros_like(y, dtype=np.float64)] * 2
        unit[role] = values[""]
        random = {
            "intercepts": unit,
            "shared": [*unit, values["actor_lag"], values["partner_lag"]],
            "by-role": fixed[:6],
        }[kind]
        rows = np.stack([*fixed, *random, y], axis=-1).astype(np.float64)
        roles.append(rows)
    rows = np.stack(roles)
    valid = np.isfinite(rows).all(axis=-1)
    rows[~valid] = 0.0
    terms = tuple(p.term(role) for p in predictors for role in (0, 1))
    variables = tuple(
        f"role{'ab'[role]}" + (f":{p.variable}" if p.variable else "")
        for p in predictors
        for role in (0, 1)
    )
    q = {"intercepts": 2, "shared": 4, "by-role": 6}[kind]
    return LaggedDesign(rows=rows, valid=valid, terms=terms, variables=variables,
                        p=len(terms), q=q)  # fmt: skip


def design_paired_moments(design: LaggedDesign) -> PairedMoments:
    """PairedMoments (both partners' rows of one day together) of a LaggedDesign."""
    valid_a, valid_b = design.valid
    both = valid_a & valid_b
    va, vb = design.rows
    masked_a = va * both[..., None]

    def sums(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return np.einsum("gtk,gtl->gkl", left, right)

    only_a, only_b = valid_a & ~valid_b, valid_b & ~valid_a
    n_both = float(both.sum())
    return PairedMoments(
        both_aa=sums(masked_a, va),
        both_bb=sums(vb * both[..., None], vb),
        both_ab=sums(masked_a, vb),
        only_a=sums(va * only_a[..., None], va),
        only_b=sums(vb * only_b[..., None], vb),
        n_both=n_both,
        n_only_b=float(only_b.sum()),
        n_obs=int(valid_a.sum() + valid_b.sum()),
        p=design.p,
        q=design.q,
    )


def design_series_moments(design: LaggedDesign) -> SeriesMoments:
    """SeriesMoments (each partner's rows in day order, AR(1) residuals) of a design."""
    n_couples, k = design.rows.shape[1], design.rows.shape[3]
    per_role = []
    for role in (0, 1):
        couple, day = np.nonzero(design.valid[role])  # in couple, then day order
        has_previous = np.zeros(len(couple), dtype=bool)
        has_previous[1:] = couple[1:] == couple[:-1]
        gap = np.zeros(len(couple), dtype=np.int64)
        gap[1:] = day[1:] - day[:-1]
        per_role.append((couple, day, has_previous, gap))
    gaps = np.unique(np.concatenate([g[h] for _, _, h, g in per_role]))
    if len(gaps) == 0:
        gaps = np.array([1])
    shape = (2, n_couples, len(gaps), k, k)
    first = np.zeros((2, n_couples, k, k))
    current, cross, previous = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    counts = np.zeros((2, len(gaps)))
    n_role = []
    for role, (couple, day, has_previous, gap) in enumerate(per_role):
        v = design.rows[role][couple, day]
        outer = v[:, :, None] * v[:, None, :]
        np.add.at(first[role], couple[~has_previous], outer[~has_previous])
        now = np.flatnonzero(has_previous)
        before = now - 1
        cls = np.searchsorted(gaps, gap[now])
        mixed = v[now][:, :, None] * v[before][:, None, :]
        np.add.at(current[role], (couple[now], cls), outer[now])
        np.add.at(cross[role], (couple[now], cls), mixed + mixed.transpose(0, 2, 1))
        np.add.at(previous[role], (couple[now], cls), outer[before])
        np.add.at(counts[role], cls, 1.0)
        n_role.append(float(len(couple)))
    return SeriesMoments(
        first=first,
        current=current,
        cross=cross,
        previous=previous,
        gaps=gaps.astype(np.float64),
        counts=counts,
        n_role=(n_role[0], n_role[1]),
        p=design.p,
        q=design.q,
    )


def _random_rows(
    fit: MixedFit,
    names: tuple[str, ...],
    free: np.ndarray | None,
    residuals: str,
    ar1: bool = False,
) -> list[dict[str, object]]:
    cov = fit.random_cov
    sd = np.sqrt(np.diag(cov))
    rows: list[dict[str, object]] = [
        {"term": f"sd({name})", "effect": "random", "estimate": sd[i]}
        for i, name in enumerate(names)
    ]
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if free is not None and not free[j, i]:
                continue  # independent terms: no correlation estimated
            with np.errstate(all="ignore"):
                r = cov[i, j] / (sd[i] * sd[j])
            rows.append({"term": f"cor({names[i]}, {names[j]})", "effect": "random", "estimate": r})
    rows.append({"term": "sigma", "effect": "random", "estimate": fit.sigma})
    if residuals != "independent":
        rows += [
            {"term": "sigma_b", "effect": "random", "estimate": fit.sigma * fit.sigma_ratio},
            {"term": "sigma_ratio", "effect": "random", "estimate": fit.sigma_ratio},
        ]
    if residuals == "by-role-correlated":
        rows.append({"term": "residual_cor", "effect": "random", "estimate": fit.residual_cor})
    if ar1:
        rows.append({"term": "residual_ar1", "effect": "random", "estimate": fit.residual_ar1})
    return rows


def lagged_apim(
    data: pd.DataFrame,
    *,
    dyad: str,
    time: str,
    a: str,
    b: str,
    random_slopes: bool | str = False,
    residuals: str = "independent",
    method: str = "reml",
    ci: float = 0.95,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    x_a: str | None = None,
    x_b: str | None = None,
    centre: str = "none",
    ar1: bool = False,
) -> pd.DataFrame:
    """Stability and influence in couples' diaries: the lagged APIM as a multilevel model.

    Each partner's score at occasion *t* is predicted from their own score at *t - 1*
    (the actor effect: stability) and their partner's score at *t - 1* (the partner
    effect: influence), with separate intercepts and effects for partner a and partner
    b, and random intercepts for each partner within the couple (Kenny, Kashy & Cook,
    2006, ch. 13). Only consecutive occasions are paired: a skipped day breaks the lag.

    Parameters
    ----------
    data : pandas.DataFrame
        Couple-wide diary: one row per couple and occasion.
    dyad : str
        Column identifying the couple.
    time : str
        Column with the occasion: whole numbers (day or prompt index) or dates.
    a, b : str
        Columns with partner a's and partner b's score.
    random_slopes : bool or {"shared", "by-role"}, default False
        Also let the actor and the partner effect vary between couples. ``True`` or
        ``"shared"``: one random deviation of each per couple, shared by both partners,
        correlated with the random intercepts. ``"by-role"``: each of the six effects
        varies, lme4's ``(0 + role + role:actor_lag + role:partner_lag || couple)``:
        three independent pairs (intercepts, actor effects, partner effects), the two
        partners' deviations within a pair correlated.
    residuals : {"independent", "by-role", "by-role-correlated"}, default "independent"
        ``"by-role"``: each partner's own residual SD (nlme's
        ``weights = varIdent(form = ~1 | role)``; rows ``sigma_b`` and ``sigma_ratio``,
        ``sigma`` being partner a's); ``"by-role-correlated"``: also the correlation of
        both partners' residuals on the same day (``correlation = corCompSymm(form =
        ~1 | couple/day)``; row ``residual_cor``).
    method : {"reml", "ml"}, default "reml"
        Restricted or full maximum likelihood.
    ci : float, default 0.95
        Confidence level of the Wald intervals.
    ranges : dict, optional
        Declared range of ``a``, ``b``, ``x_a`` and/or ``x_b``, e.g.
        ``{"close_a": (0, 100)}``: a score outside it (a code such as 99) is an error
        naming the column and the row.
    x_a, x_b : str, optional
        Cross-lags: columns with a second variable X of partner a and of partner b (say
        stress, when the scores are mood). Each partner's score at *t* is then also
        predicted from their own X at *t - 1* (``cross_actor_a``, ``cross_actor_b``)
        and their partner's X at *t - 1* (``cross_partner_b_to_a``: b's X yesterday
        to a's score today; ``cross_partner_a_to_b``). Give both or neither.
    centre : {"none", "within"}, default "none"
        ``"within"``: person-mean centring. Every lagged predictor is centred on that
        partner's own mean over the diary (all days the partner reported), so
        ``actor_*``, ``partner_*`` (and ``cross_*``) are within-couple effects (a
        day above one's usual level, the next day); the means enter as between-couple
        predictors, rows ``between_actor_a``, ``between_actor_b``,
        ``between_partner_b_to_a``, ``between_partner_a_to_b`` (and
        ``between_cross_*`` for X). Random slopes are then slopes of the centred lags.
    ar1 : bool, default False
        AR(1) residuals within each partner's series: residuals *k* days apart
        correlate phi^k (nlme's ``correlation = corAR1(form = ~ day | couple/role)``;
        row ``residual_ar1``, phi). Combines with ``residuals="independent"`` or
        ``"by-role"``; nlme fits one correlation structure at a time, so not with
        ``"by-role-correlated"``.

    Returns
    -------
    pandas.DataFrame
        One row per term with columns ``term``, ``effect`` (``"fixed"`` or
        ``"random"``), ``estimate``, ``std_error``, ``statistic``, ``p_value``,
        ``ci_low``, ``ci_high``. Fixed terms: ``intercept_a``, ``intercept_b``,
        ``actor_a``, ``actor_b`` (stability), ``partner_b_to_a``, ``partner_a_to_b``
        (influence); with ``x_a``/``x_b`` also ``cross_actor_a``, ``cross_actor_b``,
        ``cross_partner_b_to_a``, ``cross_partner_a_to_b``; with ``centre="within"``
        the ``between_...`` rows. Random terms: ``sd(...)`` and ``cor(..., ...)`` of
        the random effects, and ``sigma``, the residual standard deviation (no
        standard errors); ``sigma_b``, ``sigma_ratio``, ``residual_cor`` and
        ``residual_ar1`` with the residual structures that have them.
        ``attrs`` holds ``n_obs``, ``n_couples``, ``log_likelihood``, ``converged``,
        the equivalent lme4 ``formula`` and ``warnings``: a tuple of sentences, empty
        for a clean fit, naming a singular (boundary) fit or a failed convergence;
        each is also issued as a ``RuntimeWarning``.

    Raises
    ------
    ValueError
        Besides wrong columns: infinite scores, scores outside ``ranges``, a partner
        whose scores never vary (no variance to model), and a model with no more
        partner-days than random effects (e.g. one pair of days per couple), which is
        not identified (lme4 refuses it too); only one of ``x_a`` and ``x_b``, an X
        column that is one of the scores, and ``ar1`` with
        ``residuals="by-role-correlated"``.

    Notes
    -----
    For partner :math:`r \\in \\{a, b\\}` of couple *i*, with partner :math:`r'`:

    .. math::

        y_{r,it} = \\alpha_r + \\beta_r\\, y_{r,i,t-1} + \\gamma_r\\, y_{r',i,t-1}
                 + u_{r,i} + e_{r,it},

    :math:`(u_{a,i}, u_{b,i}) \\sim N(0, G)` with an unstructured 2 x 2 :math:`G`, and
    :math:`e \\sim N(0, \\sigma^2)`. This is lme4's

    ``lmer(y ~ 0 + role + role:actor_lag + role:partner_lag + (0 + role | couple))``

    and with ``random_slopes=True``

    ``lmer(y ~ 0 + role + role:actor_lag + role:partner_lag +
    (0 + role + actor_lag + partner_lag | couple))``

    on the stacked data (two rows per couple and consecutive pair of occasions). As in
    lme4, the same-day residuals of the two partners are independent given the random
    effects.

    Estimation works on per-couple sufficient statistics: one vectorised sweep over the
    diary computes, per couple, :math:`X'X, X'y, y'y, Z'X, Z'Z, Z'y` (from the moments of
    :math:`(1, a_{t-1}, b_{t-1}, a_t, b_t)`), after which every likelihood evaluation
    is a handful of batched operations on small per-couple matrices. With
    :math:`G = \\sigma^2 \\Lambda\\Lambda'` and :math:`M_i = I + \\Lambda' Z_i'Z_i \\Lambda`,
    the profiled REML criterion is

    .. math::

        \\sum_i \\log|M_i| + \\log|X'V_0^{-1}X| + (N - p)\\left(1 + \\log
        \\frac{2\\pi\\, r'V_0^{-1}r}{N - p}\\right),

    minimised over :math:`\\Lambda` with its exact gradient (L-BFGS-B). Standard errors
    are :math:`\\hat\\sigma^2 (X'V_0^{-1}X)^{-1}` as in lme4; *p*-values and intervals
    are Wald (normal) ones.

    References
    ----------
    Kenny, D. A., Kashy, D. A., & Cook, W. L. (2006). *Dyadic data analysis*.
    Guilford Press. Chapter 13 (over-time data; the two-intercept model).

    Bates, D., Maechler, M., Bolker, B., & Walker, S. (2015). Fitting linear
    mixed-effects models using lme4. *Journal of Statistical Software, 67*(1).

    Examples
    --------
    >>> from alongside.analytics import lagged_apim, simulate_diary
    >>> diary = simulate_diary(n_couples=40, n_days=30, inertia=(0.4, 0.2),
    ...                        intercept_sd=0.5, random_state=5)
    >>> fit = lagged_apim(diary, dyad="dyad", time="day", a="a", b="b")
    >>> fit.loc[fit["effect"] == "fixed", "term"].tolist()
    ['intercept_a', 'intercept_b', 'actor_a', 'actor_b', 'partner_b_to_a', 'partner_a_to_b']
    """
    require_choice("method", method, ("reml", "ml"))
    require_choice("residuals", residuals, RESIDUALS)
    require_choice("centre", centre, CENTRE)
    if not isinstance(random_slopes, bool):
        require_choice("random_slopes", random_slopes, RANDOM_SLOPES)
    require_level(ci)
    if (x_a is None) != (x_b is None):
        given = "x_a" if x_a is not None else "x_b"
        raise ValueError(
            f"cross-lags need X for both partners: {given} is given, its counterpart not "
            "(give x_a and x_b)"
        )
    cross = x_a is not None and x_b is not None
    if cross and {x_a, x_b} & {a, b}:
        raise ValueError(
            f"the cross-lagged variable (x_a={x_a!r}, x_b={x_b!r}) must be another "
            f"column than the scores ({a!r}, {b!r}): its lags would be the actor and "
            "partner effects themselves"
        )
    if ar1 and residuals == "by-role-correlated":
        raise ValueError(
            "ar1 cannot be combined with residuals='by-role-correlated': nlme fits one "
            "residual correlation structure at a time (corAR1 or corCompSymm); use "
            "residuals='by-role' with ar1"
        )
    general = cross or centre != "none" or ar1
    design: LaggedDesign | None = None
    if not general:
        series = couple_series(data, dyad=dyad, time=time, a=a, b=b, align="compact", ranges=ranges)
        require_variation(series.a, a)
        require_variation(series.b, b)
        moments = lagged_apim_moments(series, random_slopes=random_slopes)
    else:
        # Days as they are (the time-aligned grid): AR(1) residuals need the gaps.
        columns = [a, b, *([x_a, x_b] if cross else [])]
        declared = require_ranges(ranges, [c for c in columns if c is not None])
        series = couple_series(
            data, dyad=dyad, time=time, a=a, b=b, align="time",
            ranges={c: r for c, r in declared.items() if c in (a, b)},
        )  # fmt: skip
        require_variation(series.a, a)
        require_variation(series.b, b)
        x_series = None
        if x_a is not None and x_b is not None:
            x_series = couple_series(
                data, dyad=dyad, time=time, a=x_a, b=x_b, align="time",
                ranges={c: r for c, r in declared.items() if c in (x_a, x_b)},
            )  # fmt: skip
        design = lagged_design(series, x_series, centre=centre, random_slopes=random_slopes)
        paired_design = design_paired_moments(design)
        moments = paired_design.weighted(1.0, 0.0)[0]
    if moments.n_obs < 2 * moments.p + moments.q:
        raise ValueError(
            f"too few consecutive occasions: {moments.n_obs} partner-days have a "
            f"previous day, and the model needs well over {moments.p + moments.q}"
        )
    n_couples = int(np.count_nonzero(moments.ztz[:, 0, 0] + moments.ztz[:, 1, 1]))
    if n_couples < 2:
        raise ValueError(
            f"only {n_couples} couple has consecutive occasions; a multilevel model "
            "needs several couples"
        )
    # lme4's check.nobs.vs.nRE: with no more observations than random effects, the
    # random effects and the residual variance cannot be told apart.
    n_random = moments.q * n_couples
    if moments.n_obs <= n_random:
        fewer = " (or fit without random slopes)" if random_slopes else ""
        pairs = "one pair" if moments.q == 2 else f"{moments.q // 2} pairs"
        raise ValueError(
            f"the model is not identified: {moments.n_obs} partner-days have a previous "
            f"day, but there are {n_random} random effects ({moments.q} per couple, "
            f"{n_couples} couples); each couple needs more than {pairs} of consecutive "
            f"days on average{fewer}"
        )
    scale = np.sqrt(np.diag(moments.xtx))
    centred = moments.xtx / np.outer(scale, scale)
    if np.any(scale == 0) or np.linalg.cond(centred) > 1e12:
        if not general:
            raise ValueError(
                f"the lagged scores in {a!r} and {b!r} do not vary enough to separate "
                "stability from influence"
            )
        what = f"the lagged scores in {a!r} and {b!r}"
        if cross:
            what += f" and in {x_a!r} and {x_b!r}"
        if centre == "within":
            what += " (centred) and the partners' means"
        raise ValueError(f"{what} do not vary enough, or too much alike, to tell the effects apart")
    _, names, free = _random_design(random_slopes)
    terms: tuple[str, ...] = FIXED_TERMS
    if design is not None:
        terms = design.terms
        if _random_kind(random_slopes) == "by-role":
            names = design.terms[:6]
    if design is not None and ar1:
        fit = fit_ar1(
            design_series_moments(design),
            by_role=residuals == "by-role",
            reml=method == "reml",
            free=free,
        )
    elif residuals == "independent":
        fit = fit_mixed(moments, reml=method == "reml", free=free)
    else:
        paired = (
            paired_design
            if design is not None
            else lagged_apim_paired_moments(series, random_slopes=random_slopes)
        )
        fit = fit_paired(
            paired,
            correlated=residuals == "by-role-correlated",
            reml=method == "reml",
            free=free,
        )
    se = np.sqrt(np.diag(fit.vcov))
    z_crit = stats.norm.ppf(0.5 + ci / 2.0)
    with np.errstate(all="ignore"):
        statistic = fit.beta / se
    fixed = pd.DataFrame(
        {
            "term": list(terms),
            "effect": "fixed",
            "estimate": fit.beta,
            "std_error": se,
            "statistic": statistic,
            "p_value": 2.0 * stats.norm.sf(np.abs(statistic)),
            "ci_low": fit.beta - z_crit * se,
            "ci_high": fit.beta + z_crit * se,
        }
    )
    random = pd.DataFrame(_random_rows(fit, names, free, residuals, ar1))
    result = pd.concat([fixed, random], ignore_index=True)
    result.attrs["n_obs"] = moments.n_obs
    result.attrs["n_couples"] = n_couples
    result.attrs["log_likelihood"] = -0.5 * fit.deviance
    result.attrs["converged"] = fit.converged
    random_part = {
        "intercepts": "0 + role | couple",
        "shared": "0 + role + actor_lag + partner_lag | couple",
        "by-role": "0 + role + role:actor_lag + role:partner_lag || couple",
    }[_random_kind(random_slopes)]
    fixed_part = "0 + role + role:actor_lag + role:partner_lag"
    if design is not None:
        fixed_part = "0 + " + " + ".join(design.variables[1::2]).replace("roleb", "role")
    result.attrs["formula"] = f"y ~ {fixed_part} + ({random_part})"
    result.attrs["residuals"] = residuals
    structure = _NLME_RESIDUALS[residuals]
    if ar1:
        structure = ", ".join(
            part for part in (structure, "correlation = corAR1(form = ~ day | couple/role)") if part
        )
    result.attrs["residual_structure"] = structure
    result.attrs["centre"] = centre
    result.attrs["ar1"] = ar1
    simpler = {
        "intercepts": "",
        "shared": "without random slopes",
        "by-role": "shared random slopes, or none",
    }[_random_kind(random_slopes)]
    attach_warnings(result, fit_warnings(fit, names, simpler=simpler), emit=True)
    return result
