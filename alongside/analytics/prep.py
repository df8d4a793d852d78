"""Reshaping dyadic data: long, pairwise and couple-wide forms; lags; centring.

Three shapes of the same data:

* **long**: one row per person (and occasion), with a dyad column;
* **pairwise** (actor/partner): long, plus every variable of the person's partner on
  the same row (``X_A`` is the person's own, ``X_P`` the partner's);
* **couple-wide**: one row per couple (and occasion), one column per partner
  (``M_Anx.``, ``W_Anx.``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._checks import (
    numeric_values,
    require_columns,
    require_frame,
    require_ids,
    show,
    time_values,
)

__all__ = [
    "center_within",
    "couple_wide_from_long",
    "lag_consecutive",
    "long_from_couple_wide",
    "long_from_pairwise",
    "pairwise_from_long",
]


def _as_list(columns: str | Sequence[str], name: str) -> list[str]:
    if isinstance(columns, str):
        return [columns]
    names = list(columns)
    if not names:
        raise ValueError(f"{name} names no columns")
    return names


def _group_codes(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    return frame.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()


def _label(frame: pd.DataFrame, keys: list[str], row: int) -> str:
    values = [f"{k} = {show(frame[k].iloc[row])}" for k in keys]
    return ", ".join(values)


def _slots_within_dyad(frame: pd.DataFrame, *, dyad: str, person: str) -> np.ndarray:
    """0 for the first person of each dyad (sorted by id), 1 for the second.

    Raises when a dyad has more than two different people.
    """
    pairs = frame[[dyad, person]].drop_duplicates()
    counts = pairs.groupby(dyad, sort=False)[person].transform("size")
    if (counts > 2).any():
        crowded = pairs.loc[counts > 2, dyad].iloc[0]
        people = pairs.loc[pairs[dyad] == crowded, person].tolist()
        raise ValueError(
            f"dyad {show(crowded)} has {len(people)} different people in column {person!r} "
            f"({', '.join(show(p) for p in people[:5])}); a dyad has at most two"
        )
    rank = pairs.groupby(dyad, sort=False)[person].rank(method="dense").astype(int) - 1
    lookup = pd.Series(rank.to_numpy(), index=pd.MultiIndex.from_frame(pairs))
    return lookup.reindex(pd.MultiIndex.from_frame(frame[[dyad, person]])).to_numpy()


def pairwise_from_long(
    data: pd.DataFrame,
    *,
    dyad: str,
    person: str,
    columns: str | Sequence[str] | None = None,
    time: str | None = None,
    actor_suffix: str = "_A",
    partner_suffix: str = "_P",
) -> pd.DataFrame:
    """Add each person's partner's values to their row (pairwise, actor/partner form).

    Parameters
    ----------
    data : pandas.DataFrame
        Long data: one row per person (and occasion, with ``time``).
    dyad, person : str
        Columns identifying the dyad and the person within it.
    columns : str or list of str, optional
        Variables to pair; default all other columns.
    time : str, optional
        Occasion column, for repeated measures: partners are matched on the same
        occasion.
    actor_suffix, partner_suffix : str
        Suffixes of the person's own and the partner's copy of each variable.

    Returns
    -------
    pandas.DataFrame
        ``dyad``, ``person``, (``time``), then ``X_A`` and ``X_P`` for every variable
        ``X``, in the input's row order. The partner's values are missing when the
        partner has no row (for that occasion).

    Raises
    ------
    ValueError
        When a column is missing, a dyad has more than two people, or a person has
        two rows for the same occasion.

    Examples
    --------
    >>> import pandas as pd
    >>> from alongside.analytics import pairwise_from_long
    >>> people = pd.DataFrame({"couple": [1, 1, 2], "who": ["ann", "bo", "cy"],
    ...                        "trust": [4, 3, 5]})
    >>> pairwise_from_long(people, dyad="couple", person="who")
       couple  who  trust_A  trust_P
    0       1  ann        4      3.0
    1       1   bo        3      4.0
    2       2   cy        5      NaN
    """
    frame = require_frame(data)
    keys = [dyad, person] + ([time] if time else [])
    require_columns(frame, keys)
    for key in keys:
        require_ids(frame, key)
    if columns is None:
        variables = [c for c in frame.columns if c not in keys]
    else:
        variables = _as_list(columns, "columns")
        require_columns(frame, keys + variables)
    if not variables:
        raise ValueError("there are no variables to pair besides the identifiers")
    _slots_within_dyad(frame, dyad=dyad, person=person)
    occasion = [dyad] + ([time] if time else [])
    if frame.duplicated(keys).any():
        row = int(np.flatnonzero(frame.duplicated(keys).to_numpy())[0])
        raise ValueError(f"more than one row for {_label(frame, keys, row)}")
    group = _group_codes(frame, occasion)
    order = np.argsort(group, kind="stable")
    sorted_group = group[order]
    partner = np.full(len(frame), -1)
    twin = np.flatnonzero(sorted_group[1:] == sorted_group[:-1])
    partner[order[twin]] = order[twin + 1]
    partner[order[twin + 1]] = order[twin]
    result = frame[keys].copy()
    has_partner = partner >= 0
    for column in variables:
        own = frame[column]
        result[f"{column}{actor_suffix}"] = own.to_numpy()
        values = own.to_numpy()[np.where(has_partner, partner, 0)]
        copy = pd.Series(values, index=frame.index, dtype=own.dtype)
        result[f"{column}{partner_suffix}"] = copy.where(has_partner)
    return result


def long_from_pairwise(
    data: pd.DataFrame,
    *,
    actor_suffix: str = "_A",
    partner_suffix: str = "_P",
) -> pd.DataFrame:
    """Drop the partner's copies from pairwise data and strip the actor suffix.

    Parameters
    ----------
    data : pandas.DataFrame
        Pairwise data (one row per person, ``X_A`` and ``X_P`` columns).
    actor_suffix, partner_suffix : str
        Suffixes of the person's own and the partner's copy of each variable.

    Returns
    -------
    pandas.DataFrame
        One row per person: the other columns unchanged, ``X_A`` renamed ``X``, and
        every ``X_P`` left out.

    Examples
    --------
    >>> import pandas as pd
    >>> from alongside.analytics import long_from_pairwise
    >>> pairs = pd.DataFrame({"couple": [1, 1], "trust_A": [4, 3], "trust_P": [3, 4]})
    >>> long_from_pairwise(pairs)
       couple  trust
    0       1      4
    1       1      3
    """
    frame = require_frame(data)
    actor_columns = [c for c in frame.columns if str(c).endswith(actor_suffix)]
    if not actor_columns:
        raise ValueError(f"no column ends with {actor_suffix!r}; is the data pairwise?")
    keep = [c for c in frame.columns if not str(c).endswith(partner_suffix)]
    renamed = {c: str(c)[: -len(actor_suffix)] for c in actor_columns}
    for old, new in renamed.items():
        if new in frame.columns:
            raise ValueError(
                f"column {old!r} would become {new!r}, which already exists; drop one of them first"
            )
    return frame[keep].rename(columns=renamed)


def _common_name(a: str, b: str) -> str:
    suffix = ""
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        suffix = x + suffix
    name = suffix.strip("_. ")
    return name or "value"


def long_from_couple_wide(
    data: pd.DataFrame,
    *,
    dyad: str,
    a: str | Sequence[str],
    b: str | Sequence[str],
    time: str | None = None,
    names: str | Sequence[str] | None = None,
    roles: tuple[str, str] = ("a", "b"),
    role: str = "role",
) -> pd.DataFrame:
    """Stack couple-wide rows (one column per partner) into one row per person.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per couple (and occasion).
    dyad : str
        Column identifying the couple.
    a, b : str or list of str
        Partner a's and partner b's columns, pairwise in the same order
        (e.g. ``["M_Anx.", "M_Sad."]`` and ``["W_Anx.", "W_Sad."]``).
    time : str, optional
        Occasion column, kept as a key.
    names : str or list of str, optional
        Names of the stacked variables; default the shared end of each pair of names
        (``"M_Anx."`` and ``"W_Anx."`` give ``"Anx"``), or ``"value"``.
    roles : (str, str)
        Labels of partner a and partner b in the new ``role`` column.
    role : str
        Name of the new role column.

    Returns
    -------
    pandas.DataFrame
        ``dyad``, (``time``), ``role``, then the stacked variables; partner a's row
        comes before partner b's for every couple and occasion.

    Examples
    --------
    >>> import pandas as pd
    >>> from alongside.analytics import long_from_couple_wide
    >>> diary = pd.DataFrame({"ID": [1, 1], "day": [0, 1],
    ...                       "M_Anx.": [0.5, 1.0], "W_Anx.": [2.0, 1.5]})
    >>> long_from_couple_wide(diary, dyad="ID", time="day", a="M_Anx.", b="W_Anx.",
    ...                       roles=("man", "woman"))
       ID  day   role  Anx
    0   1    0    man  0.5
    1   1    0  woman  2.0
    2   1    1    man  1.0
    3   1    1  woman  1.5
    """
    frame = require_frame(data)
    a_columns, b_columns = _as_list(a, "a"), _as_list(b, "b")
    if len(a_columns) != len(b_columns):
        raise ValueError(
            f"a names {len(a_columns)} columns but b names {len(b_columns)}; "
            "give one column per partner for every variable"
        )
    keys = [dyad] + ([time] if time else [])
    require_columns(frame, keys + a_columns + b_columns)
    require_ids(frame, dyad)
    if names is None:
        labels = [_common_name(x, y) for x, y in zip(a_columns, b_columns, strict=True)]
    else:
        labels = _as_list(names, "names")
    if len(labels) != len(a_columns):
        raise ValueError(f"names has {len(labels)} entries for {len(a_columns)} variables")
    if len(set(labels)) != len(labels) or set(labels) & {*keys, role}:
        raise ValueError(f"names {labels!r} must be distinct and differ from the key columns")
    if frame.duplicated(keys).any():
        row = int(np.flatnonzero(frame.duplicated(keys).to_numpy())[0])
        raise ValueError(f"more than one row for {_label(frame, keys, row)}")
    parts = []
    for label, columns in ((roles[0], a_columns), (roles[1], b_columns)):
        part = frame[keys].copy()
        part.insert(len(keys), role, label)
        for name, column in zip(labels, columns, strict=True):
            part[name] = frame[column].to_numpy()
        part["_row"] = np.arange(len(frame))
        parts.append(part)
    stacked = pd.concat(parts, ignore_index=True)
    stacked["_slot"] = np.repeat([0, 1], len(frame))
    stacked = stacked.sort_values(["_row", "_slot"], kind="stable")
    return stacked.drop(columns=["_row", "_slot"]).reset_index(drop=True)


def couple_wide_from_long(
    data: pd.DataFrame,
    *,
    dyad: str,
    role: str,
    values: str | Sequence[str],
    time: str | None = None,
    roles: tuple[object, object] | None = None,
    suffixes: tuple[str, str] = ("_a", "_b"),
) -> pd.DataFrame:
    """Spread long rows (one per person) into one row per couple, one column per partner.

    Parameters
    ----------
    data : pandas.DataFrame
        Long data: one row per person (and occasion).
    dyad : str
        Column identifying the couple.
    role : str
        Column telling the partners apart: a role (``"man"``/``"woman"``) or a
        person id.
    values : str or list of str
        Variables to spread.
    time : str, optional
        Occasion column, kept as a key.
    roles : (value, value), optional
        Which ``role`` value is partner a and which is partner b. Default: when the
        column has exactly two values, the smaller is a; otherwise (person ids) the
        smaller id within each couple is a.
    suffixes : (str, str)
        Appended to each variable for partner a and partner b.

    Returns
    -------
    pandas.DataFrame
        ``dyad``, (``time``), then ``X_a`` and ``X_b`` for every variable ``X``.

    Raises
    ------
    ValueError
        When a couple has more than two people, or one person has two rows for the
        same occasion.

    Examples
    --------
    >>> import pandas as pd
    >>> from alongside.analytics import couple_wide_from_long
    >>> people = pd.DataFrame({"ID": [1, 1, 2, 2], "role": ["m", "w", "m", "w"],
    ...                        "anx": [0.5, 2.0, 1.0, 0.0]})
    >>> couple_wide_from_long(people, dyad="ID", role="role", values="anx")
       ID  anx_a  anx_b
    0   1    0.5    2.0
    1   2    1.0    0.0
    """
    frame = require_frame(data)
    variables = _as_list(values, "values")
    keys = [dyad] + ([time] if time else [])
    require_columns(frame, [*keys, role, *variables])
    require_ids(frame, dyad)
    require_ids(frame, role)
    if roles is not None:
        unknown = sorted({str(v) for v in frame[role].unique()} - {str(r) for r in roles})
        if unknown:
            raise ValueError(
                f"column {role!r} holds {show(unknown[0])}, which is not one of roles {roles!r}"
            )
        slot = np.where(frame[role].astype(str) == str(roles[0]), 0, 1)
    elif frame[role].nunique() == 2:
        first = sorted(frame[role].unique())[0]
        slot = np.where(frame[role] == first, 0, 1)
    else:
        slot = _slots_within_dyad(frame, dyad=dyad, person=role)
    work = frame[keys + variables].copy()
    work["_slot"] = slot
    duplicated = work.duplicated([*keys, "_slot"])
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise ValueError(
            f"more than one row for {_label(frame, [*keys, role], row)}; "
            "each partner needs at most one row per occasion"
        )
    wide = work.pivot(index=keys, columns="_slot", values=variables)
    wide = wide.reindex(columns=pd.MultiIndex.from_product([variables, [0, 1]]))
    wide.columns = pd.Index([f"{name}{suffixes[slot]}" for name in variables for slot in (0, 1)])
    return wide.reset_index()


def lag_consecutive(
    data: pd.DataFrame,
    *,
    group: str,
    time: str,
    columns: str | Sequence[str],
    suffix: str = "_lag",
) -> pd.DataFrame:
    """Add each variable's value at the previous occasion, only if it was consecutive.

    The lag of a row at occasion *t* is the same group's value at *t - 1*; when the
    group has no row at *t - 1* (a skipped day), the lag is missing rather than the
    value of an earlier occasion.

    Parameters
    ----------
    data : pandas.DataFrame
        Long or couple-wide data.
    group : str
        Column identifying whose series it is (a person, or a couple in couple-wide
        data).
    time : str
        Occasion column: whole numbers or dates (one day apart is consecutive).
    columns : str or list of str
        Variables to lag.
    suffix : str
        Appended to the names of the lagged copies.

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` (same row order) with ``X_lag`` for every variable ``X``.

    Examples
    --------
    >>> import pandas as pd
    >>> from alongside.analytics import lag_consecutive
    >>> diary = pd.DataFrame({"person": [1, 1, 1, 1], "day": [0, 1, 3, 4],
    ...                       "mood": [2.0, 3.0, 4.0, 5.0]})
    >>> lag_consecutive(diary, group="person", time="day", columns="mood")
       person  day  mood  mood_lag
    0       1    0   2.0       NaN
    1       1    1   3.0       2.0
    2       1    3   4.0       NaN
    3       1    4   5.0       4.0
    """
    frame = require_frame(data)
    variables = _as_list(columns, "columns")
    require_columns(frame, [group, time, *variables])
    require_ids(frame, group)
    t = time_values(frame, time)
    codes = pd.factorize(frame[group])[0].astype(np.int64)
    span = int(t.max() - t.min()) + 2
    key = codes * span + (t - t.min())
    index = pd.Index(key)
    if not index.is_unique:
        row = int(np.flatnonzero(index.duplicated())[0])
        raise ValueError(f"more than one row for {_label(frame, [group, time], row)}")
    previous = index.get_indexer(key - 1)
    has = previous >= 0
    result = frame.copy()
    for column in variables:
        values = frame[column].to_numpy()[np.where(has, previous, 0)]
        copy = pd.Series(values, index=frame.index, dtype=frame[column].dtype)
        result[f"{column}{suffix}"] = copy.where(has)
    return result


def center_within(
    data: pd.DataFrame,
    *,
    group: str,
    columns: str | Sequence[str],
    suffix: str = "_cw",
    mean_suffix: str | None = None,
) -> pd.DataFrame:
    """Centre variables within person (or couple): subtract each group's own mean.

    Within-person centring separates a person's day-to-day fluctuations (the centred
    score) from their usual level (the person mean), so that within- and
    between-person effects are not mixed up in multilevel models.

    Parameters
    ----------
    data : pandas.DataFrame
        Long data.
    group : str
        Column identifying the person (or couple).
    columns : str or list of str
        Numeric variables to centre.
    suffix : str
        Appended to the names of the centred copies.
    mean_suffix : str, optional
        When given, also add each group's mean under this suffix.

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with ``X_cw`` (and ``X`` + ``mean_suffix``) for every ``X``.
        Missing values are ignored in the means and stay missing.

    Examples
    --------
    >>> import pandas as pd
    >>> from alongside.analytics import center_within
    >>> diary = pd.DataFrame({"person": [1, 1, 2, 2], "mood": [2.0, 4.0, 1.0, 1.0]})
    >>> center_within(diary, group="person", columns="mood", mean_suffix="_pm")
       person  mood  mood_cw  mood_pm
    0       1   2.0     -1.0      3.0
    1       1   4.0      1.0      3.0
    2       2   1.0      0.0      1.0
    3       2   1.0      0.0      1.0
    """
    frame = require_frame(data)
    variables = _as_list(columns, "columns")
    require_columns(frame, [group, *variables])
    require_ids(frame, group)
    result = frame.copy()
    codes = pd.factorize(frame[group])[0]
    for column in variables:
        values = numeric_values(frame, column).astype(np.float64)
        seen = np.isfinite(values)
        sums = np.bincount(codes, weights=np.where(seen, values, 0.0))
        counts = np.bincount(codes, weights=seen.astype(float))
        with np.errstate(all="ignore"):
            means = (sums / counts)[codes]
        result[f"{column}{suffix}"] = values - means
        if mean_suffix is not None:
            result[f"{column}{mean_suffix}"] = means
    return result
