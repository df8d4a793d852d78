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


@register.simple_tag
def chips(field: BoundField, extra_class: str = "") -> SafeString:
    errors = field.errors
    rows = format_html_join(
        "",
        '\n    <label class="chip" for="{}">{}<span>{}</span></label>\n  ',
        (
            (choice.data["attrs"].get("id", ""), _input(choice.data), choice.data["label"])
            for choice in field
        ),
    )
    return format_html(
        '<fieldset class="choices {}{}" {}>\n  <legend>{}</legend>\n  <div class="chips">\n  {}'
        "\n  </div>\n  {}\n</fieldset>\n",
        extra_class,
        mark_safe(" has-error") if errors else "",
        mark_safe('aria-invalid="true"') if errors else "",
        field.label,
        rows,
        format_html_join("", '<p class="error">{}</p>', ((e,) for e in errors)),
    )
