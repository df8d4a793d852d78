"""Linear mixed models fitted from per-group sufficient statistics.

The model is y = X beta + Z_g u_g + e with u_g ~ N(0, sigma^2 Lambda Lambda'),
e ~ N(0, sigma^2 I), groups independent (lme4's parameterisation, Bates et al., 2015).
Everything the likelihood needs is, per group g, Z_g'Z_g, Z_g'X_g, Z_g'y_g and, summed
over groups, X'X, X'y, y'y. Each likelihood evaluation then works only on small q x q
matrices, batched over the groups with numpy, and the profiled deviance has an exact
gradient, so a quasi-Newton optimiser converges in a few dozen evaluations.

For a group, with M = I + Lambda' W Lambda (W = Z'Z), Woodbury gives
V^-1 = (I - Z K Z') / sigma^2 with K = Lambda M^-1 Lambda', and log|V / sigma^2| = log|M|.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import optimize

_LOG_2PI = float(np.log(2.0 * np.pi))
# lme4::isSingular's default tolerance: a fit is singular ("boundary (singular) fit")
# when a diagonal element of the relative covariance factor Lambda (the elements of
# theta whose lower bound is 0) is below 1e-4 (see ?isSingular; Bates et al., 2015).
SINGULAR_TOLERANCE = 1e-4


@dataclass(frozen=True)
class GroupMoments:
    """Sufficient statistics of a linear mixed model with independent groups."""

    xtx: np.ndarray  # (p, p) summed over groups
    xty: np.ndarray  # (p,)
    yty: float
    ztx: np.ndarray  # (G, q, p)
    ztz: np.ndarray  # (G, q, q)
    zty: np.ndarray  # (G, q)
    n_obs: int

    @property
    def p(self) -> int:
        return int(self.xtx.shape[0])

    @property
    def q(self) -> int:
        return int(self.ztz.shape[1])


@dataclass(frozen=True)
class MixedFit:
    """Estimates of a fitted model."""

    beta: np.ndarray
    vcov: np.ndarray
    sigma: float
    lam: np.ndarray  # relative covariance factor: cov(u) = sigma^2 lam lam'
    deviance: float  # -2 log L (ML) or the REML criterion
    reml: bool
    converged: bool
    iterations: int
    # The residual structure of paired observations (fit_paired): the residual SD of the
    # second member relative to the first (sigma is the first's), and the correlation of
    # both members' residuals on one occasion. 1 and 0 for independent residuals.
    sigma_ratio: float = 1.0
    residual_cor: float = 0.0
    # AR(1) residuals (fit_ar1): the correlation of one member's residuals on
    # consecutive occasions (phi^k for occasions k apart). 0 without.
    residual_ar1: float = 0.0

    @property
    def random_cov(self) -> np.ndarray:
        return self.sigma**2 * (self.lam @ self.lam.T)


def _spd_inverse(m: np.ndarray) -> tuple[np.ndarray, float]:
    """Inverses and total log-determinant of a stack of small SPD matrices.

    A Cholesky factorisation written out entry by entry, each step vectorised over the
    stack: for many tiny matrices this is several times faster than LAPACK called once
    per matrix (``numpy.linalg.inv``). Raises ``LinAlgError`` if a matrix is not
    positive definite.
    """
    q = m.shape[1]
    a = np.ascontiguousarray(np.moveaxis(m, 0, -1))  # (q, q, groups)
    low = np.zeros_like(a)
    for j in range(q):
        pivot = a[j, j] - (low[j, :j] ** 2).sum(axis=0)
        if not np.all(pivot > 0):
            raise np.linalg.LinAlgError("matrix is not positive definite")
        low[j, j] = np.sqrt(pivot)
        for i in range(j + 1, q):
            low[i, j] = (a[i, j] - (low[i, :j] * low[j, :j]).sum(axis=0)) / low[j, j]
    inverse_low = np.zeros_like(a)
    for i in range(q):
        inverse_low[i, i] = 1.0 / low[i, i]
        for j in range(i):
            inverse_low[i, j] = -(low[i, j:i] * inverse_low[j:i, j]).sum(axis=0) / low[i, i]
    inverse = np.einsum("lig,lkg->gik", inverse_low, inverse_low)
    logdet = 2.0 * float(np.log(low[np.arange(q), np.arange(q)]).sum())
    return inverse, logdet


def _stack_times(stack: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Every matrix of a stack (G, r, c) times one (c, k) matrix, as one BLAS call."""
    groups, rows, cols = stack.shape
    return (stack.reshape(groups * rows, cols) @ right).reshape(groups, rows, -1)


@dataclass(frozen=True)
class _Parts:
    """Quantities of one likelihood evaluation."""

    lam: np.ndarray
    r: np.ndarray  # M^-1 Lambda' per group
    k: np.ndarray  # Lambda M^-1 Lambda' per group
    a: np.ndarray  # X' V0^-1 X
    beta: np.ndarray
    prss: float  # penalised residual sum of squares, (y - X beta)' V0^-1 (y - X beta)
    logdet_m: float
    logdet_a: float


class _Deviance:
    """Profiled deviance and its gradient in theta (lower triangle of Lambda)."""

    def __init__(self, moments: GroupMoments, reml: bool, free: np.ndarray | None = None) -> None:
        self.m = moments
        self.reml = reml
        # free: which entries of the lower triangle of Lambda are parameters; a block-
        # diagonal Lambda (lme4's "||" terms) keeps the others at 0.
        if free is None:
            self.rows, self.cols = np.tril_indices(moments.q)
        else:
            self.rows, self.cols = np.nonzero(np.tril(free))
        self.eye = np.eye(moments.q)
        self.dof = moments.n_obs - (moments.p if reml else 0)
        groups, q, p = moments.ztx.shape
        self.u_flat = moments.ztx.reshape(groups * q, p)

    def solve(self, theta: np.ndarray) -> _Parts:
        m = self.m
        groups, q, p = m.ztx.shape
        lam = np.zeros((q, q))
        lam[self.rows, self.cols] = theta
        w_lam = _stack_times(m.ztz, lam)  # W Lambda
        big_m = _stack_times(w_lam.transpose(0, 2, 1), lam) + self.eye  # Lambda' W Lambda + I
        m_inverse, logdet_m = _spd_inverse(big_m)
        r = _stack_times(m_inverse, lam.T)  # M^-1 Lambda'
        k = _stack_times(r.transpose(0, 2, 1), lam.T)  # (Lambda R)' = K (symmetric)
        ku = k @ m.ztx
        kv = np.einsum("gij,gj->gi", k, m.zty)
        a = m.xtx - self.u_flat.T @ ku.reshape(groups * q, p)
        a = 0.5 * (a + a.T)
        b = m.xty - self.u_flat.T @ kv.reshape(groups * q)
        c = m.yty - float(np.einsum("gq,gq->", m.zty, kv))
        chol_a = np.linalg.cholesky(a)
        beta = np.linalg.solve(a, b)
        return _Parts(
            lam=lam,
            r=r,
            k=k,
            a=a,
            beta=beta,
            prss=c - float(b @ beta),
            logdet_m=logdet_m,
            logdet_a=2.0 * float(np.log(np.diag(chol_a)).sum()),
        )

    def value(self, parts: _Parts) -> float:
        value = parts.logdet_m + self.dof * (1.0 + _LOG_2PI + np.log(parts.prss / self.dof))
        if self.reml:
            value += parts.logdet_a
        return float(value)

    def __call__(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        try:
            parts = self.solve(theta)
        except np.linalg.LinAlgError:
            return np.inf, np.zeros_like(theta)
        if not parts.prss > 0:
            return np.inf, np.zeros_like(theta)
        m = self.m
        groups, q, _ = m.ztx.shape
        # d deviance / d Lambda = 2 sum_g [W R' - S (kappa w w' + H) R'], where
        # S = I - W K, w = Z'(y - X beta), kappa = dof / PRSS, H = U A^-1 U' (REML only).
        s = self.eye - m.ztz @ parts.k
        resid = m.zty - (self.u_flat @ parts.beta).reshape(groups, q)
        inner = (self.dof / parts.prss) * resid[:, :, None] * resid[:, None, :]
        if self.reml:
            u_a = _stack_times(m.ztx, np.linalg.inv(parts.a))
            inner = inner + u_a @ m.ztx.transpose(0, 2, 1)
        first = np.tensordot(m.ztz, parts.r, axes=([0, 2], [0, 2]))
        second = np.tensordot(s @ inner, parts.r, axes=([0, 2], [0, 2]))
        grad = 2.0 * (first - second)
        return self.value(parts), grad[self.rows, self.cols]


def _minimise(deviance: _Deviance, theta0: np.ndarray) -> optimize.OptimizeResult:
    return optimize.minimize(
        deviance,
        theta0,
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-7, "maxcor": 20},
    )


def fit_mixed(
    moments: GroupMoments,
    *,
    reml: bool = True,
    start: np.ndarray | None = None,
    free: np.ndarray | None = None,
) -> MixedFit:
    """Maximise the (restricted) likelihood over the random-effect covariance.

    theta is left unbounded: the deviance depends on Lambda only through Lambda Lambda',
    so a negative diagonal is as good as its mirror image, and the optimiser cannot get
    stuck on a zero diagonal, where the gradient vanishes by symmetry (a saddle, not
    an optimum, whenever the variance is really positive). A vanishing diagonal is
    nevertheless re-tried once from a positive value. ``free`` (a q x q boolean mask)
    restricts Lambda to a block-diagonal pattern, one block per independent term.
    """
    deviance = _Deviance(moments, reml, free)
    rows, cols = deviance.rows, deviance.cols
    diagonal = rows == cols
    theta0 = np.where(diagonal, 1.0, 0.0) if start is None else np.asarray(start, float)
    result = _minimise(deviance, theta0)
    vanished = diagonal & (np.abs(result.x) < 1e-4)
    if vanished.any():
        retry = _minimise(deviance, np.where(vanished, 0.5, result.x))
        if retry.fun < result.fun:
            result = retry
    parts = deviance.solve(result.x)
    lam = parts.lam * np.where(np.diag(parts.lam) < 0, -1.0, 1.0)
    sigma2 = parts.prss / deviance.dof
    return MixedFit(
        beta=parts.beta,
        vcov=sigma2 * np.linalg.inv(parts.a),
        sigma=float(np.sqrt(sigma2)),
        lam=lam,
        deviance=deviance.value(parts),
        reml=reml,
        # L-BFGS-B may end on a failed line search right at the optimum, when the
        # deviance cannot be lowered in floating point any more: judge by the gradient.
        converged=bool(result.success) or float(np.max(np.abs(result.jac))) < 1e-3,
        iterations=int(result.nit),
    )


@dataclass(frozen=True)
class PairedMoments:
    """Sufficient statistics of a model whose observations come in pairs.

    The two members of a group (the partners of a couple) are observed on the same
    occasions, and their residuals on one occasion have a 2 x 2 covariance
    sigma^2 [[1, rho d], [rho d, d^2]] (d: the second member's residual SD relative to
    the first's); residuals on different occasions are independent. Per group, with
    v = (x', z', y)' one observation's row of the design, the responses' design and the
    response: over occasions where both members were observed, the sums of v_a v_a',
    v_b v_b' and v_a v_b'; over occasions with one member only, that member's v v'.
    """

    both_aa: np.ndarray  # (G, k, k), k = p + q + 1
    both_bb: np.ndarray
    both_ab: np.ndarray
    only_a: np.ndarray
    only_b: np.ndarray
    n_both: float  # occasions with both members, summed over groups
    n_only_b: float
    n_obs: int
    p: int
    q: int

    def weighted(self, ratio: float, rho: float) -> tuple[GroupMoments, float]:
        """The moments of the whitened model, and log|R / sigma^2|.

        Whitening every pair by its residual covariance turns the model back into one
        with independent residuals of variance sigma^2 (what _Deviance fits); with the
        inverse of the 2 x 2 block [[1, rho d], [rho d, d^2]],
        X'R^-1 X = sum over pairs of (x_a x_a' - rho/d (x_a x_b' + x_b x_a')
        + x_b x_b' / d^2) / (1 - rho^2), the same for every other product, and the
        Jacobian of the whitening adds log|R| = n_both log(d^2 (1 - rho^2))
        + n_only_b log d^2 to the deviance.
        """
        scale = 1.0 - rho * rho
        w_ab = -rho / (ratio * scale)
        s = (
            self.both_aa / scale
            + self.both_bb / (ratio * ratio * scale)
            + w_ab * (self.both_ab + self.both_ab.transpose(0, 2, 1))
            + self.only_a
            + self.only_b / (ratio * ratio)
        )
        p, q = self.p, self.q
        z = slice(p, p + q)
        moments = GroupMoments(
            xtx=s[:, :p, :p].sum(axis=0),
            xty=s[:, :p, -1].sum(axis=0),
            yty=float(s[:, -1, -1].sum()),
            ztx=np.ascontiguousarray(s[:, z, :p]),
            ztz=np.ascontiguousarray(s[:, z, z]),
            zty=np.ascontiguousarray(s[:, z, -1]),
            n_obs=self.n_obs,
        )
        logdet = self.n_both * np.log(ratio * ratio * scale) + self.n_only_b * np.log(ratio**2)
        return moments, float(logdet)


# Central-difference step for the residual parameters (log d, atanh rho): the deviance
# is smooth in them, and the error of the difference quotient (~h^2) stays far below
# what moves the estimates.
_RESIDUAL_STEP = 1e-5


def fit_paired(
    paired: PairedMoments,
    *,
    correlated: bool,
    reml: bool = True,
    free: np.ndarray | None = None,
) -> MixedFit:
    """Maximise the (restricted) likelihood with a 2 x 2 residual covariance per pair.

    nlme's ``lme(..., weights = varIdent(form = ~1 | role))`` and, with ``correlated``,
    also ``correlation = corCompSymm(form = ~1 | couple/day)`` (Pinheiro & Bates, 2000,
    ch. 5). The parameters are theta (Lambda, as in fit_mixed), log d and, with
    ``correlated``, atanh rho, optimised jointly: the gradient in theta is _Deviance's
    exact one on the whitened moments, the gradient in the one or two residual
    parameters a central difference. Starts from the fit with independent residuals.
    """
    n_residual = 2 if correlated else 1

    def weighted(residual: np.ndarray) -> tuple[GroupMoments, float]:
        ratio = float(np.exp(residual[0]))
        rho = float(np.tanh(residual[-1])) if correlated else 0.0
        return paired.weighted(ratio, rho)

    fit, residual = _fit_residual_structure(weighted, n_residual, reml=reml, free=free)
    return replace(
        fit,
        sigma_ratio=float(np.exp(residual[0])),
        residual_cor=float(np.tanh(residual[-1])) if correlated else 0.0,
    )


def _fit_residual_structure(
    weighted: Callable[[np.ndarray], tuple[GroupMoments, float]],
    n_residual: int,
    *,
    reml: bool,
    free: np.ndarray | None,
) -> tuple[MixedFit, np.ndarray]:
    """Maximise the likelihood over theta and ``n_residual`` residual parameters.

    ``weighted(residual)`` gives the whitened moments and log|R / sigma^2| for the
    residual parameters (all 0: independent residuals of one variance); the gradient in
    theta is _Deviance's exact one, the gradient in the residual parameters a central
    difference. Returns the fit and the residual parameters at the optimum.
    """

    def deviance_at(params: np.ndarray) -> tuple[_Deviance, np.ndarray, float]:
        moments, logdet = weighted(params[-n_residual:])
        return _Deviance(moments, reml, free), params[:-n_residual], logdet

    def value(params: np.ndarray) -> float:
        deviance, theta, logdet = deviance_at(params)
        return float(deviance(theta)[0]) + logdet

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        deviance, theta, logdet = deviance_at(params)
        total, grad_theta = deviance(theta)
        if not np.isfinite(total):
            return np.inf, np.zeros_like(params)
        grad_residual = np.zeros(n_residual)
        for j in range(n_residual):
            step = np.zeros_like(params)
            step[len(theta) + j] = _RESIDUAL_STEP
            grad_residual[j] = (value(params + step) - value(params - step)) / (2 * _RESIDUAL_STEP)
        return total + logdet, np.concatenate([grad_theta, grad_residual])

    start_moments, _ = weighted(np.zeros(n_residual))
    start = fit_mixed(start_moments, reml=reml, free=free)
    deviance0 = _Deviance(start_moments, reml, free)
    theta0 = start.lam[deviance0.rows, deviance0.cols]
    params0 = np.concatenate([theta0, np.zeros(n_residual)])
    result = optimize.minimize(
        objective,
        params0,
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-7, "maxcor": 20},
    )
    deviance, theta, logdet = deviance_at(result.x)
    parts = deviance.solve(theta)
    lam = parts.lam * np.where(np.diag(parts.lam) < 0, -1.0, 1.0)
    sigma2 = parts.prss / deviance.dof
    fit = MixedFit(
        beta=parts.beta,
        vcov=sigma2 * np.linalg.inv(parts.a),
        sigma=float(np.sqrt(sigma2)),
        lam=lam,
        deviance=deviance.value(parts) + logdet,
        reml=reml,
        converged=bool(result.success) or float(np.max(np.abs(result.jac))) < 1e-3,
        iterations=int(result.nit),
    )
    return fit, result.x[-n_residual:]


def _stacked_moments(s: np.ndarray, p: int, q: int, n_obs: int) -> GroupMoments:
    """GroupMoments from per-group sums of v v', v = (x', z', y)'."""
    z = slice(p, p + q)
    return GroupMoments(
        xtx=s[:, :p, :p].sum(axis=0),
        xty=s[:, :p, -1].sum(axis=0),
        yty=float(s[:, -1, -1].sum()),
        ztx=np.ascontiguousarray(s[:, z, :p]),
        ztz=np.ascontiguousarray(s[:, z, z]),
        zty=np.ascontiguousarray(s[:, z, -1]),
        n_obs=n_obs,
    )


@dataclass(frozen=True)
class SeriesMoments:
    """Sufficient statistics of a model with AR(1) residuals within each member's series.

    Each member (role) of a group has a series of observations on whole-numbered
    occasions, possibly with gaps; residuals of one member's series correlate as
    phi^|t - s| (nlme's corAR1, which for gaps is corARMA(p = 1)), the second member's
    residual SD is d times the first's, and the members' series are independent given
    the random effects. The AR(1) process is Markov, so whitening each observation by
    its predecessor in the same series, w_k = (e_k - c e_{k-1}) / sqrt(1 - c^2) with
    c = phi^gap, gives independent residuals; the sums of w w' then combine, per group,
    role and gap, three sums of the rows v = (x', z', y)': of v_k v_k', of
    v_k v_{k-1}' + v_{k-1} v_k' and of v_{k-1} v_{k-1}', and, for the first observation
    of a series, v v'.
    """

    first: np.ndarray  # (2, G, k, k): per role, the first observation of each series
    current: np.ndarray  # (2, G, U, k, k): sum of v_k v_k' per gap class
    cross: np.ndarray  # (2, G, U, k, k): sum of v_k v_{k-1}' + v_{k-1} v_k'
    previous: np.ndarray  # (2, G, U, k, k): sum of v_{k-1} v_{k-1}'
    gaps: np.ndarray  # (U,) the gap (in occasions) of each class
    counts: np.ndarray  # (2, U) observations with a predecessor, per role and class
    n_role: tuple[float, float]  # observations per role
    p: int
    q: int

    def weighted(self, ratio: float, phi: float) -> tuple[GroupMoments, float]:
        """The moments of the whitened model, and log|R / sigma^2|."""
        c = np.power(phi, self.gaps)
        scale = 1.0 - c * c
        w_cur = 1.0 / scale
        w_cross = -c / scale
        w_prev = c * c / scale
        per_role = (
            self.first
            + np.einsum("u,rguij->rgij", w_cur, self.current)
            + np.einsum("u,rguij->rgij", w_cross, self.cross)
            + np.einsum("u,rguij->rgij", w_prev, self.previous)
        )
        s = per_role[0] + per_role[1] / (ratio * ratio)
        n_obs = round(self.n_role[0] + self.n_role[1])
        logdet = float(self.counts.sum(axis=0) @ np.log(scale)) + self.n_role[1] * np.log(ratio**2)
        return _stacked_moments(s, self.p, self.q, n_obs), float(logdet)


def fit_ar1(
    series: SeriesMoments,
    *,
    by_role: bool,
    reml: bool = True,
    free: np.ndarray | None = None,
) -> MixedFit:
    """Maximise the (restricted) likelihood with AR(1) residuals within each series.

    nlme's ``lme(..., correlation = corAR1(form = ~ day | couple/role))`` and, with
    ``by_role``, also ``weights = varIdent(form = ~1 | role)``. The residual parameters
    are atanh phi and, with ``by_role``, log d; as in fit_paired.
    """
    n_residual = 2 if by_role else 1

    def weighted(residual: np.ndarray) -> tuple[GroupMoments, float]:
        ratio = float(np.exp(residual[0])) if by_role else 1.0
        return series.weighted(ratio, float(np.tanh(residual[-1])))

    fit, residual = _fit_residual_structure(weighted, n_residual, reml=reml, free=free)
    return replace(
        fit,
        sigma_ratio=float(np.exp(residual[0])) if by_role else 1.0,
        residual_ar1=float(np.tanh(residual[-1])),
    )


def singular_terms(fit: MixedFit, names: Sequence[str]) -> list[str]:
    """What makes the random-effect covariance singular, in the output's term names.

    A zero on the diagonal of the Cholesky factor Lambda means either that the term's
    standard deviation is 0, or that the term is an exact combination of the terms
    before it (for two terms: a correlation of +1 or -1).
    """
    lam = fit.lam
    cov = fit.random_cov
    sd = np.sqrt(np.diag(cov))
    parts: list[str] = []
    for j in (int(k) for k in np.flatnonzero(np.abs(np.diag(lam)) < SINGULAR_TOLERANCE)):
        if np.linalg.norm(lam[j]) < SINGULAR_TOLERANCE:
            parts.append(f"sd({names[j]}) is 0")
            continue
        with np.errstate(all="ignore"):
            r = cov[j, :j] / (sd[j] * sd[:j])
        # A term with no variance correlates with nothing.
        r = np.where(sd[:j] < SINGULAR_TOLERANCE * fit.sigma, 0.0, r)
        i = int(np.argmax(np.abs(r)))
        if abs(r[i]) > 0.99:
            parts.append(f"cor({names[i]}, {names[j]}) is {r[i]:+.2f}")
        else:
            parts.append(f"{names[j]} is a combination of the other random effects")
    return parts


def fit_warnings(fit: MixedFit, names: Sequence[str], *, simpler: str = "") -> list[str]:
    """Sentences on what makes a fit doubtful: singular, or not converged.

    ``simpler`` names a smaller model worth trying (``"without random slopes"``).
    """
    messages: list[str] = []
    parts = singular_terms(fit, names)
    if parts:
        hint = f" (try {simpler})" if simpler else ""
        messages.append(
            f"boundary (singular) fit: {', '.join(parts)}; the data do not support this "
            f"many random effects{hint}, so read the standard errors with caution"
        )
    if abs(fit.residual_cor) > 1.0 - SINGULAR_TOLERANCE:
        messages.append(
            f"boundary fit: the same-day residual correlation is at its limit "
            f"({fit.residual_cor:+.5f}): one partner's residual determines the other's, "
            "so the data do not support this residual structure (try by-role residuals)"
        )
    if abs(fit.residual_ar1) > 1.0 - SINGULAR_TOLERANCE:
        messages.append(
            f"boundary fit: the day-to-day residual autocorrelation is at its limit "
            f"({fit.residual_ar1:+.5f}), so the data do not support AR(1) residuals "
            "(try without them)"
        )
    if not fit.converged:
        messages.append(
            f"the fit did not converge (after {fit.iterations} iterations): the estimates "
            "may not be the maximum of the likelihood"
        )
    return messages
