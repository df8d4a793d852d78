"""What every API input schema builds on: strict models and text that can be stored."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict


def refuse_nul(value: str) -> str:
    # PostgreSQL cannot store NUL characters, and the web forms refuse them too.
    if "\x00" in value:
        raise ValueError("Null characters are not allowed.")
    return value


Text = Annotated[str, AfterValidator(refuse_nul)]


class Strict(BaseModel):
    """No type coercion and no unknown fields: a typo in a field name is a 422, not lost."""

    model_config = ConfigDict(strict=True, extra="forbid")
