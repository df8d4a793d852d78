"""Lagged APIM (stability and influence) for couples' diaries, as a multilevel model."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import attach_warnings, require_choice, require_level, require_variation
from ._lmm import GroupMoments, MixedFit, PairedMoments, fit_mixed, fit_paired, fit_warnings
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


def _random_rows(
    fit: MixedFit, names: tuple[str, ...], free: np.ndarray | None, residuals: str
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
        Declared range of ``a`` and/or ``b``, e.g. ``{"close_a": (0, 100)}``: a score
        outside it (a code such as 99) is an error naming the column and the row.

    Returns
    -------
    pandas.DataFrame
        One row per term with columns ``term``, ``effect`` (``"fixed"`` or
        ``"random"``), ``estimate``, ``std_error``, ``statistic``, ``p_value``,
        ``ci_low``, ``ci_high``. Fixed terms: ``intercept_a``, ``intercept_b``,
        ``actor_a``, ``actor_b`` (stability), ``partner_b_to_a``, ``partner_a_to_b``
        (influence). Random terms: ``sd(...)`` and ``cor(..., ...)`` of the random
        effects, and ``sigma``, the residual standard deviation (no standard errors).
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
        not identified (lme4 refuses it too).

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
    if not isinstance(random_slopes, bool):
        require_choice("random_slopes", random_slopes, RANDOM_SLOPES)
    require_level(ci)
    series = couple_series(data, dyad=dyad, time=time, a=a, b=b, align="compact", ranges=ranges)
    require_variation(series.a, a)
    require_variation(series.b, b)
    moments = lagged_apim_moments(series, random_slopes=random_slopes)
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
        raise ValueError(
            f"the lagged scores in {a!r} and {b!r} do not vary enough to separate "
            "stability from influence"
        )
    _, names, free = _random_design(random_slopes)
    if residuals == "independent":
        fit = fit_mixed(moments, reml=method == "reml", free=free)
    else:
        paired = lagged_apim_paired_moments(series, random_slopes=random_slopes)
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
            "term": list(FIXED_TERMS),
            "effect": "fixed",
            "estimate": fit.beta,
            "std_error": se,
            "statistic": statistic,
            "p_value": 2.0 * stats.norm.sf(np.abs(statistic)),
            "ci_low": fit.beta - z_crit * se,
            "ci_high": fit.beta + z_crit * se,
        }
    )
    random = pd.DataFrame(_random_rows(fit, names, free, residuals))
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
    result.attrs["formula"] = f"y ~ 0 + role + role:actor_lag + role:partner_lag + ({random_part})"
    result.attrs["residuals"] = residuals
    result.attrs["residual_structure"] = _NLME_RESIDUALS[residuals]
    simpler = {
        "intercepts": "",
        "shared": "without random slopes",
        "by-role": "shared random slopes, or none",
    }[_random_kind(random_slopes)]
    attach_warnings(result, fit_warnings(fit, names, simpler=simpler), emit=True)
    return result
