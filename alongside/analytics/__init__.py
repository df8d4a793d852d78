"""Dyadic statistics for couples' data: a pure numpy/pandas/scipy library (no Django).

Plain functions on DataFrames with keyword options that return tidy DataFrames:

* reshaping: :func:`pairwise_from_long`, :func:`long_from_pairwise`,
  :func:`long_from_couple_wide`, :func:`couple_wide_from_long`,
  :func:`lag_consecutive`, :func:`center_within`;
* per-couple emotional networks (VAR(1)), synchrony and the pseudo-couple baseline:
  :func:`networks`, :func:`networks_from_arrays`, :func:`synchrony`,
  :func:`pseudo_couple_baseline`; over all couples at once, a multilevel VAR with
  temporal, contemporaneous and between-couple networks: :func:`mlvar`;
* what one couple's page may claim (same-day link, carry-over, chance bands, all
  allowing for moods that carry over): :func:`couple_links`, :func:`same_day_link`,
  :func:`scale_share`; days when one partner reached for closeness while the other
  stepped back: :func:`pursue_withdraw`;
* the Actor-Partner Interdependence Model: :func:`apim`; and its lagged, multilevel
  form for diaries: :func:`lagged_apim`;
* simulated diaries with known coefficients: :func:`simulate_diary`.

See ``docs/analytics.md`` for a guide with examples.
"""

from __future__ import annotations

import importlib as _importlib
from types import ModuleType as _ModuleType
from typing import TYPE_CHECKING
from typing import Any as _Any

if TYPE_CHECKING:
    from ._simulate import simulate_diary
    from .apim import apim, apim_power, apim_tests
    from .couple import couple_links, same_day_link, scale_share
    from .lagged import lagged_apim
    from .mlvar import mlvar
    from .networks import networks, networks_from_arrays, pseudo_couple_baseline, synchrony
    from .prep import (
        center_within,
        couple_wide_from_long,
        lag_consecutive,
        long_from_couple_wide,
        long_from_pairwise,
        pairwise_from_long,
    )
    from .pursue import pursue_withdraw

# Loaded on first use (PEP 562): importing the package, or its command line for --help,
# must not pay for pandas and scipy. Each public name and the module that defines it.
_WHERE = {
    "simulate_diary": "._simulate",
    "apim": ".apim",
    "apim_power": ".apim",
    "apim_tests": ".apim",
    "couple_links": ".couple",
    "same_day_link": ".couple",
    "scale_share": ".couple",
    "lagged_apim": ".lagged",
    "mlvar": ".mlvar",
    "networks": ".networks",
    "networks_from_arrays": ".networks",
    "pseudo_couple_baseline": ".networks",
    "synchrony": ".networks",
    "center_within": ".prep",
    "couple_wide_from_long": ".prep",
    "lag_consecutive": ".prep",
    "long_from_couple_wide": ".prep",
    "long_from_pairwise": ".prep",
    "pairwise_from_long": ".prep",
    "pursue_withdraw": ".pursue",
}


def __getattr__(name: str) -> _Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(_WHERE[name], __name__), name)
    globals()[name] = value  # the next lookup is an ordinary attribute
    # A module that imports another (``couple`` uses ``networks``) makes Python bind that
    # module on the package under its own name, hiding the function of the same name.
    for public in _WHERE:
        if isinstance(globals().get(public), _ModuleType):
            globals()[public] = getattr(globals()[public], public)
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "apim",
    "apim_power",
    "apim_tests",
    "center_within",
    "couple_links",
    "couple_wide_from_long",
    "lag_consecutive",
    "lagged_apim",
    "long_from_couple_wide",
    "long_from_pairwise",
    "mlvar",
    "networks",
    "networks_from_arrays",
    "pairwise_from_long",
    "pseudo_couple_baseline",
    "pursue_withdraw",
    "same_day_link",
    "scale_share",
    "simulate_diary",
    "synchrony",
]
