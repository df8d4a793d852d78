"""``{% chips field "row" %}``: a form field's choices as chips, rendered in Python.

The same HTML as ``partials/choices.html``, which renders each choice's ``<input>``
through Django's widget templates: on the check-in form (some 300 choices) that was most
of the page's time. Every value is escaped by ``format_html`` as the templates escape it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _input(data: dict[str, Any]) -> SafeString:
    """One ``<input>`` as ``django/forms/widgets/input.html`` writes it."""
    attrs = format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in data["attrs"].items()
            if value is not False
        ),
    )
    value = "" if data["value"] is None else format_html(' value="{}"', data["value"])
    return format_html('<input type="{}" name="{}"{}{}>', data["type"], data["name"], value, attrs)


def first_in_error(field: BoundField) -> bool:
    """Whether ``field`` is the form's first field (in page order) with an error.

    The server puts ``autofocus`` on it, so that after a failed submit the cursor and a
    screen reader land on what needs fixing, with or without JavaScript.
    """
    errors = field.form.errors
    if not errors:
        return False
    first = next((name for name in field.form.fields if name in errors), None)
    return first == field.name


def _focus_target(choices: list[Any]) -> int:
    """Which choice of a group takes the focus: the one picked, else the first."""
    for index, choice in enumerate(choices):
        if choice.data["attrs"].get("checked") or choice.data.get("selected"):
            return index
    return 0


@register.simple_tag
def chips(field: BoundField, extra_class: str = "") -> SafeString:
    errors = field.errors
    choices = list(field)
    if errors and first_in_error(field) and choices:
        target = choices[_focus_target(choices)]
        target.data["attrs"] = {**target.data["attrs"], "autofocus": True}
    error_id = f"{field.auto_id}_error" if field.auto_id else ""
    rows = format_html_join(
        "",
        '\n    <label class="chip" for="{}">{}<span>{}</span></label>\n  ',
        (
            (choice.data["attrs"].get("id", ""), _input(choice.data), choice.data["label"])
            for choice in choices
        ),
    )
    return format_html(
        '<fieldset class="choices {}{}"{}>\n  <legend>{}</legend>\n  <div class="chips">\n  {}'
        "\n  </div>\n  {}\n</fieldset>\n",
        extra_class,
        mark_safe(" has-error") if errors else "",
        format_html(' aria-invalid="true" aria-describedby="{}"', error_id) if errors else "",
        field.label,
        rows,
        format_html_join(
            "",
            '<p class="error"{}>{}</p>',
            (
                (format_html(' id="{}"', error_id) if i == 0 else "", e)
                for i, e in enumerate(errors)
            ),
        ),
    )


@register.simple_tag
def widget(field: BoundField) -> SafeString:
    """``{{ field }}``, with ``autofocus`` when it is the form's first field in error."""
    if field.errors and first_in_error(field):
        return field.as_widget(attrs={"autofocus": True})
    return field.as_widget()
