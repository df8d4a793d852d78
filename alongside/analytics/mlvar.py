"""Multilevel VAR(1) networks over many couples, in the spirit of R's mlVAR.

The per-couple networks (:mod:`.networks`) fit one VAR(1) per couple by least squares.
This module pools all couples in one multilevel model per node, as the two-step
estimator of mlVAR does (Bringmann et al., 2013; Epskamp, Waldorp, Mõttus & Borsboom,
2018), and reads four networks off the fits: the fixed temporal network, the
between-couple spread of each temporal effect, the contemporaneous network and the
between-couple network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

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
    time_values,
)
from ._lmm import SINGULAR_TOLERANCE, GroupMoments, MixedFit, fit_mixed, fit_warnings
from ._series import require_one_row_per_occasion

__all__ = ["mlvar"]

NETWORKS = (
    "temporal",
    "temporal_sd",
    "contemporaneous",
    "between",
    "between_effect",
    "intercept",
    "intercept_sd",
    "residual_sd",
)
_COLUMNS = (
    "network",
    "from",
    "to",
    "estimate",
    "std_error",
    "statistic",
    "p_value",
    "ci_low",
    "ci_high",
    "warnings",
)


@dataclass(frozen=True)
class _Design:
    """The rows every node model uses: occasions with a previous occasion, all nodes
    observed at both."""

    group: np.ndarray  # couple index (0 .. G-1) of every row, rows sorted by couple
    labels: np.ndarray  # couple labels, by index
    now: np.ndarray  # (n, K) nodes at t
    lag_centred: np.ndarray  # (n, K) nodes at t - 1 minus the couple's mean
    means: np.ndarray  # (n, K) the couple's mean of every node


def _series(
    data: pd.DataFrame,
    dyad: str,
    time: str,
    nodes: Sequence[str],
    ranges: Mapping[str, tuple[float, float]] | None,
) -> _Design:
    frame = require_frame(data)
    require_columns(frame, [dyad, time, *nodes])
    require_ids(frame, dyad)
    declared = require_ranges(ranges, list(nodes))
    values = np.empty((len(frame), len(nodes)))
    for k, column in enumerate(nodes):
        column_values = numeric_values(frame, column).astype(np.float64)
        require_finite(column_values, column)
        if column in declared:
            require_in_range(column_values, column, *declared[column])
        require_variation(column_values, column)
        if not np.isfinite(column_values).any():
            raise ValueError(f"column {column!r} has no values")
        values[:, k] = column_values
    t = time_values(frame, time)
    codes, labels = pd.factorize(frame[dyad], sort=True)
    order = np.lexsort((t, codes))
    codes, t, values = codes[order], t[order], values[order]
    same = codes[1:] == codes[:-1]
    require_one_row_per_occasion(codes, t, labels, time)
    # Each couple's mean of every node, over all its occasions where the node was observed.
    observed = np.isfinite(values)
    n_groups = len(labels)
    counts = np.stack(
        [np.bincount(codes, weights=observed[:, k], minlength=n_groups) for k in range(len(nodes))],
        axis=1,
    )
    sums = np.stack(
        [
            np.bincount(
                codes, weights=np.where(observed[:, k], values[:, k], 0.0), minlength=n_groups
            )
            for k in range(len(nodes))
        ],
        axis=1,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        couple_means = sums / counts
    consecutive = np.zeros(len(t), dtype=bool)
    consecutive[1:] = same & (t[1:] == t[:-1] + 1)
    complete = observed.all(axis=1)
    keep = consecutive.copy()
    keep[1:] &= complete[1:] & complete[:-1]
    rows = np.flatnonzero(keep)
    used, group = np.unique(codes[rows], return_inverse=True)
    means = couple_means[codes[rows]]
    return _Design(
        group=group,
        labels=np.asarray(labels)[used],
        now=values[rows],
        lag_centred=values[rows - 1] - means,
        means=means,
    )


def _group_sums(products: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return np.add.reduceat(products, starts, axis=0)


def _moments(x: np.ndarray, y: np.ndarray, q: int, starts: np.ndarray) -> GroupMoments:
    z = x[:, :q]
    return GroupMoments(
        xtx=x.T @ x,
        xty=x.T @ y,
        yty=float(y @ y),
        ztx=_group_sums(z[:, :, None] * x[:, None, :], starts),
        ztz=_group_sums(z[:, :, None] * z[:, None, :], starts),
        zty=_group_sums(z * y[:, None], starts),
        n_obs=len(y),
    )


def _random_effects(fit: MixedFit, moments: GroupMoments) -> np.ndarray:
    """The conditional modes of the random effects (lme4's ranef), per couple (G, q).

    With M = I + Lambda' Z'Z Lambda: u = Lambda M^-1 Lambda' Z'(y - X beta).
    """
    lam = fit.lam
    q = lam.shape[0]
    big_m = np.einsum("ji,gjk,kl->gil", lam, moments.ztz, lam) + np.eye(q)
    k = lam @ np.linalg.solve(big_m, np.broadcast_to(lam.T, big_m.shape))
    resid = moments.zty - moments.ztx @ fit.beta
    return np.einsum("gij,gj->gi", k, resid)


def _partial_correlations(precision: np.ndarray) -> np.ndarray:
    scale = np.sqrt(np.diag(precision))
    with np.errstate(all="ignore"):
        return -precision / np.outer(scale, scale)


def _node_rows(
    node: str,
    nodes: Sequence[str],
    others: Sequence[int],
    fit: MixedFit,
    text: str,
    z_crit: float,
) -> list[dict[str, object]]:
    """The rows of one node model: its fixed effects (Wald statistics) and its SDs."""
    n_nodes = len(nodes)
    se = np.sqrt(np.diag(fit.vcov))
    sd = np.sqrt(np.diag(fit.random_cov))
    rows: list[dict[str, object]] = []

    def fixed(network: str, source: str, index: int) -> None:
        estimate = float(fit.beta[index])
        error = float(se[index])
        statistic = estimate / error if error > 0 else np.nan
        rows.append(
            {
                "network": network,
                "from": source,
                "to": node,
                "estimate": estimate,
                "std_error": error,
                "statistic": statistic,
                "p_value": float(2.0 * stats.norm.sf(abs(statistic))),
                "ci_low": estimate - z_crit * error,
                "ci_high": estimate + z_crit * error,
                "warnings": text,
            }
        )

    def component(network: str, source: str, value: float) -> None:
        rows.append(
            {"network": network, "from": source, "to": node, "estimate": value, "warnings": text}
        )

    fixed("intercept", node, 0)
    component("intercept_sd", node, float(sd[0]))
    component("residual_sd", node, fit.sigma)
    for k, source in enumerate(nodes):
        fixed("temporal", source, 1 + k)
        component("temporal_sd", source, float(sd[1 + k]))
    for position, k in enumerate(others):
        fixed("between_effect", nodes[k], 1 + n_nodes + position)
    return rows


def mlvar(
    data: pd.DataFrame,
    *,
    dyad: str,
    time: str,
    nodes: Sequence[str],
    method: str = "reml",
    ci: float = 0.95,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """A multilevel VAR(1) over all couples: temporal, contemporaneous and between-couple
    networks (the lmer-based two-step estimator of mlVAR, uncorrelated random effects).

    Every node is a column of the couple-wide diary: each partner's score of one or
    more feelings (``["M_Anx.", "W_Anx.", "M_Sad.", "W_Sad."]``). For every node, one
    linear mixed model predicts the node at occasion *t* from all nodes at *t - 1*
    (centred within the couple) and from the couple means of the other nodes, with a
    random intercept and a random slope of every lagged node per couple, all
    uncorrelated (mlVAR's ``temporal = "orthogonal"``). Only consecutive occasions are
    paired (a skipped day breaks the lag), and only pairs where every node was observed
    on both occasions are used, so that all node models share their rows.

    Parameters
    ----------
    data : pandas.DataFrame
        Couple-wide diary: one row per couple and occasion.
    dyad : str
        Column identifying the couple.
    time : str
        Column with the occasion: whole numbers (day or prompt index) or dates.
    nodes : sequence of str
        Two or more numeric columns, the network's nodes.
    method : {"reml", "ml"}, default "reml"
        Restricted or full maximum likelihood for each node model.
    ci : float, default 0.95
        Confidence level of the Wald intervals of the fixed effects.
    ranges : dict, optional
        Declared range of node columns, e.g. ``{"M_Anx.": (0, 4)}``: a score outside
        it (a code such as 99) is an error naming the column and the row.

    Returns
    -------
    pandas.DataFrame
        Tidy rows with columns ``network``, ``from``, ``to``, ``estimate``,
        ``std_error``, ``statistic``, ``p_value``, ``ci_low``, ``ci_high`` and
        ``warnings`` (what makes the fits behind the row doubtful, such as a boundary
        (singular) fit; empty when clean). ``network`` is one of

        * ``temporal``: the fixed effect of ``from`` at *t - 1* on ``to`` at *t*
          (within-couple), with its Wald standard error, *z*, *p* and interval;
        * ``temporal_sd``: the between-couple SD of that effect (its random slope);
        * ``contemporaneous``: the partial correlation of ``from`` and ``to`` at the
          same occasion, given everything else (from the residuals), ``from`` before
          ``to`` in the order of ``nodes``;
        * ``between``: the partial correlation of the couple means of ``from`` and
          ``to``, given the other couple means;
        * ``between_effect``: the fixed effect of the couple mean of ``from`` on
          ``to`` (the regression the ``between`` network is made of), Wald statistics;
        * ``intercept`` (``from`` = ``to`` = the node), ``intercept_sd`` (the SD of
          the random intercept) and ``residual_sd`` (sigma) of each node model.

        ``attrs`` holds ``n_obs`` (occasions used per node model), ``n_couples``,
        ``nodes``, ``formulas`` (the equivalent lme4 call per node, on columns
        renamed as in Notes), ``log_likelihood`` and ``converged`` (per node) and
        ``warnings``, the sentences of every row's ``warnings`` (each also issued as a
        ``RuntimeWarning``).

    Raises
    ------
    ValueError
        Besides wrong columns: fewer than two nodes or a node named twice; infinite
        scores or scores outside ``ranges``; a node whose scores never vary, or vary
        within no couple; too few couples with consecutive occasions (the between-
        couple regressions need at least ``len(nodes) + 2``); and too few consecutive
        occasions for the random effects (no more occasions than random effects, which
        lme4 refuses too).

    Notes
    -----
    For node :math:`j` of couple :math:`i` at occasion :math:`t`, with :math:`K`
    nodes, :math:`\\bar y_{ik}` the couple's mean of node :math:`k` over all its
    occasions where :math:`k` was observed, and :math:`\\tilde y_{ik,t-1} = y_{ik,t-1} -
    \\bar y_{ik}`:

    .. math::

        y_{ij,t} = \\beta_{j0} + \\sum_k (\\beta_{jk} + b_{ijk})\\, \\tilde y_{ik,t-1}
                   + \\sum_{k \\ne j} \\gamma_{jk}\\, \\bar y_{ik} + b_{ij0} + e_{ij,t},

    with :math:`b_{ij0} \\sim N(0, \\tau_j^2)`, :math:`b_{ijk} \\sim N(0, \\omega_{jk}^2)`
    and :math:`e \\sim N(0, \\sigma_j^2)`, all independent. In lme4, with the nodes
    renamed ``n1 .. nK``, the lags ``l1 .. lK`` and the couple means ``m1 .. mK``,
    node 1 of three is

    ``lmer(n1 ~ 1 + l1 + l2 + l3 + m2 + m3 + (1 + l1 + l2 + l3 || couple))``.

    Each model is fitted as :func:`lagged_apim` fits its own (per-couple sufficient
    statistics, the exact gradient of the profiled (restricted) deviance, lme4's
    parameterisation), with a diagonal relative covariance factor. From the fits:

    * temporal network :math:`B = (\\beta_{jk})` (``from`` k, ``to`` j), and
      :math:`\\omega_{jk}` (``temporal_sd``);
    * contemporaneous network: with :math:`E` the (occasions x K) matrix of
      conditional residuals :math:`e_{ij,t} = y - X\\hat\\beta - Z\\hat b` (lme4's
      ``residuals()``), :math:`\\Sigma = E'E / n` and :math:`P = \\Sigma^{-1}`, the
      partial correlations :math:`-P_{jk} / \\sqrt{P_{jj} P_{kk}}` (mlVAR estimates
      these by a second round of node-wise regressions on the residuals; with fixed
      effects only, this is the same network up to how the two node-wise estimates
      are averaged);
    * between-couple network: the node-wise regressions of the couple means,
      :math:`\\gamma_{jk}` and residual variance :math:`\\tau_j^2`, give the rows of
      a precision matrix, :math:`K_{jj} = 1/\\tau_j^2`, :math:`K_{jk} =
      -\\gamma_{jk}/\\tau_j^2` (Epskamp et al., 2018, eq. for the between-subjects
      network); it is made symmetric as :math:`(K + K')/2` and turned into partial
      correlations as above. A node with :math:`\\tau_j = 0` (a singular fit) has no
      between-couple partial correlations (``NaN``, with a warning).

    Standard errors of the fixed effects are lme4's; *p*-values and intervals are Wald
    (normal) ones. The SDs and partial correlations come without standard errors.

    References
    ----------
    Bringmann, L. F., Vissers, N., Wichers, M., Geschwind, N., Kuppens, P.,
    Peeters, F., Borsboom, D., & Tuerlinckx, F. (2013). A network approach to
    psychopathology: new insights into clinical longitudinal data. *PLoS ONE, 8*(4),
    e60188.

    Epskamp, S., Waldorp, L. J., Mõttus, R., & Borsboom, D. (2018). The Gaussian
    graphical model in cross-sectional and time-series data. *Multivariate Behavioral
    Research, 53*(4), 453-480.

    Examples
    --------
    >>> from alongside.analytics import mlvar, simulate_diary
    >>> diary = simulate_diary(n_couples=30, n_days=30, inertia=(0.4, 0.3),
    ...                        intercept_sd=0.5, random_state=5)
    >>> nets = mlvar(diary, dyad="dyad", time="day", nodes=["a", "b"])
    >>> nets.loc[nets["network"] == "temporal", ["from", "to"]].values.tolist()
    [['a', 'a'], ['b', 'a'], ['a', 'b'], ['b', 'b']]
    """
    require_choice("method", method, ("reml", "ml"))
    require_level(ci)
    if isinstance(nodes, str):
        raise ValueError(f"nodes must be a list of columns, not the single string {nodes!r}")
    nodes = [str(node) for node in nodes]
    if len(nodes) < 2:
        raise ValueError(f"a network needs at least two nodes, not {len(nodes)}")
    design = _series(data, dyad, time, nodes, ranges)
    n_nodes = len(nodes)
    n_couples = len(design.labels)
    n_obs = len(design.group)
    if n_couples < n_nodes + 2:
        raise ValueError(
            f"too few couples: {n_couples} have consecutive occasions with every node "
            f"observed, and a network of {n_nodes} nodes needs at least {n_nodes + 2} "
            "(its between-couple part is a regression on the couples' means)"
        )
    q = 1 + n_nodes
    n_random = q * n_couples
    if n_obs <= n_random:
        raise ValueError(
            f"too few consecutive occasions: {n_obs} occasions have a previous one with "
            f"every node observed, but the model has {n_random} random effects ({q} per "
            f"couple, {n_couples} couples); each couple needs more than {q} pairs of "
            "consecutive occasions on average"
        )
    for k, node in enumerate(nodes):
        spread = design.lag_centred[:, k]
        if float(np.max(np.abs(spread))) <= 1e-12 * max(float(np.max(np.abs(design.now))), 1.0):
            raise ValueError(
                f"column {node!r} never varies within a couple: its carry-over from one "
                "occasion to the next cannot be estimated"
            )
    starts = np.flatnonzero(np.r_[True, design.group[1:] != design.group[:-1]])
    free = np.eye(q, dtype=bool)
    random_names = ["intercept", *(f"{node} lag" for node in nodes)]
    z_crit = float(stats.norm.ppf(0.5 + ci / 2.0))

    rows: list[dict[str, object]] = []
    residuals = np.empty((n_obs, n_nodes))
    node_warnings: list[list[str]] = []
    tau = np.empty(n_nodes)
    sigma = np.empty(n_nodes)
    gamma = np.zeros((n_nodes, n_nodes))
    log_likelihood: dict[str, float] = {}
    converged: dict[str, bool] = {}
    formulas: dict[str, str] = {}
    for j, node in enumerate(nodes):
        others = [k for k in range(n_nodes) if k != j]
        x = np.column_stack([np.ones(n_obs), design.lag_centred, design.means[:, others]])
        y = design.now[:, j]
        scale = np.sqrt(np.einsum("ij,ij->j", x, x))
        if np.linalg.cond(x / scale) > 1e10:
            means = ", ".join(repr(nodes[k]) for k in others)
            raise ValueError(
                f"the model for {node!r} is not identified: the couple means of {means} "
                "(or the lagged nodes) are exact combinations of each other"
            )
        moments = _moments(x, y, q, starts)
        fit = fit_mixed(moments, reml=method == "reml", free=free)
        u = _random_effects(fit, moments)
        residuals[:, j] = y - x @ fit.beta - np.einsum("ni,ni->n", x[:, :q], u[design.group])
        messages = [f"model for {node!r}: {m}" for m in fit_warnings(fit, random_names)]
        sd = np.sqrt(np.diag(fit.random_cov))
        tau[j] = sd[0]
        sigma[j] = fit.sigma
        gamma[j, others] = fit.beta[1 + n_nodes :]
        if tau[j] < SINGULAR_TOLERANCE * fit.sigma:
            messages.append(
                f"model for {node!r}: the couple means leave no between-couple variance "
                f"of {node!r} (sd(intercept) is 0), so its between-couple partial "
                "correlations are not estimated"
            )
        node_warnings.append(messages)
        log_likelihood[node] = -0.5 * fit.deviance
        converged[node] = fit.converged
        lags = " + ".join(f"l{k + 1}" for k in range(n_nodes))
        means_terms = "".join(f" + m{k + 1}" for k in others)
        formulas[node] = f"n{j + 1} ~ 1 + {lags}{means_terms} + (1 + {lags} || couple)"
        rows += _node_rows(node, nodes, others, fit, " | ".join(messages), z_crit)

    contemporaneous = _partial_correlations(np.linalg.inv(residuals.T @ residuals / n_obs))
    estimable = tau >= SINGULAR_TOLERANCE * sigma
    with np.errstate(all="ignore"):
        precision = (np.eye(n_nodes) - gamma) / (tau**2)[:, None]
    precision = 0.5 * (precision + precision.T)
    between = _partial_correlations(precision)
    for j in range(n_nodes):
        for k in range(j + 1, n_nodes):
            text = " | ".join([*node_warnings[j], *node_warnings[k]])
            rows.append({"network": "contemporaneous", "from": nodes[j], "to": nodes[k],
                         "estimate": float(contemporaneous[j, k]), "warnings": text})  # fmt: skip
            value = float(between[j, k]) if estimable[j] and estimable[k] else np.nan
            rows.append({"network": "between", "from": nodes[j], "to": nodes[k],
                         "estimate": value, "warnings": text})  # fmt: skip

    result = pd.DataFrame(rows, columns=list(_COLUMNS))
    order = {name: i for i, name in enumerate(NETWORKS)}
    result = result.sort_values(
        "network", key=lambda column: column.map(order), kind="stable"
    ).reset_index(drop=True)
    result["warnings"] = result["warnings"].fillna("")
    result.attrs["n_obs"] = n_obs
    result.attrs["n_couples"] = n_couples
    result.attrs["nodes"] = tuple(nodes)
    result.attrs["formulas"] = formulas
    result.attrs["log_likelihood"] = log_likelihood
    result.attrs["converged"] = converged
    attach_warnings(result, [m for messages in node_warnings for m in messages], emit=True)
    return result
