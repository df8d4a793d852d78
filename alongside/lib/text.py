"""Text that can be stored: no lone surrogates.

JSON may carry half of a surrogate pair (``"\\ud800"``); Python decodes it to a string
that cannot be encoded as UTF-8, so encrypting it or handing it to the database fails
(a server error). Such text is refused where it comes in, naming the field: by the API's
JSON parser (``alongside/api.py``) and by every form's text fields (``validate_storable``,
added to Django's ``CharField`` in ``alongside.safety``'s app config).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

__all__ = ["is_storable", "unstorable_place", "validate_storable"]


def is_storable(text: str) -> bool:
    """Whether ``text`` can be encoded as UTF-8 (false only for lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_place(value: Any, place: list[Any]) -> list[Any] | None:
    """Where in decoded JSON ``value`` (keys included) the first unstorable text is."""
    if isinstance(value, str):
        return None if is_storable(value) else place
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and not is_storable(key):
                return [*place, key]
            found = unstorable_place(item, [*place, key])
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = unstorable_place(item, [*place, index])
            if found is not None:
                return found
    return None


def validate_storable(value: Any) -> None:
    """A form validator: a message next to the field instead of a server error."""
    if isinstance(value, str) and not is_storable(value):
        raise ValidationError(
            _("Part of this text can't be saved (a broken character). Please type it again."),
            code="unstorable",
        )
