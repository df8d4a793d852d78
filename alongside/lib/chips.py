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


def _options(field: BoundField, *, focus: bool = False) -> Iterator[tuple[str, str, str]]:
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
    choices = list(widget.choices)
    # With focus, the choice that takes it: the one picked, else the first.
    target = (
        next((i for i, (value, _label) in enumerate(choices) if str(value) in values), 0)
        if focus
        else -1
    )
    for index, (value, label) in enumerate(choices):
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
        if index == target:
            attrs["autofocus"] = True
        shown = "" if value is None else f' value="{escape(text)}"'
        yield (
            escape(attrs.get("id", "")),
            f'<input type="{kind}" name="{name}"{shown}{_attrs(attrs)}>',
            conditional_escape(str(label)),
        )


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


@register.simple_tag
def chips(field: BoundField, extra_class: str = "") -> SafeString:
    errors = field.errors
    focus = bool(errors) and first_in_error(field)
    error_id = f"{field.auto_id}_error" if field.auto_id else ""
    # Every part is escaped in _options: joined as plain text, then marked safe once.
    rows = mark_safe(  # noqa: S308
        "".join(
            f'\n    <label class="chip" for="{id_}">{tag}<span>{label}</span></label>\n  '
            for id_, tag, label in _options(field, focus=focus)
        )
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
