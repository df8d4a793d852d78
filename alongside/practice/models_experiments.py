"""Reliance experiments, the ladder and relational experiments."""

__all__: list[str] = []
