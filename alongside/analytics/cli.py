"""``alongside analyze``: the dyadic analyses on any CSV file, from the command line.

The main ``alongside`` command attaches this group with ``cli.add_command(analyze)``;
it also runs on its own: ``python -m alongside.analytics.cli --help``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    import pandas as pd

# pandas, scipy and the estimators are imported inside each command, when it runs:
# "alongside --help" and every "--help" below start without them.

__all__ = ["analyze"]


# Every analysis writes its table the same way.
_format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="csv: a table; json: a list of records.",
)


def _read(path: str) -> pd.DataFrame:
    import pandas as pd

    try:
        return pd.read_csv(Path(path))
    except FileNotFoundError:
        raise click.ClickException(f"cannot read {path}: no such file") from None
    except IsADirectoryError:
        raise click.ClickException(f"cannot read {path}: it is a folder, not a file") from None
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "unreadable"
        raise click.ClickException(f"cannot read {path} as CSV: {first_line}") from None
    except OSError as error:
        raise click.ClickException(f"cannot read {path}: {error.strerror}") from None


class _BadOption(click.ClickException):
    """A malformed option value: one line naming the option, and click's usage status."""

    exit_code = 2


Range = tuple[str | None, float, float]


def _parse_ranges(
    context: click.Context, parameter: click.Parameter, values: tuple[str, ...]
) -> list[Range]:
    import math

    parsed: list[Range] = []
    for text in values:
        # The last "=" ends the column name: a name may hold "=" or ":", a range not.
        column, _, bounds = text.rpartition("=")
        low_text, colon, high_text = bounds.partition(":")
        try:
            low, high = float(low_text), float(high_text)
        except ValueError:
            low = high = math.nan
        if not colon or not (math.isfinite(low) and math.isfinite(high)):
            raise _BadOption(
                f"--range {text}: expected LOW:HIGH or COLUMN=LOW:HIGH, such as 1:7 or close=0:100"
            )
        if low > high:
            raise _BadOption(f"--range {text}: the low end is above the high end")
        parsed.append((column or None, low, high))
    return parsed


def _declared_ranges(
    ranges: list[Range], scores: tuple[str, ...]
) -> dict[str, tuple[float, float]] | None:
    """``--range`` values as the ``ranges`` option: a bare LOW:HIGH applies to every
    score column, and a COLUMN=LOW:HIGH overrides it for that column."""
    declared: dict[str, tuple[float, float]] = {}
    for column, low, high in sorted(ranges, key=lambda r: r[0] is not None):
        if column is not None and column not in scores:
            names = ", ".join(scores)
            raise _BadOption(
                f"--range {column}={low:g}:{high:g}: {column!r} is not analysed here "
                f"(the columns are {names})"
            )
        for name in scores if column is None else (column,):
            declared[name] = (low, high)
    return declared or None


def _emit(result: pd.DataFrame, output_format: str) -> None:
    from alongside.lib.csvsafe import safe_cell

    # What makes the fit doubtful goes to stderr, where a reader sees it and a pipe into
    # another program does not trip over it, and into every output row, so that it
    # travels with the numbers.
    messages: tuple[str, ...] = tuple(result.attrs.get("warnings", ()))
    for message in messages:
        click.echo(f"Warning: {message}", err=True)
    per_row = "warnings" in result.columns
    if output_format == "json":
        import json
        import math

        # Python floats print the shortest text that reads back exactly (17 significant
        # digits where needed): a p-value of 1.2345678901234567e-300 keeps every digit,
        # which pandas' to_json (15 at most) would not. NaN and infinities become null.
        records = [
            {
                key: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for key, v in row.items()
            }
            for row in json.loads(result.to_json(orient="records", double_precision=15))
        ]
        exact = result.to_dict(orient="records")
        for row, full in zip(records, exact, strict=True):
            for key, value in full.items():
                if isinstance(value, float) and math.isfinite(value):
                    row[key] = value
            # A result with its own per-row warnings (mlvar: each row names the fits
            # behind it) keeps them; otherwise every row carries all of them.
            own = full.get("warnings") if per_row else None
            row["warnings"] = [w for w in str(own).split(" | ") if w] if per_row else list(messages)
        click.echo(json.dumps(records))
    else:
        # Labels come from someone's data file: none may reach a spreadsheet as a formula.
        table = result if per_row else result.assign(warnings=" | ".join(messages))
        click.echo(table.map(safe_cell).to_csv(index=False), nl=False)


def _days_from_dates(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """A time column of ISO dates (2026-03-14) becomes day numbers (days since the
    earliest date), so "day number or date" both work; numbers are left as they are."""
    import pandas as pd

    if column not in frame.columns or pd.api.types.is_numeric_dtype(frame[column]):
        return frame
    try:
        dates = pd.to_datetime(frame[column], format="ISO8601")
    except (ValueError, TypeError):
        raise click.ClickException(
            f"--time {column}: expected day numbers or dates like 2026-03-14"
        ) from None
    days = (dates - dates.min()).dt.days
    return frame.assign(**{column: days.astype("int64")})


def _run(
    output_format: str,
    analysis_name: str,
    *,
    ranges: list[Range],
    scores: tuple[str, ...],
    **options: Any,
) -> None:
    import warnings

    from alongside import analytics

    analysis: Callable[..., pd.DataFrame] = getattr(analytics, analysis_name)
    declared = _declared_ranges(ranges, scores)
    path = options.pop("data")
    frame = _read(path)
    if options.get("time"):
        frame = _days_from_dates(frame, options["time"])
    try:
        # The fit's own warnings come back in attrs["warnings"] and are printed once by
        # _emit; Python's copies (and numpy's arithmetic notes) would only repeat them
        # with a file name and line number.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            result = analysis(frame, ranges=declared, **options)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    _emit(result, output_format)


def _common(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option(
        "--range",
        "ranges",
        multiple=True,
        callback=_parse_ranges,
        metavar="[COLUMN=]LOW:HIGH",
        help=(
            "Declared range of a score column (close=0:100), or of every score column "
            "analysed (1:7). A value outside it, such as a 99 'no answer' code, is an "
            "error naming the column, the count and a row. Repeatable."
        ),
    )(command)
    command = click.option(
        "--ci", type=float, default=0.95, show_default=True, help="Confidence level."
    )(command)
    command = _format_option(command)
    return click.option(
        "--data", required=True, metavar="FILE", help="CSV file with a header row."
    )(command)


def _diary(command: Callable[..., None]) -> Callable[..., None]:
    for name, text in reversed(
        (
            ("--dyad", "Column identifying the couple."),
            ("--time", "Column with the occasion (day number or date)."),
            ("--a", "Column with partner a's score."),
            ("--b", "Column with partner b's score."),
        )
    ):
        command = click.option(name, required=True, metavar="COLUMN", help=text)(command)
    return command


def _baseline(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option(
        "--seed", type=int, default=None, help="Seed for the pseudo-couple re-pairing."
    )(command)
    command = click.option(
        "--pseudo-couples",
        type=int,
        default=0,
        show_default=True,
        metavar="N",
        help="Also rank each couple among N random re-pairings of partners.",
    )(command)
    return click.option(
        "--min-pairs",
        type=int,
        default=10,
        show_default=True,
        help="Fewest consecutive pairs for a couple to be estimated.",
    )(command)


def _method_option(help_text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``--method reml|ml`` for the mixed models."""
    return click.option(
        "--method",
        type=click.Choice(["reml", "ml"]),
        default="reml",
        show_default=True,
        help=help_text,
    )


@click.group(name="analyze")
def analyze() -> None:
    """Dyadic analyses of a CSV file; results go to stdout as CSV or JSON records, and
    warnings about a fit (a singular or boundary fit, say) to stderr."""


def _apim_model(command: Callable[..., None]) -> Callable[..., None]:
    for decorator in reversed(
        (
            click.option(
                "--dyad", required=True, metavar="COLUMN", help="Column identifying the dyad."
            ),
            click.option(
                "--outcome", required=True, metavar="COLUMN", help="The person's outcome."
            ),
            click.option(
                "--actor", required=True, metavar="COLUMN", help="The person's own predictor."
            ),
            click.option(
                "--partner", required=True, metavar="COLUMN", help="The partner's predictor."
            ),
            click.option(
                "--distinguish-by",
                default=None,
                metavar="COLUMN",
                help="Column with two values telling the members apart (two-intercept model).",
            ),
            click.option(
                "--covariate",
                "covariates",
                multiple=True,
                metavar="COLUMN",
                help="A numeric covariate (a term of its own, per role when distinguishable). Repeatable.",
            ),
            click.option(
                "--moderator",
                default=None,
                metavar="COLUMN",
                help=(
                    "A numeric moderator m: adds m, actor:m and partner:m (the actor and "
                    "partner effects then hold at m = 0; centre m to read them at its mean)."
                ),
            ),
        )
    ):
        command = decorator(command)
    return command


@analyze.command(name="apim", short_help="Actor-Partner Interdependence Model (pairwise data).")
@_common
@_apim_model
@_method_option("Restricted or full maximum likelihood.")
@click.option(
    "--bootstrap",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    metavar="N",
    help="Percentile bootstrap interval for k from N resamples of dyads (0: delta method).",
)
@click.option("--seed", type=int, default=None, help="Seed for the bootstrap resamples.")
def apim_command(
    data: str,
    output_format: str,
    ci: float,
    dyad: str,
    outcome: str,
    actor: str,
    partner: str,
    distinguish_by: str | None,
    covariates: tuple[str, ...],
    moderator: str | None,
    method: str,
    bootstrap: int,
    seed: int | None,
    ranges: list[Range],
) -> None:
    """Actor-Partner Interdependence Model: how a person's outcome depends on their own
    and their partner's predictor, with correlated errors within dyad (pairwise data,
    one row per person)."""
    if 0 < bootstrap < 200:
        raise click.BadParameter(
            f"{bootstrap} resamples are too few for a percentile interval; use at least 200",
            param_hint="--bootstrap",
        )
    _run(
        output_format,
        "apim",
        ranges=ranges,
        scores=(outcome, actor, partner, *covariates, *([moderator] if moderator else [])),
        data=data,
        ci=ci,
        dyad=dyad,
        outcome=outcome,
        actor=actor,
        partner=partner,
        distinguish_by=distinguish_by,
        covariates=covariates,
        moderator=moderator,
        method=method,
        bootstrap=bootstrap,
        random_state=seed,
    )


@analyze.command(
    name="apim-tests", short_help="APIM tests of non-independence and distinguishability."
)
@click.option("--data", required=True, metavar="FILE", help="CSV file with a header row.")
@_format_option
@_apim_model
def apim_tests_command(
    data: str,
    output_format: str,
    dyad: str,
    outcome: str,
    actor: str,
    partner: str,
    distinguish_by: str | None,
    covariates: tuple[str, ...],
    moderator: str | None,
) -> None:
    """Likelihood-ratio tests: are the partners' residuals correlated (the partial
    intraclass correlation rho against 0), and, with --distinguish-by, do the two kinds
    of member differ at all (distinguishable vs indistinguishable model, by ML)?"""
    _run(
        output_format,
        "apim_tests",
        ranges=[],
        scores=(),
        data=data,
        dyad=dyad,
        outcome=outcome,
        actor=actor,
        partner=partner,
        distinguish_by=distinguish_by,
        covariates=covariates,
        moderator=moderator,
    )


def _dyad_counts(context: click.Context, parameter: click.Parameter, value: str) -> list[int]:
    try:
        counts = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter(
            f"{value!r}: expected whole numbers separated by commas, such as 25,50,100"
        ) from None
    if not counts or min(counts) < 5:
        raise click.BadParameter(f"{value!r}: each number of dyads must be at least 5")
    return counts


def _correlation(context: click.Context, parameter: click.Parameter, value: float) -> float:
    if not -1.0 < value < 1.0:
        raise click.BadParameter(f"{value}: a correlation must be between -1 and 1 (exclusive)")
    return value


@analyze.command(name="apim-power", short_help="Power of the APIM by simulation.")
@click.option(
    "--dyads",
    default="25,50,100",
    show_default=True,
    callback=_dyad_counts,
    metavar="N[,N...]",
    help="Numbers of dyads to simulate.",
)
@click.option(
    "--actor", type=float, default=0.3, show_default=True, help="Standardised actor effect."
)
@click.option(
    "--partner", type=float, default=0.2, show_default=True, help="Standardised partner effect."
)
@click.option(
    "--x-cor",
    type=float,
    default=0.3,
    show_default=True,
    callback=_correlation,
    help="Correlation of the two members' predictors.",
)
@click.option(
    "--residual-cor",
    type=float,
    default=0.3,
    show_default=True,
    callback=_correlation,
    help="Correlation of the two members' residuals (non-independence).",
)
@click.option(
    "--alpha", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.05,
    show_default=True, help="Significance level.",
)  # fmt: skip
@click.option(
    "--simulations",
    type=click.IntRange(min=10),
    default=1000,
    show_default=True,
    help="Simulated studies per number of dyads and design.",
)
@click.option("--seed", type=int, default=None, help="Seed for the simulations.")
@_format_option
def apim_power_command(
    dyads: list[int],
    actor: float,
    partner: float,
    x_cor: float,
    residual_cor: float,
    alpha: float,
    simulations: int,
    seed: int | None,
    output_format: str,
) -> None:
    """Power of the APIM's tests of the actor and partner effects by simulation
    (indistinguishable dyads, standardised effects, as APIMPowerR), with the type I
    error rate of each test when its effect is 0."""
    from alongside.analytics import apim_power

    try:
        result = apim_power(
            dyads=dyads,
            actor=actor,
            partner=partner,
            x_cor=x_cor,
            residual_cor=residual_cor,
            alpha=alpha,
            simulations=simulations,
            random_state=seed,
        )
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--actor/--partner") from None
    _emit(result, output_format)


@analyze.command(
    name="lagged-apim", short_help="Stability and influence over days (multilevel lagged APIM)."
)
@_common
@_diary
@click.option(
    "--random-slopes",
    type=click.Choice(["shared", "by-role"]),
    is_flag=False,
    flag_value="shared",
    default=None,
    help=(
        "Let stability and influence vary by couple. shared (what a bare --random-slopes "
        "means): one deviation of each per couple for both partners; by-role: each "
        "partner's own, the two partners' deviations of one effect correlated (lme4's "
        "(0 + role + role:actor_lag + role:partner_lag || couple))."
    ),
)
@click.option(
    "--residuals",
    type=click.Choice(["independent", "by-role", "by-role-correlated"]),
    default="independent",
    show_default=True,
    help=(
        "Residual structure. independent: one residual SD, the partners' same-day "
        "residuals independent (lme4's model); by-role: each partner's own residual SD "
        "(adds rows sigma_b, sigma_ratio); by-role-correlated: also the correlation of "
        "the partners' residuals on the same day (adds residual_cor). As nlme's lme with "
        "varIdent(~1 | role) and corCompSymm(~1 | couple/day)."
    ),
)
@click.option(
    "--ar1",
    is_flag=True,
    default=False,
    help=(
        "AR(1) residuals within each partner's series: residuals k days apart correlate "
        "phi^k (adds row residual_ar1; nlme's corAR1(form = ~ day | couple/role)). With "
        "--residuals independent or by-role, not by-role-correlated."
    ),
)
@click.option(
    "--x-a",
    "x_a",
    default=None,
    metavar="COLUMN",
    help=(
        "Cross-lags: partner a's second variable X (say stress); with --x-b, each "
        "partner's own and partner's X yesterday also predict the score today (rows "
        "cross_actor_a, cross_actor_b, cross_partner_b_to_a, cross_partner_a_to_b)."
    ),
)
@click.option(
    "--x-b", "x_b", default=None, metavar="COLUMN", help="Cross-lags: partner b's X (with --x-a)."
)
@click.option(
    "--centre",
    type=click.Choice(["none", "within"]),
    default="none",
    show_default=True,
    help=(
        "within: centre every lagged predictor on that partner's own mean, so actor, "
        "partner and cross rows are within-couple effects, and add the means as "
        "between-couple predictors (rows between_...). none: the scores as they are."
    ),
)
@_method_option("Restricted or full maximum likelihood.")
def lagged_apim_command(
    data: str,
    output_format: str,
    ci: float,
    dyad: str,
    time: str,
    a: str,
    b: str,
    random_slopes: str | None,
    residuals: str,
    ar1: bool,
    x_a: str | None,
    x_b: str | None,
    centre: str,
    method: str,
    ranges: list[Range],
) -> None:
    """Stability and influence: a multilevel model of each partner's score from their
    own and their partner's score on the previous day (couple-wide diary data, one
    row per couple and day); optionally also from a second variable's previous day
    (--x-a, --x-b), with within- and between-couple effects apart (--centre within)
    and AR(1) residuals (--ar1)."""
    if (x_a is None) != (x_b is None):
        given, missing = ("--x-a", "--x-b") if x_a is not None else ("--x-b", "--x-a")
        raise _BadOption(f"{given} needs {missing}: cross-lags need X for both partners")
    if ar1 and residuals == "by-role-correlated":
        raise _BadOption(
            "--ar1 cannot be combined with --residuals by-role-correlated: nlme fits one "
            "residual correlation structure at a time (corAR1 or corCompSymm); use "
            "--residuals by-role with --ar1"
        )
    _run(
        output_format,
        "lagged_apim",
        ranges=ranges,
        scores=(a, b, *([x_a, x_b] if x_a is not None and x_b is not None else [])),
        data=data,
        ci=ci,
        dyad=dyad,
        time=time,
        a=a,
        b=b,
        random_slopes=random_slopes or False,
        residuals=residuals,
        method=method,
        x_a=x_a,
        x_b=x_b,
        centre=centre,
        ar1=ar1,
    )


@analyze.command(name="networks", short_help="Per-couple VAR(1) emotional networks.")
@_common
@_diary
@_baseline
def networks_command(
    data: str,
    output_format: str,
    ci: float,
    dyad: str,
    time: str,
    a: str,
    b: str,
    min_pairs: int,
    pseudo_couples: int,
    seed: int | None,
    ranges: list[Range],
) -> None:
    """Per-couple emotional networks: a VAR(1) for every couple giving each partner's
    inertia, the carry-over from one partner to the other in each direction, and
    same-moment synchrony (couple-wide diary data)."""
    _run(
        output_format,
        "networks",
        ranges=ranges,
        scores=(a, b),
        data=data,
        ci=ci,
        dyad=dyad,
        time=time,
        a=a,
        b=b,
        min_pairs=min_pairs,
        pseudo_couples=pseudo_couples,
        random_state=seed,
    )


@analyze.command(
    name="mlvar", short_help="Multilevel VAR networks over all couples (as R's mlVAR)."
)
@_common
@click.option("--dyad", required=True, metavar="COLUMN", help="Column identifying the couple.")
@click.option(
    "--time", required=True, metavar="COLUMN", help="Column with the occasion (day number or date)."
)
@click.option(
    "--node",
    "nodes",
    multiple=True,
    required=True,
    metavar="COLUMN",
    help="A node of the network: a score column (e.g. M_Anx.). Give two or more.",
)
@_method_option("Restricted or full maximum likelihood for each node's model.")
def mlvar_command(
    data: str,
    output_format: str,
    ci: float,
    dyad: str,
    time: str,
    nodes: tuple[str, ...],
    method: str,
    ranges: list[Range],
) -> None:
    """Multilevel VAR(1) over all couples (couple-wide diary data): one mixed model per
    node of the node at t on every node at t-1 (centred within couple) and the couple
    means of the other nodes, with uncorrelated random intercept and slopes. Rows give
    the temporal network (fixed effects) and its between-couple SDs, the
    contemporaneous and the between-couple partial-correlation networks; the warnings
    column names doubtful (singular) fits behind each row."""
    _run(
        output_format,
        "mlvar",
        ranges=ranges,
        scores=nodes,
        data=data,
        ci=ci,
        dyad=dyad,
        time=time,
        nodes=list(nodes),
        method=method,
    )


@analyze.command(name="synchrony", short_help="Per-couple same-moment synchrony.")
@_common
@_diary
@_baseline
def synchrony_command(
    data: str,
    output_format: str,
    ci: float,
    dyad: str,
    time: str,
    a: str,
    b: str,
    min_pairs: int,
    pseudo_couples: int,
    seed: int | None,
    ranges: list[Range],
) -> None:
    """Per-couple synchrony: how much both partners' feelings move together at the same
    moment, raw and after removing yesterday's carry-over (couple-wide diary data)."""
    _run(
        output_format,
        "synchrony",
        ranges=ranges,
        scores=(a, b),
        data=data,
        ci=ci,
        dyad=dyad,
        time=time,
        a=a,
        b=b,
        min_pairs=min_pairs,
        pseudo_couples=pseudo_couples,
        random_state=seed,
    )


if __name__ == "__main__":
    analyze()
