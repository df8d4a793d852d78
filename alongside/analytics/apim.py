"""The Actor-Partner Interdependence Model for cross-sectional dyadic data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ._checks import (
    attach_warnings,
    numeric_values,
    require_columns,
    require_finite,
    require_frame,
    require_ids,
    require_in_range,
    require_level,
    require_ranges,
    require_variation,
    show,
)

__all__ = ["apim"]

_LOG_2PI = float(np.log(2.0 * np.pi))
_Z_BOUND = 6.0  # |rho| < tanh(6) = 0.99999
# An estimate of artanh(rho) this close to the bound is on the boundary: the optimiser
# was stopped by the bound, not by the likelihood.
_AT_BOUND = _Z_BOUND - 1e-3


@dataclass(frozen=True)
class _Dyads:
    """Sufficient statistics of w = (x, y) for complete dyads and single members."""

    w11: np.ndarray  # sum of w1 w1' over complete dyads (member 1 = first role)
    w22: np.ndarray
    w12: np.ndarray  # sum of (w1 w2' + w2 w1')
    single: tuple[np.ndarray, np.ndarray]  # sum of w w' over lone members, by role
    n_complete: int
    n_single: tuple[int, int]
    p: int

    @property
    def n_obs(self) -> int:
        return 2 * self.n_complete + self.n_single[0] + self.n_single[1]


def _quadratic(d: _Dyads, z: float, log_ratio: float) -> tuple[np.ndarray, float]:
    """w' V0^-1 w summed over dyads, and log |V0|, for rho = tanh z, delta = e^log_ratio.

    Within a complete dyad V0 = [[1, rho delta], [rho delta, delta^2]]; a lone member
    has variance 1 (first role) or delta^2 (second role).
    """
    rho = np.tanh(z)
    delta = np.exp(log_ratio)
    det = delta * delta * (1.0 - rho * rho)
    q = (delta * delta * d.w11 - rho * delta * d.w12 + d.w22) / det
    q = q + d.single[0] + d.single[1] / (delta * delta)
    logdet = d.n_complete * np.log(det) + d.n_single[1] * 2.0 * log_ratio
    return q, float(logdet)


def _profile(d: _Dyads, z: float, log_ratio: float) -> tuple[float, np.ndarray, np.ndarray, float]:
    """REML criterion (-2 log L, sigma profiled out), beta, (X'V0^-1 X)^-1, PRSS."""
    q, logdet = _quadratic(d, z, log_ratio)
    p = d.p
    a, bvec, c = q[:p, :p], q[:p, p], q[p, p]
    chol = np.linalg.cholesky(a)
    beta = np.linalg.solve(a, bvec)
    prss = float(c - bvec @ beta)
    dof = d.n_obs - p
    criterion = (
        dof * (1.0 + _LOG_2PI + np.log(prss / dof))
        + logdet
        + 2.0 * float(np.log(np.diag(chol)).sum())
    )
    return float(criterion), beta, np.linalg.inv(a), prss


def _full_criterion(d: _Dyads, params: np.ndarray, distinguishable: bool) -> float:
    """-2 REML log-likelihood in (log sigma, z, [log delta]) (for the Hessian)."""
    log_sigma, z = params[0], params[1]
    log_ratio = params[2] if distinguishable else 0.0
    q, logdet = _quadratic(d, z, log_ratio)
    p = d.p
    a, bvec, c = q[:p, :p], q[:p, p], q[p, p]
    beta = np.linalg.solve(a, bvec)
    prss = float(c - bvec @ beta)
    sigma2 = np.exp(2.0 * log_sigma)
    dof = d.n_obs - p
    _, logdet_a = np.linalg.slogdet(a)
    return float(dof * (_LOG_2PI + np.log(sigma2)) + prss / sigma2 + logdet + logdet_a)


def _hessian(func: Callable[[np.ndarray], float], x: np.ndarray, step: float = 1e-4) -> np.ndarray:
    k = len(x)
    h = np.zeros((k, k))
    for i in range(k):
        for j in range(i, k):
            e_i = np.zeros(k)
            e_j = np.zeros(k)
            e_i[i] = step
            e_j[j] = step
            value = (
                func(x + e_i + e_j)
                - func(x + e_i - e_j)
                - func(x - e_i + e_j)
                + func(x - e_i - e_j)
            ) / (4.0 * step * step)
            h[i, j] = h[j, i] = value
    return h


def _fit(d: _Dyads, distinguishable: bool, start: tuple[float, float]) -> tuple[float, float]:
    """REML estimates of (z, log delta)."""
    if not distinguishable:
        grid = np.linspace(-_Z_BOUND + 0.05, _Z_BOUND - 0.05, 121)
        values = [_profile(d, z, 0.0)[0] for z in grid]
        best = float(grid[int(np.argmin(values))])
        found = optimize.minimize_scalar(
            lambda z: _profile(d, z, 0.0)[0],
            bounds=(max(best - 0.2, -_Z_BOUND), min(best + 0.2, _Z_BOUND)),
            method="bounded",
            options={"xatol": 1e-11},
        )
        return float(found.x), 0.0
    result = optimize.minimize(
        lambda v: _profile(d, float(np.clip(v[0], -_Z_BOUND, _Z_BOUND)), float(v[1]))[0],
        np.array(start),
        method="Nelder-Mead",
        options={"xatol": 1e-11, "fatol": 1e-13, "maxiter": 4000},
    )
    return float(np.clip(result.x[0], -_Z_BOUND, _Z_BOUND)), float(result.x[1])


def _prepare(
    frame: pd.DataFrame,
    *,
    dyad: str,
    outcome: str,
    actor: str,
    partner: str,
    distinguish_by: str | None,
    ranges: Mapping[str, tuple[float, float]] | None,
) -> tuple[_Dyads, list[str], tuple[float, float]]:
    require_columns(frame, [dyad, outcome, actor, partner, distinguish_by])
    require_ids(frame, dyad)
    declared = require_ranges(ranges, [outcome, actor, partner])
    y = numeric_values(frame, outcome).astype(np.float64)
    x_a = numeric_values(frame, actor).astype(np.float64)
    x_p = numeric_values(frame, partner).astype(np.float64)
    for column, values in ((outcome, y), (actor, x_a), (partner, x_p)):
        require_finite(values, column)
        if column in declared:
            require_in_range(values, column, *declared[column])
    codes, labels = pd.factorize(frame[dyad])
    sizes = np.bincount(codes)
    if np.any(sizes > 2):
        crowded = labels[int(np.flatnonzero(sizes > 2)[0])]
        raise ValueError(
            f"dyad {show(crowded)} has {int(sizes.max())} rows in column {dyad!r}; "
            "a dyad has at most two members (one row each)"
        )
    if distinguish_by is not None:
        require_ids(frame, distinguish_by)
        role_values = frame[distinguish_by].astype(str).str.strip()
        roles = sorted(role_values.unique())
        if len(roles) != 2:
            found = ", ".join(show(r) for r in roles[:5])
            raise ValueError(
                f"column {distinguish_by!r} must have exactly two values to distinguish "
                f"the members, but has {len(roles)}: {found}"
            )
        role = (role_values == roles[1]).to_numpy().astype(np.int64)
    else:
        roles = []
        role = np.zeros(len(frame), dtype=np.int64)

    # Check that both members' rows are mirror images (pairwise structure).
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    pair_first = np.flatnonzero(sorted_codes[1:] == sorted_codes[:-1])
    i, j = order[pair_first], order[pair_first + 1]
    for own, other in ((x_a, x_p), (x_p, x_a)):
        both = np.isfinite(own[i]) & np.isfinite(other[j])
        mismatch = both & ~np.isclose(own[i], other[j], rtol=1e-9, atol=1e-9)
        if mismatch.any():
            where = labels[codes[i[int(np.flatnonzero(mismatch)[0])]]]
            raise ValueError(
                f"dyad {show(where)} is not in pairwise form: {actor!r} of one member should "
                f"equal {partner!r} of the other"
            )
    if distinguish_by is not None and np.any(role[i] == role[j]):
        where = labels[codes[i[int(np.flatnonzero(role[i] == role[j])[0])]]]
        raise ValueError(
            f"both members of dyad {show(where)} have the same {distinguish_by!r}; "
            "distinguishable dyads need one member of each kind"
        )

    keep = np.isfinite(y) & np.isfinite(x_a) & np.isfinite(x_p)
    codes, y, x_a, x_p, role = codes[keep], y[keep], x_a[keep], x_p[keep], role[keep]
    require_variation(y, outcome)
    # Distinguishable members have a residual variance each: one role's constant
    # outcome is as empty as everyone's (sigma 0, standard errors 0, p = 0).
    for k, label in enumerate(roles):
        values = y[role == k]
        if len(values) > 0 and bool(np.all(values == values[0])):
            raise ValueError(
                f"column {outcome!r} has the same value ({show(values[0])}) in every row "
                f"used with {distinguish_by} = {show(label)}; a constant outcome has no "
                "variance to model"
            )
    if distinguish_by is None:
        x = np.column_stack([np.ones_like(y), x_a, x_p])
        names = ["intercept", "actor", "partner"]
    else:
        r0, r1 = (role == 0).astype(float), (role == 1).astype(float)
        x = np.column_stack([r0, r1, r0 * x_a, r1 * x_a, r0 * x_p, r1 * x_p])
        names = ["intercept", "intercept", "actor", "actor", "partner", "partner"]
    w = np.column_stack([x, y])
    # Order rows by dyad, then role (so member 1 of a complete dyad has role 0).
    order = np.lexsort((role, codes))
    codes, w, role = codes[order], w[order], role[order]
    first = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))
    counts = np.diff(np.concatenate((first, [len(codes)])))
    pairs = first[counts == 2]
    lone = first[counts == 1]
    w1, w2 = w[pairs], w[pairs + 1]
    single = tuple((w[lone][role[lone] == r].T @ w[lone][role[lone] == r]) for r in (0, 1))
    dyads = _Dyads(
        w11=w1.T @ w1,
        w22=w2.T @ w2,
        w12=w1.T @ w2 + w2.T @ w1,
        single=(single[0], single[1]),
        n_complete=len(pairs),
        n_single=(int(np.sum(role[lone] == 0)), int(np.sum(role[lone] == 1))),
        p=x.shape[1],
    )
    if dyads.n_complete < 3:
        raise ValueError(
            f"only {dyads.n_complete} dyads have both members with complete {outcome!r}, "
            f"{actor!r} and {partner!r}; the APIM needs at least 3"
        )
    if dyads.n_obs - dyads.p < 2:
        raise ValueError(f"too few observations ({dyads.n_obs}) for {dyads.p} coefficients")
    # Starting values from per-member OLS residuals of complete dyads.
    p = x.shape[1]
    beta0 = np.linalg.lstsq(w[:, :p], w[:, p], rcond=None)[0]
    e1 = w1[:, p] - w1[:, :p] @ beta0
    e2 = w2[:, p] - w2[:, :p] @ beta0
    r = float(np.clip(np.corrcoef(e1, e2)[0, 1], -0.99, 0.99)) if len(e1) > 2 else 0.0
    ratio = float(np.log(max(e2.std(), 1e-8) / max(e1.std(), 1e-8)))
    rank = np.linalg.matrix_rank(w[:, :p])
    if rank < p:
        raise ValueError(
            f"the predictors {actor!r} and {partner!r} do not vary enough to estimate "
            "actor and partner effects (the design is singular)"
        )
    # An outcome the predictors reproduce exactly leaves no residual variance: the same
    # nonsense as a constant outcome (zero standard errors, rho at its bound). With
    # distinguishable members each role has its own coefficients, so each role in turn.
    residual = w[:, p] - w[:, :p] @ beta0
    for k in range(len(roles) or 1):
        mine = (role == k) if roles else np.ones(len(role), dtype=bool)
        centred = w[mine, p] - w[mine, p].mean()
        if float(residual[mine] @ residual[mine]) <= 1e-20 * float(centred @ centred):
            which = f" for {distinguish_by} = {show(roles[k])}" if roles else ""
            raise ValueError(
                f"{outcome!r} is an exact linear function of {actor!r} and {partner!r}"
                f"{which}; with no residual variance there is nothing to model"
            )
    return dyads, roles if distinguish_by else names, (float(np.arctanh(r)), ratio)


def apim(
    data: pd.DataFrame,
    *,
    dyad: str,
    outcome: str,
    actor: str,
    partner: str,
    distinguish_by: str | None = None,
    ci: float = 0.95,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Actor-Partner Interdependence Model for cross-sectional dyadic data.

    Each person's outcome is predicted from their own predictor (actor effect) and
    their partner's (partner effect), with the two members' residuals allowed to be
    correlated (Kenny, Kashy & Cook, 2006). Members are indistinguishable by default
    (e.g. same-sex couples, friends); give ``distinguish_by`` (e.g. gender, patient vs
    carer) for the two-intercept model with separate effects and variances per role.

    Parameters
    ----------
    data : pandas.DataFrame
        Pairwise data: one row per person, with the person's own predictor (``actor``)
        and their partner's (``partner``) on the same row.
    dyad : str
        Column identifying the dyad (at most two rows each).
    outcome : str
        The person's outcome (e.g. ``"Satisfaction_A"``).
    actor, partner : str
        The person's and the partner's predictor (e.g. ``"OtherPos_A"``, ``"OtherPos_P"``).
    distinguish_by : str, optional
        Column with exactly two values telling the members apart (e.g. ``"Gender_A"``).
    ci : float, default 0.95
        Confidence level.
    ranges : dict, optional
        Declared ranges of ``outcome``, ``actor`` and/or ``partner``, e.g.
        ``{"Satisfaction_A": (1, 5)}``: a value outside (a code such as 99) is an
        error naming the column and the row.

    Returns
    -------
    pandas.DataFrame
        One row per term, with columns ``term``, ``role`` (the ``distinguish_by`` value,
        missing for terms shared by both roles), ``estimate``, ``std_error``, ``statistic``, ``df``, ``p_value``,
        ``ci_low``, ``ci_high``. Terms: ``intercept``, ``actor``, ``partner`` (fixed
        effects), ``k`` (partner / actor), ``rho`` (the non-independence: the
        within-dyad residual correlation) and ``sigma`` (residual standard deviation,
        per role when distinguishable). ``attrs`` holds ``n_obs``, ``n_dyads``,
        ``log_likelihood`` (REML) and ``warnings``: a tuple of sentences, empty for a
        clean fit, naming a boundary fit (``rho`` at +1 or -1) or missing intervals;
        each is also issued as a ``RuntimeWarning``.

    Raises
    ------
    ValueError
        Besides wrong columns and shapes: infinite values, values outside ``ranges``,
        and an outcome that is constant or an exact function of the predictors (no
        variance to model).

    Notes
    -----
    Indistinguishable members, for person *i* of dyad *j*:

    .. math::

        y_{ij} = \\beta_0 + a\\, x_{ij} + p\\, x_{ij'} + e_{ij}, \\qquad
        \\operatorname{Var}(e_{ij}) = \\sigma^2, \\;
        \\operatorname{Cor}(e_{ij}, e_{ij'}) = \\rho,

    i.e. generalised least squares with compound-symmetric errors within dyad, fitted
    by REML. This is nlme's ``gls(y ~ x_A + x_P, correlation = corCompSymm(form = ~1 |
    dyad))``; :math:`\\rho` may be negative.

    Distinguishable members (roles 1 and 2) get their own intercept, actor and partner
    effects and residual variance (the two-intercept model):

    .. math::

        y_{ij} = \\beta_{0r} + a_r x_{ij} + p_r x_{ij'} + e_{ij}, \\qquad
        \\operatorname{Var}(e_{ij}) = \\sigma_r^2, \\;
        \\operatorname{Cor}(e_{i1}, e_{i2}) = \\rho,

    which is nlme's ``gls(y ~ role + role:x_A + role:x_P - 1, correlation =
    corCompSymm(form = ~1 | dyad), weights = varIdent(form = ~1 | role))``.

    The REML criterion is profiled over :math:`\\sigma^2` and minimised over
    :math:`\\operatorname{artanh}\\rho` (and the log variance ratio); fixed effects and
    their standard errors are the GLS ones, :math:`\\hat\\sigma^2 (X'V_0^{-1}X)^{-1}`,
    tested with *t* on :math:`N - p` degrees of freedom (as nlme). Intervals for
    :math:`\\rho` and :math:`\\sigma` are Wald intervals on the Fisher-*z* and log scales
    from the numerical Hessian of the REML log-likelihood (as nlme's ``intervals``).
    ``k`` uses the delta method: :math:`\\operatorname{Var}(k) \\approx (\\operatorname{Var}(p)
    - 2k\\operatorname{Cov}(a, p) + k^2 \\operatorname{Var}(a)) / a^2`, with a normal
    interval (Kenny & Ledermann, 2010, prefer bootstrap intervals for *k*). Rows with a
    missing outcome or predictor are left out.

    References
    ----------
    Kenny, D. A., Kashy, D. A., & Cook, W. L. (2006). *Dyadic data analysis*.
    Guilford Press. Chapter 7.

    Kenny, D. A., & Ledermann, T. (2010). Detecting, measuring, and testing dyadic
    patterns in the actor-partner interdependence model. *Journal of Family
    Psychology, 24*(3), 359-366.

    Examples
    --------
    >>> import pandas as pd
    >>> from alongside.analytics import apim
    >>> people = pd.DataFrame({
    ...     "couple": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6],
    ...     "warmth_A": [3, 4, 2, 5, 4, 4, 1, 3, 5, 2, 3, 3],
    ...     "warmth_P": [4, 3, 5, 2, 4, 4, 3, 1, 2, 5, 3, 3],
    ...     "happy": [3.5, 4.2, 3.1, 4.0, 4.4, 4.1, 1.9, 2.8, 4.1, 3.0, 3.2, 3.6],
    ... })
    >>> fit = apim(people, dyad="couple", outcome="happy", actor="warmth_A",
    ...            partner="warmth_P")
    >>> fit["term"].tolist()
    ['intercept', 'actor', 'partner', 'k', 'rho', 'sigma']
    """
    frame = require_frame(data)
    require_level(ci)
    distinguishable = distinguish_by is not None
    dyads, roles, start = _prepare(
        frame,
        dyad=dyad,
        outcome=outcome,
        actor=actor,
        partner=partner,
        distinguish_by=distinguish_by,
        ranges=ranges,
    )
    z, log_ratio = _fit(dyads, distinguishable, start)
    criterion, beta, a_inv, prss = _profile(dyads, z, log_ratio)
    dof = dyads.n_obs - dyads.p
    sigma2 = prss / dof
    cov = sigma2 * a_inv
    se = np.sqrt(np.diag(cov))
    t_crit = stats.t.ppf(0.5 + ci / 2.0, dof)
    z_crit = stats.norm.ppf(0.5 + ci / 2.0)

    params = np.array([0.5 * np.log(sigma2), z] + ([log_ratio] if distinguishable else []))
    info = _hessian(lambda v: _full_criterion(dyads, v, distinguishable), params)
    try:
        vcov_theta = 2.0 * np.linalg.inv(info)
    except np.linalg.LinAlgError:
        vcov_theta = np.full((len(params), len(params)), np.nan)

    rows: list[dict[str, object]] = []

    def fixed(term: str, role: str | None, k: int) -> None:
        t = beta[k] / se[k]
        rows.append(
            {
                "term": term,
                "role": role,
                "estimate": beta[k],
                "std_error": se[k],
                "statistic": t,
                "df": float(dof),
                "p_value": 2.0 * stats.t.sf(abs(t), dof),
                "ci_low": beta[k] - t_crit * se[k],
                "ci_high": beta[k] + t_crit * se[k],
            }
        )

    def derived(
        term: str, role: str | None, estimate: float, se_: float, low: float, high: float
    ) -> None:
        rows.append(
            {
                "term": term,
                "role": role,
                "estimate": estimate,
                "std_error": se_,
                "statistic": np.nan,
                "df": np.nan,
                "p_value": np.nan,
                "ci_low": low,
                "ci_high": high,
            }
        )

    def ratio(actor_k: int, partner_k: int, role: str | None) -> None:
        a_hat, p_hat = beta[actor_k], beta[partner_k]
        k_hat = p_hat / a_hat
        var = (
            cov[partner_k, partner_k]
            - 2.0 * k_hat * cov[actor_k, partner_k]
            + k_hat * k_hat * cov[actor_k, actor_k]
        ) / (a_hat * a_hat)
        se_k = float(np.sqrt(var))
        derived("k", role, k_hat, se_k, k_hat - z_crit * se_k, k_hat + z_crit * se_k)

    def sigma(role: str | None, log_value: float, var_log: float) -> None:
        se_log = float(np.sqrt(var_log))
        value = float(np.exp(log_value))
        derived(
            "sigma",
            role,
            value,
            value * se_log,
            float(np.exp(log_value - z_crit * se_log)),
            float(np.exp(log_value + z_crit * se_log)),
        )

    log_sigma = params[0]
    if not distinguishable:
        fixed("intercept", None, 0)
        fixed("actor", None, 1)
        fixed("partner", None, 2)
        ratio(1, 2, None)
    else:
        for r, role in enumerate(roles):
            fixed("intercept", role, r)
            fixed("actor", role, 2 + r)
            fixed("partner", role, 4 + r)
            ratio(2 + r, 4 + r, role)
    se_z = float(np.sqrt(vcov_theta[1, 1]))
    rho = float(np.tanh(z))
    derived(
        "rho",
        None,
        rho,
        (1.0 - rho * rho) * se_z,
        float(np.tanh(z - z_crit * se_z)),
        float(np.tanh(z + z_crit * se_z)),
    )
    if not distinguishable:
        sigma(None, log_sigma, vcov_theta[0, 0])
    else:
        sigma(roles[0], log_sigma, vcov_theta[0, 0])
        sigma(
            roles[1],
            log_sigma + log_ratio,
            vcov_theta[0, 0] + 2.0 * vcov_theta[0, 2] + vcov_theta[2, 2],
        )
    result = pd.DataFrame(rows)
    result.attrs["n_obs"] = dyads.n_obs
    result.attrs["n_dyads"] = dyads.n_complete + sum(dyads.n_single)
    result.attrs["log_likelihood"] = -0.5 * criterion
    messages: list[str] = []
    if abs(z) >= _AT_BOUND:
        messages.append(
            f"boundary fit: the within-dyad correlation rho is at its limit ({rho:.5f}); "
            "one member's residual (almost) fixes the other's, so the "
            "standard errors and intervals cannot be trusted"
        )
    derived_terms = result["term"].isin(["rho", "sigma"])
    no_interval = derived_terms & (result["ci_low"].isna() | result["ci_high"].isna())
    if no_interval.any():
        terms = " and ".join(dict.fromkeys(result.loc[no_interval, "term"]))
        messages.append(
            f"the likelihood is flat or not at a maximum around {terms}: the interval "
            "needs its curvature and is missing"
        )
    attach_warnings(result, messages, emit=True)
    return result
