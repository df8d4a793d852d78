"""Couple-wide diary data as a dense grid, and the one linear sweep over it.

Diary data arrive as one row per couple and occasion with one column per partner. The
estimators here work on a grid instead: one row per couple, one column per occasion,
``NaN`` where nothing was reported. On that grid a lag-1 pair is simply two neighbouring
cells, so "a skipped day breaks the lag" needs no special code, and every per-couple sum
is a contiguous row reduction (fast, and easy to split across threads).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ._checks import (
    numeric_values,
    require_columns,
    require_finite,
    require_frame,
    require_ids,
    require_in_range,
    require_ranges,
    show,
    time_values,
)

# Couples per block in the sweep: small enough that a block's temporaries stay in cache.
_BLOCK = 1000
# Refuse grids that would be mostly empty and very large (times far apart).
_MAX_GRID_CELLS = 400_000_000


@dataclass(frozen=True)
class CoupleSeries:
    """Both partners' series on a (couples x occasions) grid."""

    labels: np.ndarray
    a: np.ndarray
    b: np.ndarray

    @property
    def n_couples(self) -> int:
        return int(self.a.shape[0])


def _dyad_codes(ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Couple number of every row (0, 1, ...) and the couple labels, in sorted order."""
    values = ids.to_numpy()
    n = len(values)
    if pd.api.types.is_integer_dtype(ids.dtype) and not pd.api.types.is_bool_dtype(ids.dtype):
        change = np.flatnonzero(values[1:] != values[:-1]) + 1
        if bool(np.all(values[change] > values[change - 1])):  # already grouped, ascending
            starts = np.concatenate(([0], change))
            counts = np.diff(np.append(starts, n))
            codes = np.repeat(np.arange(len(starts), dtype=_index_dtype(n)), counts)
            return codes, values[starts]
    codes, uniques = pd.factorize(ids, sort=True)
    return codes.astype(_index_dtype(n), copy=False), np.asarray(uniques)


def require_one_row_per_occasion(
    codes: np.ndarray, t: np.ndarray, labels: np.ndarray | pd.Index, time: str
) -> None:
    """Refuse a couple with two rows for one occasion (``codes``, ``t`` sorted by both)."""
    repeated = (codes[1:] == codes[:-1]) & (t[1:] == t[:-1])
    if repeated.any():
        i = int(np.flatnonzero(repeated)[0])
        raise ValueError(
            f"dyad {show(labels[codes[i]])} has more than one row for {time} = {t[i]}; "
            "each couple needs at most one row per occasion"
        )


def _index_dtype(n: int) -> type[np.signedinteger]:
    """int32 indices while they fit (half the memory of int64 on big diaries)."""
    return np.int32 if n < 2**31 - 1 else np.int64


def couple_series(
    data: pd.DataFrame,
    *,
    dyad: str,
    time: str,
    a: str,
    b: str,
    align: Literal["compact", "time"] = "compact",
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> CoupleSeries:
    """Turn couple-wide rows into a grid.

    ``align="compact"`` keeps the order of occasions and leaves exactly one empty cell
    wherever occasions are not consecutive (enough to break every lag, and the grid
    never grows wider than twice the longest diary). ``align="time"`` places each
    occasion at its time since the couple's first occasion, which is what pairing
    partners from different couples by diary day needs.

    Infinite scores, and scores outside a column's declared range
    (``ranges={column: (low, high)}``), are refused with the column and the row.
    """
    frame = require_frame(data)
    require_columns(frame, [dyad, time, a, b])
    require_ids(frame, dyad)
    declared = require_ranges(ranges, [a, b])
    va = numeric_values(frame, a)
    vb = numeric_values(frame, b)
    for column, values in ((a, va), (b, vb)):
        require_finite(values, column)
        if column in declared:
            require_in_range(values, column, *declared[column])
    if va.dtype != vb.dtype:
        va = va.astype(np.float64)
        vb = vb.astype(np.float64)
    t = time_values(frame, time)
    codes, labels = _dyad_codes(frame[dyad])

    same = codes[1:] == codes[:-1]
    in_order = bool(np.all(codes[1:] >= codes[:-1])) and bool(np.all(~same | (t[1:] > t[:-1])))
    if not in_order:
        order = np.lexsort((t, codes))
        codes, t, va, vb = codes[order], t[order], va[order], vb[order]
        same = codes[1:] == codes[:-1]
        require_one_row_per_occasion(codes, t, labels, time)

    n = len(codes)
    starts = np.flatnonzero(np.concatenate(([True], ~same)))
    n_couples = len(starts)
    step = t[1:] - t[:-1]
    # The common case, every couple with the same consecutive occasions in order: the
    # columns already are the grid, row after row.
    if n % n_couples == 0 and bool(np.all((step == 1) | ~same)):
        width = n // n_couples
        if bool(np.all(np.diff(starts) == width)):
            return CoupleSeries(
                labels=labels, a=va.reshape(n_couples, width), b=vb.reshape(n_couples, width)
            )
    index_dtype = _index_dtype(max(n, int(t.max() - t.min()) + 1))
    if align == "compact":
        position = np.ones(n, dtype=index_dtype)
        position[1:] += (step > 1) & same
        position[starts] = 0
        np.cumsum(position, out=position)
    else:
        position = (t - t[starts[0]]).astype(index_dtype)
    del step, same
    position -= np.repeat(position[starts], np.diff(np.append(starts, n)))
    width = int(position.max()) + 1
    if n_couples * width > max(_MAX_GRID_CELLS, 20 * n):
        raise ValueError(
            f"the occasions in column {time!r} span {width} steps within a couple; "
            "number the occasions (0, 1, 2, ...) before pairing couples by time"
        )
    dtype = va.dtype
    grid_a = np.full((n_couples, width), np.nan, dtype=dtype)
    grid_b = np.full((n_couples, width), np.nan, dtype=dtype)
    grid_a[codes, position] = va
    grid_b[codes, position] = vb
    return CoupleSeries(labels=labels, a=grid_a, b=grid_b)


@dataclass(frozen=True)
class LagMoments:
    """Per-couple moments of z = (1, a[t-1], b[t-1], a[t], b[t]) over lag-1 pairs.

    ``cross[i]`` is the 5 x 5 sum of z z' for couple i, computed on the series minus
    ``shift[i]`` (each partner's own mean), which keeps the sums well conditioned;
    ``n[i]`` = ``cross[i, 0, 0]`` is the number of pairs.
    """

    n: np.ndarray
    shift: np.ndarray
    cross: np.ndarray

    def raw(self) -> np.ndarray:
        """The same moments of the unshifted series."""
        m = np.zeros((len(self.n), 5, 5))
        m[:, np.arange(5), np.arange(5)] = 1.0
        m[:, 1, 0] = self.shift[:, 0]
        m[:, 2, 0] = self.shift[:, 1]
        m[:, 3, 0] = self.shift[:, 0]
        m[:, 4, 0] = self.shift[:, 1]
        return m @ self.cross @ m.transpose(0, 2, 1)


def _block_moments(
    a: np.ndarray, b: np.ndarray, need: tuple[bool, bool]
) -> tuple[np.ndarray, np.ndarray]:
    seen_a = np.isfinite(a)
    seen_b = np.isfinite(b)
    complete = bool(seen_a.all()) and bool(seen_b.all())
    width = a.shape[1]
    if complete:
        shift = np.stack(
            [a.sum(axis=1, dtype=np.float64), b.sum(axis=1, dtype=np.float64)], axis=1
        ) / float(width)
        centred_a = a - shift[:, :1]
        centred_b = b - shift[:, 1:]
        pair: np.ndarray | None = None
    else:
        count_a = np.maximum(seen_a.sum(axis=1), 1)
        count_b = np.maximum(seen_b.sum(axis=1), 1)
        shift = np.stack(
            [
                np.where(seen_a, a, 0).sum(axis=1, dtype=np.float64) / count_a,
                np.where(seen_b, b, 0).sum(axis=1, dtype=np.float64) / count_b,
            ],
            axis=1,
        )
        centred_a = a - shift[:, :1]
        centred_b = b - shift[:, 1:]
        centred_a[~seen_a] = 0.0
        centred_b[~seen_b] = 0.0
        pair = seen_a[:, :-1] & seen_b[:, :-1]
        if need[0]:
            pair &= seen_a[:, 1:]
        if need[1]:
            pair &= seen_b[:, 1:]
    # z = (a[t-1], b[t-1], a[t], b[t]) for every pair; its sums and cross-products.
    z = np.empty((a.shape[0], 4, width - 1))
    if pair is None:
        z[:, 0] = centred_a[:, :-1]
        z[:, 1] = centred_b[:, :-1]
        z[:, 2] = centred_a[:, 1:]
        z[:, 3] = centred_b[:, 1:]
        n = np.full(a.shape[0], float(width - 1))
    else:
        np.multiply(centred_a[:, :-1], pair, out=z[:, 0])
        np.multiply(centred_b[:, :-1], pair, out=z[:, 1])
        np.multiply(centred_a[:, 1:], pair, out=z[:, 2])
        np.multiply(centred_b[:, 1:], pair, out=z[:, 3])
        n = pair.sum(axis=1, dtype=np.float64)
    cross = np.empty((a.shape[0], 5, 5))
    cross[:, 0, 0] = n
    cross[:, 0, 1:] = cross[:, 1:, 0] = z.sum(axis=2)
    cross[:, 1:, 1:] = np.matmul(z, z.transpose(0, 2, 1))
    return shift, cross


def in_blocks(n_items: int, work: Callable[[int, int], None], block: int) -> None:
    """Run ``work(start, stop)`` over consecutive blocks of items, in parallel threads.

    numpy and scipy release the GIL inside their loops, so blocks of couples run on
    several cores at once; each block is small enough for its temporaries to stay in
    cache.
    """
    starts = range(0, n_items, block)
    workers = min(4, os.cpu_count() or 1)
    if workers > 1 and n_items > block:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda start: work(start, min(start + block, n_items)), starts))
    else:
        for start in starts:
            work(start, min(start + block, n_items))


def lag_moments(
    a: np.ndarray,
    b: np.ndarray,
    *,
    need: tuple[bool, bool] = (True, True),
) -> LagMoments:
    """One linear sweep: per-couple moments of lag-1 pairs.

    A pair (t-1, t) counts when both partners reported at t-1 and, for each partner
    flagged in ``need``, that partner reported at t.
    """
    n_couples, width = a.shape
    shift = np.zeros((n_couples, 2))
    cross = np.zeros((n_couples, 5, 5))
    if width >= 2 and n_couples > 0:

        def work(start: int, stop: int) -> None:
            shift[start:stop], cross[start:stop] = _block_moments(
                a[start:stop], b[start:stop], need
            )

        in_blocks(n_couples, work, _BLOCK)
    return LagMoments(n=cross[:, 0, 0].copy(), shift=shift, cross=cross)
