"""The Actor-Partner Interdependence Model for cross-sectional dyadic data."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ._checks import (
    attach_warnings,
    numeric_values,
    require_choice,
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

__all__ = ["apim", "apim_power", "apim_tests"]

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


@dataclass(frozen=True)
class _Sample:
    """The design rows (x, y) of complete dyads and of lone members, kept per dyad so that
    a bootstrap resample is a reweighting of their sums."""

    w1: np.ndarray  # (complete dyads, p + 1): the first role's member
    w2: np.ndarray
    lone: np.ndarray  # (lone members, p + 1)
    lone_role: np.ndarray
    p: int
    names: tuple[str, ...] = ()  # the terms (each once; per role when distinguishable)

    def dyads(
        self, pair_weight: np.ndarray | None = None, lone_weight: np.ndarray | None = None
    ) -> _Dyads:
        """Sufficient statistics, each complete dyad (lone member) counted ``weight`` times."""
        cw = np.ones(len(self.w1)) if pair_weight is None else pair_weight
        lw = np.ones(len(self.lone)) if lone_weight is None else lone_weight
        w1c = self.w1 * cw[:, None]
        single = []
        for r in (0, 1):
            mine = self.lone_role == r
            single.append((self.lone[mine] * lw[mine, None]).T @ self.lone[mine])
        return _Dyads(
            w11=w1c.T @ self.w1,
            w22=(self.w2 * cw[:, None]).T @ self.w2,
            w12=w1c.T @ self.w2 + self.w2.T @ w1c,
            single=(single[0], single[1]),
            n_complete=round(float(cw.sum())),
            n_single=(
                round(float(lw[self.lone_role == 0].sum())),
                round(float(lw[self.lone_role == 1].sum())),
            ),
            p=self.p,
        )


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


def _profile(
    d: _Dyads, z: float, log_ratio: float, reml: bool = True
) -> tuple[float, np.ndarray, np.ndarray, float]:
    """-2 log L (REML or ML, sigma profiled out), beta, (X'V0^-1 X)^-1, PRSS."""
    q, logdet = _quadratic(d, z, log_ratio)
    p = d.p
    a, bvec, c = q[:p, :p], q[:p, p], q[p, p]
    chol = np.linalg.cholesky(a)
    beta = np.linalg.solve(a, bvec)
    prss = float(c - bvec @ beta)
    if reml:
        dof = d.n_obs - p
        criterion = (
            dof * (1.0 + _LOG_2PI + np.log(prss / dof))
            + logdet
            + 2.0 * float(np.log(np.diag(chol)).sum())
        )
    else:
        n = d.n_obs
        criterion = n * (1.0 + _LOG_2PI + np.log(prss / n)) + logdet
    return float(criterion), beta, np.linalg.inv(a), prss


def _full_criterion(
    d: _Dyads, params: np.ndarray, distinguishable: bool, reml: bool = True
) -> float:
    """-2 log-likelihood (REML or ML) in (log sigma, z, [log delta]) (for the Hessian)."""
    log_sigma, z = params[0], params[1]
    log_ratio = params[2] if distinguishable else 0.0
    q, logdet = _quadratic(d, z, log_ratio)
    p = d.p
    a, bvec, c = q[:p, :p], q[:p, p], q[p, p]
    beta = np.linalg.solve(a, bvec)
    prss = float(c - bvec @ beta)
    sigma2 = np.exp(2.0 * log_sigma)
    if not reml:
        return float(d.n_obs * (_LOG_2PI + np.log(sigma2)) + prss / sigma2 + logdet)
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


def _fit(
    d: _Dyads,
    distinguishable: bool,
    start: tuple[float, float],
    reml: bool = True,
    independent: bool = False,
    grid_size: int = 121,
    tolerance: float = 1e-11,
) -> tuple[float, float]:
    """REML (or ML) estimates of (z, log delta); ``independent`` holds rho at 0."""
    if independent:
        if not distinguishable:
            return 0.0, 0.0
        one = optimize.minimize_scalar(
            lambda v: _profile(d, 0.0, float(v), reml)[0],
            bounds=(start[1] - 5.0, start[1] + 5.0),
            method="bounded",
            options={"xatol": 1e-11},
        )
        return 0.0, float(one.x)
    if not distinguishable:
        grid = np.linspace(-_Z_BOUND + 0.05, _Z_BOUND - 0.05, grid_size)
        values = [_profile(d, z, 0.0, reml)[0] for z in grid]
        best = float(grid[int(np.argmin(values))])
        width = 2.0 * (grid[1] - grid[0])
        found = optimize.minimize_scalar(
            lambda z: _profile(d, z, 0.0, reml)[0],
            bounds=(max(best - width, -_Z_BOUND), min(best + width, _Z_BOUND)),
            method="bounded",
            options={"xatol": 1e-11},
        )
        return float(found.x), 0.0
    result = optimize.minimize(
        lambda v: _profile(d, float(np.clip(v[0], -_Z_BOUND, _Z_BOUND)), float(v[1]), reml)[0],
        np.array(start),
        method="Nelder-Mead",
        options={"xatol": tolerance, "fatol": tolerance * 1e-2, "maxiter": 4000},
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
    covariates: Sequence[str] = (),
    moderator: str | None = None,
) -> tuple[_Sample, list[str], tuple[float, float]]:
    covariates = list(covariates)
    require_columns(frame, [dyad, outcome, actor, partner, distinguish_by, *covariates, moderator])
    require_ids(frame, dyad)
    used = [outcome, actor, partner]
    for column in [*covariates, moderator]:
        if column is None:
            continue
        if column in used:
            raise ValueError(
                f"column {column!r} is used twice (as outcome, actor, partner, covariate "
                "or moderator); name each column once"
            )
        used.append(column)
    declared = require_ranges(ranges, used)
    y = numeric_values(frame, outcome).astype(np.float64)
    x_a = numeric_values(frame, actor).astype(np.float64)
    x_p = numeric_values(frame, partner).astype(np.float64)
    extra = {c: numeric_values(frame, c).astype(np.float64) for c in used[3:]}
    for column, values in ((outcome, y), (actor, x_a), (partner, x_p), *extra.items()):
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
    for values in extra.values():
        keep &= np.isfinite(values)
    codes, y, x_a, x_p, role = codes[keep], y[keep], x_a[keep], x_p[keep], role[keep]
    extra = {c: v[keep] for c, v in extra.items()}
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
    # The terms shared by both roles (indistinguishable) or estimated per role: intercept,
    # actor, partner, the covariates, and with a moderator m: m, actor x m, partner x m.
    base = [np.ones_like(y), x_a, x_p] + [extra[c] for c in covariates]
    names = ["intercept", "actor", "partner", *covariates]
    if moderator is not None:
        m = extra[moderator]
        base += [m, x_a * m, x_p * m]
        names += [moderator, f"actor:{moderator}", f"partner:{moderator}"]
    if distinguish_by is None:
        x = np.column_stack(base)
    else:
        r0, r1 = (role == 0).astype(float), (role == 1).astype(float)
        x = np.column_stack([column * r for column in base for r in (r0, r1)])
    w = np.column_stack([x, y])
    # Order rows by dyad, then role (so member 1 of a complete dyad has role 0).
    order = np.lexsort((role, codes))
    codes, w, role = codes[order], w[order], role[order]
    first = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))
    counts = np.diff(np.concatenate((first, [len(codes)])))
    pairs = first[counts == 2]
    lone = first[counts == 1]
    w1, w2 = w[pairs], w[pairs + 1]
    sample = _Sample(
        w1=w1, w2=w2, lone=w[lone], lone_role=role[lone], p=x.shape[1], names=tuple(names)
    )
    dyads = sample.dyads()
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
        named = ", ".join(repr(c) for c in [actor, partner, *used[3:]])
        raise ValueError(
            f"the predictors {named} do not vary enough, or one is a combination of the "
            "others, to estimate every effect (the design is singular)"
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
    return sample, roles if distinguish_by else [], (float(np.arctanh(r)), ratio)


def apim(
    data: pd.DataFrame,
    *,
    dyad: str,
    outcome: str,
    actor: str,
    partner: str,
    distinguish_by: str | None = None,
    covariates: Sequence[str] = (),
    moderator: str | None = None,
    method: str = "reml",
    bootstrap: int = 0,
    random_state: int | None = None,
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
    covariates : sequence of str, optional
        Numeric columns added as terms of their own (per role when distinguishable).
    moderator : str, optional
        A numeric column *m*: adds the terms ``m``, ``actor:m`` and ``partner:m``, so the
        actor and partner effects may change with *m* (they are then the effects at
        *m* = 0; centre *m* to read them at its mean). ``k`` is computed at *m* = 0.
    method : {"reml", "ml"}, default "reml"
        Restricted or full maximum likelihood (nlme's ``method``).
    bootstrap : int, default 0
        With N >= 200, ``k``'s interval is a percentile interval from N resamples of
        whole dyads, each refitted, and its ``std_error`` the resamples' SD; the
        ``interval`` column says so with the number of resamples.
    random_state : int, optional
        Seed for the bootstrap.
    ci : float, default 0.95
        Confidence level.
    ranges : dict, optional
        Declared ranges of ``outcome``, ``actor``, ``partner``, covariates, e.g.
        ``{"Satisfaction_A": (1, 5)}``: a value outside (a code such as 99) is an
        error naming the column and the row.

    Returns
    -------
    pandas.DataFrame
        One row per term, with columns ``term``, ``role`` (the ``distinguish_by`` value,
        missing for terms shared by both roles), ``estimate``, ``std_error``, ``statistic``, ``df``, ``p_value``,
        ``ci_low``, ``ci_high``, ``interval`` (how the interval was made). Terms:
        ``intercept``, ``actor``, ``partner``, the covariates and moderator terms (fixed
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
    require_choice("method", method, ("reml", "ml"))
    if not isinstance(bootstrap, (int, np.integer)) or isinstance(bootstrap, bool) or bootstrap < 0:
        raise ValueError(
            f"bootstrap must be a whole number of resamples (0 for none), not {bootstrap!r}"
        )
    if 0 < bootstrap < 200:
        raise ValueError(
            f"bootstrap = {bootstrap} resamples is too few for percentile intervals; use "
            "at least 200 (1,000 or more for a 95% interval)"
        )
    distinguishable = distinguish_by is not None
    reml = method == "reml"
    sample, roles, start = _prepare(
        frame,
        dyad=dyad,
        outcome=outcome,
        actor=actor,
        partner=partner,
        distinguish_by=distinguish_by,
        ranges=ranges,
        covariates=covariates,
        moderator=moderator,
    )
    dyads = sample.dyads()
    z, log_ratio = _fit(dyads, distinguishable, start, reml)
    criterion, beta, a_inv, prss = _profile(dyads, z, log_ratio, reml)
    dof = dyads.n_obs - dyads.p
    sigma2 = prss / (dof if reml else dyads.n_obs)
    # As nlme's summary.gls: with ML too, the fixed effects' covariance uses the
    # residual variance on N - p degrees of freedom.
    cov = prss / dof * a_inv
    se = np.sqrt(np.diag(cov))
    t_crit = stats.t.ppf(0.5 + ci / 2.0, dof)
    z_crit = stats.norm.ppf(0.5 + ci / 2.0)

    params = np.array([0.5 * np.log(sigma2), z] + ([log_ratio] if distinguishable else []))
    info = _hessian(lambda v: _full_criterion(dyads, v, distinguishable, reml), params)
    try:
        vcov_theta = 2.0 * np.linalg.inv(info)
    except np.linalg.LinAlgError:
        vcov_theta = np.full((len(params), len(params)), np.nan)

    n_roles = 2 if distinguishable else 1

    # Column of term t for role r in the design.
    def column(t: int, r: int = 0) -> int:
        return t * n_roles + r

    k_draws: list[np.ndarray] = []
    if bootstrap:
        k_draws = _bootstrap_k(
            sample, distinguishable, (z, log_ratio), reml, bootstrap, random_state, column
        )
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
                "interval": f"t ({dof} df)",
            }
        )

    def derived(
        term: str,
        role: str | None,
        estimate: float,
        se_: float,
        low: float,
        high: float,
        interval: str,
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
                "interval": interval,
            }
        )

    def ratio(actor_k: int, partner_k: int, role: str | None, r: int) -> None:
        a_hat, p_hat = beta[actor_k], beta[partner_k]
        k_hat = p_hat / a_hat
        if k_draws:
            draws = k_draws[r]
            draws = draws[np.isfinite(draws)]
            low, high = np.quantile(draws, [0.5 - ci / 2.0, 0.5 + ci / 2.0])
            derived(
                "k",
                role,
                k_hat,
                float(np.std(draws, ddof=1)),
                float(low),
                float(high),
                f"percentile bootstrap ({len(draws)} resamples of dyads)",
            )
            return
        var = (
            cov[partner_k, partner_k]
            - 2.0 * k_hat * cov[actor_k, partner_k]
            + k_hat * k_hat * cov[actor_k, actor_k]
        ) / (a_hat * a_hat)
        se_k = float(np.sqrt(var))
        derived(
            "k", role, k_hat, se_k, k_hat - z_crit * se_k, k_hat + z_crit * se_k, "delta method"
        )

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
            "Wald, log scale",
        )

    log_sigma = params[0]
    names = sample.names
    if not distinguishable:
        for t, name in enumerate(names):
            fixed(name, None, column(t))
        ratio(column(1), column(2), None, 0)
    else:
        for t, name in enumerate(names):
            for r, role in enumerate(roles):
                fixed(name, role, column(t, r))
        for r, role in enumerate(roles):
            ratio(column(1, r), column(2, r), role, r)
    se_z = float(np.sqrt(vcov_theta[1, 1]))
    rho = float(np.tanh(z))
    derived(
        "rho",
        None,
        rho,
        (1.0 - rho * rho) * se_z,
        float(np.tanh(z - z_crit * se_z)),
        float(np.tanh(z + z_crit * se_z)),
        "Wald, Fisher-z scale",
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
    result.attrs["method"] = method
    result.attrs["bootstrap_resamples"] = int(bootstrap)
    messages: list[str] = []
    if abs(z) >= _AT_BOUND:
        messages.append(
            f"boundary fit: the within-dyad correlation rho is at its limit ({rho:.5f}); "
            "one member's residual (almost) fixes the other's, so the "
            "standard errors and intervals cannot be trusted"
        )
    if bootstrap:
        usable = min(int(np.isfinite(d).sum()) for d in k_draws)
        if usable < bootstrap:
            messages.append(
                f"{bootstrap - usable} of {bootstrap} bootstrap resamples could not be fitted "
                "(or gave an actor effect of 0) and were left out of the interval for k"
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


def _bootstrap_k(
    sample: _Sample,
    distinguishable: bool,
    start: tuple[float, float],
    reml: bool,
    resamples: int,
    random_state: int | None,
    column: Callable[..., int],
) -> list[np.ndarray]:
    """k = partner / actor in ``resamples`` resamples of whole dyads (with replacement),
    one array per role; NaN where a resample could not be fitted."""
    rng = np.random.default_rng(random_state)
    n_pairs, n_lone = len(sample.w1), len(sample.lone)
    n_roles = 2 if distinguishable else 1
    draws = np.full((n_roles, resamples), np.nan)
    for b in range(resamples):
        picked = rng.integers(0, n_pairs + n_lone, size=n_pairs + n_lone)
        counts = np.bincount(picked, minlength=n_pairs + n_lone).astype(float)
        dyads = sample.dyads(counts[:n_pairs], counts[n_pairs:])
        try:
            z, log_ratio = _fit(dyads, distinguishable, start, reml, grid_size=41, tolerance=1e-7)
            beta = _profile(dyads, z, log_ratio, reml)[1]
        except (np.linalg.LinAlgError, ValueError, FloatingPointError):
            continue
        for r in range(n_roles):
            a_hat = beta[column(1, r)]
            if a_hat != 0:
                draws[r, b] = beta[column(2, r)] / a_hat
    return list(draws)


def apim_tests(
    data: pd.DataFrame,
    *,
    dyad: str,
    outcome: str,
    actor: str,
    partner: str,
    distinguish_by: str | None = None,
    covariates: Sequence[str] = (),
    moderator: str | None = None,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Likelihood-ratio tests for the APIM: non-independence and distinguishability.

    Parameters
    ----------
    data, dyad, outcome, actor, partner, distinguish_by, covariates, moderator, ranges
        As in :func:`apim`.

    Returns
    -------
    pandas.DataFrame
        One row per test, with columns ``test``, ``estimate``, ``statistic`` (the
        likelihood ratio, chi-square), ``df``, ``p_value``, ``method`` and ``models``:

        * ``nonindependence``: are the two members' residuals correlated? ``estimate``
          is the partial intraclass correlation ``rho`` (the within-dyad correlation of
          the residuals, after the actor, partner and other effects); the APIM with
          ``rho`` against the same model with ``rho`` = 0, both by REML (the fixed
          effects are the same), 1 df. For the model ``distinguish_by`` names, if any.
        * ``distinguishability`` (only with ``distinguish_by``): do the roles differ at
          all? The distinguishable (two-intercept) model against the indistinguishable
          one, both by ML because their fixed effects differ; the df are the extra
          intercept, effects and residual variance of the second role.

    Notes
    -----
    The test of distinguishability is Kenny, Kashy & Cook's (2006, ch. 6 and 7) omnibus
    test: if it is not significant, the data give no reason to treat the two kinds of
    member differently and the simpler indistinguishable model may be used. It is
    nlme's ``anova(gls(..., method = "ML"), gls(..., weights = varIdent(~1 | role),
    method = "ML"))``; the test of non-independence is ``anova`` of the REML fits with
    and without ``corCompSymm(~1 | dyad)``. On Acitelli's married couples
    (satisfaction from seeing the spouse positively) the roles do not differ
    detectably: LR = 7.28, 4 df, p = .122 (the same figures as nlme).

    References
    ----------
    Kenny, D. A., Kashy, D. A., & Cook, W. L. (2006). *Dyadic data analysis*.
    Guilford Press. Chapters 2 (non-independence), 6 and 7.

    Examples
    --------
    >>> import pandas as pd
    >>> from alongside.analytics import apim_tests
    >>> people = pd.DataFrame({
    ...     "couple": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6],
    ...     "warmth_A": [3, 4, 2, 5, 4, 4, 1, 3, 5, 2, 3, 3],
    ...     "warmth_P": [4, 3, 5, 2, 4, 4, 3, 1, 2, 5, 3, 3],
    ...     "happy": [3.5, 4.2, 3.1, 4.0, 4.4, 4.1, 1.9, 2.8, 4.1, 3.0, 3.2, 3.6],
    ... })
    >>> apim_tests(people, dyad="couple", outcome="happy", actor="warmth_A",
    ...            partner="warmth_P")["test"].tolist()
    ['nonindependence']
    """
    frame = require_frame(data)
    options: dict[str, object] = {
        "dyad": dyad,
        "outcome": outcome,
        "actor": actor,
        "partner": partner,
        "ranges": ranges,
        "covariates": covariates,
        "moderator": moderator,
    }
    rows: list[dict[str, object]] = []
    distinguishable = distinguish_by is not None
    sample, _, start = _prepare(frame, distinguish_by=distinguish_by, **options)  # type: ignore[arg-type]
    dyads = sample.dyads()
    z, log_ratio = _fit(dyads, distinguishable, start)
    with_rho = _profile(dyads, z, log_ratio)[0]
    _, log_ratio0 = _fit(dyads, distinguishable, start, independent=True)
    without = _profile(dyads, 0.0, log_ratio0)[0]
    statistic = max(without - with_rho, 0.0)
    which = "distinguishable" if distinguishable else "indistinguishable"
    rows.append(
        {
            "test": "nonindependence",
            "estimate": float(np.tanh(z)),
            "statistic": statistic,
            "df": 1,
            "p_value": float(stats.chi2.sf(statistic, 1)),
            "method": "reml",
            "models": f"{which} APIM with rho vs rho = 0",
        }
    )
    if distinguishable:
        criteria = []
        n_params = []
        for role in (None, distinguish_by):
            s, _, st = _prepare(frame, distinguish_by=role, **options)  # type: ignore[arg-type]
            d = s.dyads()
            zz, lr = _fit(d, role is not None, st, reml=False)
            criteria.append(_profile(d, zz, lr, reml=False)[0])
            n_params.append(d.p + (3 if role is not None else 2))
        statistic = max(criteria[0] - criteria[1], 0.0)
        df = n_params[1] - n_params[0]
        rows.append(
            {
                "test": "distinguishability",
                "estimate": np.nan,
                "statistic": statistic,
                "df": df,
                "p_value": float(stats.chi2.sf(statistic, df)),
                "method": "ml",
                "models": "distinguishable vs indistinguishable APIM",
            }
        )
    result = pd.DataFrame(rows)
    result.attrs["n_obs"] = dyads.n_obs
    return result


def _simulated_dyads(
    rng: np.random.Generator,
    n: int,
    actor: float,
    partner: float,
    x_cor: float,
    residual_cor: float,
) -> _Sample:
    """One simulated study of ``n`` indistinguishable dyads, standardised outcome."""
    residual_var = 1.0 - (actor * actor + partner * partner + 2.0 * actor * partner * x_cor)
    x = rng.standard_normal((n, 2))
    x[:, 1] = x_cor * x[:, 0] + np.sqrt(1.0 - x_cor * x_cor) * x[:, 1]
    e = rng.standard_normal((n, 2))
    e[:, 1] = residual_cor * e[:, 0] + np.sqrt(1.0 - residual_cor * residual_cor) * e[:, 1]
    e *= np.sqrt(residual_var)
    y1 = actor * x[:, 0] + partner * x[:, 1] + e[:, 0]
    y2 = actor * x[:, 1] + partner * x[:, 0] + e[:, 1]
    ones = np.ones(n)
    w1 = np.column_stack([ones, x[:, 0], x[:, 1], y1])
    w2 = np.column_stack([ones, x[:, 1], x[:, 0], y2])
    return _Sample(w1=w1, w2=w2, lone=np.zeros((0, 4)), lone_role=np.zeros(0, dtype=np.int64), p=3)


def _p_values(sample: _Sample) -> tuple[float, float]:
    """Two-sided t-test p-values of the actor and partner effects (REML, as apim)."""
    dyads = sample.dyads()
    z, _ = _fit(dyads, False, (0.0, 0.0), grid_size=13)
    _, beta, a_inv, prss = _profile(dyads, z, 0.0)
    dof = dyads.n_obs - dyads.p
    se = np.sqrt(np.diag(a_inv) * prss / dof)
    t = beta / se
    p = 2.0 * stats.t.sf(np.abs(t), dof)
    return float(p[1]), float(p[2])


def apim_power(
    *,
    dyads: Sequence[int] = (25, 50, 100),
    actor: float = 0.3,
    partner: float = 0.2,
    x_cor: float = 0.3,
    residual_cor: float = 0.3,
    alpha: float = 0.05,
    simulations: int = 1000,
    random_state: int | None = None,
) -> pd.DataFrame:
    """Power of the APIM's tests of the actor and partner effects, by simulation.

    Each simulated study has ``n`` indistinguishable dyads. Both members' predictors
    are standard normal with correlation ``x_cor``; each member's outcome is
    ``actor * own x + partner * partner's x + e``, the two residuals correlated
    ``residual_cor``, with the residual variance that makes the outcome's variance 1,
    so ``actor`` and ``partner`` are standardised effects (the set-up of Ackerman &
    Kenny's APIMPowerR). Every study is fitted as :func:`apim` fits it (REML, t-tests
    on N - p df) and an effect counts as found when its p-value is below ``alpha``.

    Parameters
    ----------
    dyads : sequence of int, default (25, 50, 100)
        Numbers of dyads per simulated study (at least 5 each).
    actor, partner : float, default 0.3 and 0.2
        Standardised actor and partner effects.
    x_cor : float, default 0.3
        Correlation of the two members' predictors.
    residual_cor : float, default 0.3
        Correlation of the two members' residuals (the non-independence).
    alpha : float, default 0.05
        Significance level of the two-sided t-tests.
    simulations : int, default 1000
        Studies simulated per number of dyads and per design (the design as given, and
        each effect set to 0 for the type I error).
    random_state : int, optional
        Seed: the same seed gives the same table.

    Returns
    -------
    pandas.DataFrame
        One row per number of dyads and effect: ``dyads``, ``effect`` (``"actor"`` or
        ``"partner"``), ``value`` (the standardised effect simulated), ``power`` (the
        share of studies that find it), ``power_mc_se`` (its Monte Carlo standard
        error), and ``type_i_error``: the share of studies that find the effect when
        it is 0 (the other effect as given), which should be close to ``alpha``.
        ``attrs`` holds the settings.

    References
    ----------
    Ackerman, R. A., & Kenny, D. A. (2016). APIMPowerR: An interactive tool for
    Actor-Partner Interdependence Model power analysis [Computer software].

    Lafit, G., Sels, L., Adolf, J. K., Loeys, T., & Ceulemans, E. (2022). PowerLAPIM:
    An application to conduct power analysis for linear and quadratic longitudinal
    actor-partner interdependence models in intensive longitudinal dyadic designs.
    *Journal of Social and Personal Relationships, 39*(10), 3085-3115.

    Kenny, D. A., Kashy, D. A., & Cook, W. L. (2006). *Dyadic data analysis*.
    Guilford Press. Chapter 7.

    Examples
    --------
    >>> from alongside.analytics import apim_power
    >>> table = apim_power(dyads=(30,), simulations=50, random_state=1)
    >>> table["effect"].tolist()
    ['actor', 'partner']
    """
    sizes = [int(n) for n in dyads]
    if not sizes or min(sizes) < 5:
        raise ValueError("dyads: each number of dyads must be at least 5")
    for name, value in (("x_cor", x_cor), ("residual_cor", residual_cor)):
        if not -1.0 < value < 1.0:
            raise ValueError(f"{name} must be between -1 and 1 (exclusive), not {value}")
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha}")
    if simulations < 10:
        raise ValueError(f"simulations must be at least 10, not {simulations}")
    explained = actor * actor + partner * partner + 2.0 * actor * partner * x_cor
    if explained >= 1.0:
        raise ValueError(
            f"actor = {actor} and partner = {partner} (with x_cor = {x_cor}) explain "
            f"{explained:.2f} of the outcome's variance; standardised effects must "
            "explain less than all of it"
        )
    rng = np.random.default_rng(random_state)
    rows: list[dict[str, object]] = []
    for n in sizes:
        found = np.zeros((3, 2))  # designs: as given, actor = 0, partner = 0
        designs = ((actor, partner), (0.0, partner), (actor, 0.0))
        for d, (a_value, p_value) in enumerate(designs):
            for _ in range(simulations):
                sample = _simulated_dyads(rng, n, a_value, p_value, x_cor, residual_cor)
                p_a, p_p = _p_values(sample)
                found[d] += (p_a < alpha, p_p < alpha)
        power = found[0] / simulations
        for e, (effect, value) in enumerate((("actor", actor), ("partner", partner))):
            rows.append(
                {
                    "dyads": n,
                    "effect": effect,
                    "value": value,
                    "power": float(power[e]),
                    "power_mc_se": float(np.sqrt(power[e] * (1.0 - power[e]) / simulations)),
                    "type_i_error": float(found[1 + e, e] / simulations),
                }
            )
    result = pd.DataFrame(rows)
    result.attrs.update(
        {
            "x_cor": x_cor,
            "residual_cor": residual_cor,
            "alpha": alpha,
            "simulations": simulations,
            "random_state": random_state,
        }
    )
    return result
