"""The one check of a prompt's answers against the study's items, for the prompt page and
the API alike (docs/research.md, "Answering a prompt").

Every item is optional (a participant may skip a question), but a prompt is answered
with at least one. Values are strict: a slider is a whole number 0 to 100, a scale 1 to 7, a
choice one of its options as written, a text at most its ``max_length`` characters, an
instrument a mapping of that instrument's item ids to whole numbers on its scale.
Every problem is reported at once, keyed by the item's id (``closeness.q2`` for an item
inside an instrument), so the page can show each message next to its question.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from alongside.lib.numbers import whole_number

__all__ = ["RANGES", "AnswersInvalid", "check_answers"]

# The project's own item types, and the whole numbers each accepts.
RANGES = {"slider": (0, 100), "scale": (1, 7)}


class AnswersInvalid(ValueError):
    """``errors`` maps an item id (or ``""`` for the answers as a whole) to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" if k else v for k, v in errors.items()))


def _check_instrument(item: Mapping[str, Any], value: Any, errors: dict[str, str]) -> Any:
    from alongside.assessments.scoring import check_answers as check_instrument
    from alongside.assessments.spec import AnswerError, AssessmentError, get_instrument

    key = item["id"]
    if not isinstance(value, Mapping):
        errors[key] = _("answer each question of the questionnaire")
        return None
    try:
        spec = get_instrument(item["instrument"])
    except AssessmentError:
        errors[key] = _("this questionnaire is not installed here")
        return None
    try:
        cleaned = check_instrument(spec, value, partial=True)
    except AnswerError as problem:
        for inner in problem.item_ids:
            errors[f"{key}.{inner}"] = problem.detail
        return None
    return cleaned or None


def _check_one(item: Mapping[str, Any], value: Any, errors: dict[str, str]) -> Any:
    """The cleaned value, ``None`` for no answer; a problem goes into ``errors``."""
    key, kind = item["id"], item["type"]
    if value is None or value == "":
        return None
    if kind in RANGES:
        low, high = RANGES[kind]
        number = whole_number(value)
        if number is None or not low <= number <= high:
            errors[key] = _("choose a whole number from %(low)s to %(high)s") % {
                "low": low,
                "high": high,
            }
            return None
        return number
    if kind == "choice":
        options = list(item.get("options") or [])
        if not isinstance(value, str) or value not in options:
            errors[key] = _("choose one of the options given")
            return None
        return value
    if kind == "text":
        if not isinstance(value, str):
            errors[key] = _("write a short text")
            return None
        text = value.strip()
        limit = int(item.get("max_length") or 200)
        if len(text) > limit:
            errors[key] = _("keep it to %(limit)s characters (this is %(length)s)") % {
                "limit": limit,
                "length": len(text),
            }
            return None
        return text or None
    if kind == "instrument":
        return _check_instrument(item, value, errors)
    errors[key] = _("this question cannot be answered")
    return None


def check_answers(items: Sequence[Mapping[str, Any]], data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` checked against the study's ``items``: the answers to store, by item id.

    Raises ``AnswersInvalid`` naming every bad item (unknown ids too), or ``""`` when no
    question was answered at all."""
    by_id = {item["id"]: item for item in items}
    errors: dict[str, str] = {}
    for key in data:
        if key not in by_id:
            errors[str(key)] = _("not a question of this study")
    cleaned: dict[str, Any] = {}
    for key, item in by_id.items():
        value = _check_one(item, data.get(key), errors)
        if value is not None:
            cleaned[key] = value
    if not errors and not cleaned:
        errors[""] = _("Answer at least one question, or leave the prompt for now.")
    if errors:
        raise AnswersInvalid(errors)
    return cleaned
