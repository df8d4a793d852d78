"""Dyadic statistics for couples' data (pure numpy/pandas/scipy; no Django)."""

from ._simulate import simulate_diary
from .networks import networks, networks_from_arrays, pseudo_couple_baseline, synchrony

__all__ = [
    "networks",
    "networks_from_arrays",
    "pseudo_couple_baseline",
    "simulate_diary",
    "synchrony",
]
