"""``{% chips field "row" %}``: a form field's choices as chips, rendered in Python.

The same HTML as ``partials/choices.html``, which renders each choice's ``<input>``
through Django's widget templates: on the check-in form (some 300 choices) that was most
of the page's time, and Django's per-choice option dictionaries still half of what was
left. Every value is escaped as the templates escape it (a test compares the two).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import template
from django.forms import BoundField
from django.forms.widgets import ChoiceWidget
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _attrs(attrs: dict[str, Any]) -> str:
    """The attributes as ``django/forms/widgets/attrs.html`` writes them."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _options(field: BoundField) -> Iterator[tuple[str, str, str]]:
    """(id, ``<input>``, escaped label) for each of the field's choices, as Django's
    ChoiceWidget.optgroups/create_option and ``input.html`` would give them, without
    building an option dictionary and a widget context per choice."""
    widget = field.field.widget
    assert isinstance(widget, ChoiceWidget)
    id_ = widget.attrs.get("id") or field.auto_id
    base = {**widget.attrs, **field.build_widget_attrs({"id": id_} if id_ else {})}
    values = widget.format_value(field.value())
    multiple = widget.allow_multiple_selected
    name = conditional_escape(field.html_name)
    kind = escape(widget.input_type)
    has_selected = False
    for index, (value, label) in enumerate(widget.choices):
        if isinstance(label, (list, tuple)):
            raise ValueError("chips: grouped choices are not supported")
        text = str(value)
        selected = (not has_selected or multiple) and text in values
        has_selected |= selected
        attrs = dict(base) if widget.option_inherits_attrs else {}
        if selected:
            attrs.update(widget.checked_attribute)
        if "id" in attrs:
            attrs["id"] = widget.id_for_label(attrs["id"], str(index))
        shown = "" if value is None else f' value="{escape(text)}"'
        yield (
            escape(attrs.get("id", "")),
            f'<input type="{kind}" name="{name}"{shown}{_attrs(attrs)}>',
            conditional_escape(str(label)),
        )


@register.simple_tag
def chips(field: BoundField, extra_class: str = "") -> SafeString:
    errors = field.errors
    # Every part is escaped in _options: joined as plain text, then marked safe once.
    rows = mark_safe(  # noqa: S308
        "".join(
            f'\n    <label class="chip" for="{id_}">{tag}<span>{label}</span></label>\n  '
            for id_, tag, label in _options(field)
        )
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
