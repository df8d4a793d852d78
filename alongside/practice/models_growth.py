"""Growth goals and vulnerability prompts."""

__all__: list[str] = []
