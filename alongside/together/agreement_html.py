"""``{% agreement a %}``: one agreement's ``<li>``, rendered in Python.

The same HTML as ``together/_agreement.html`` (a test compares the two, in both
languages): the week's page draws each follow-up through that template, with its two
forms, and three of them were a seventh of the page's time. Every text is escaped as the
template escapes it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def csrf_input(token: Any) -> str:
    """What ``{% csrf_token %}`` writes."""
    if not token or token == "NOTPROVIDED":  # noqa: S105 - Django's word for "no token"
        return ""
    return str(format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token))


@register.simple_tag(takes_context=True)
def agreement(context: Any, a: Any, show_week: bool = False) -> SafeString:
    user = context.get("user")
    mine = user is not None and a.owner_id == user.pk
    done = a.is_done
    # The translated words are ours and written as they are, as {% translate %} does;
    # names and values are escaped.
    meta: list[str] = [_("You") if mine else conditional_escape(a.owner)]
    if a.due:
        meta.append(_("by %(d)s") % {"d": conditional_escape(date_filter(a.due, "D j M"))})
    if show_week:
        week = conditional_escape(date_filter(a.session.week_start, "j M"))
        meta.append(_("agreed in the week of %(d)s") % {"d": week})
    if done:
        meta.append(_("done"))
    actions = ""
    if mine:
        csrf = csrf_input(context.get("csrf_token"))
        back = conditional_escape(context.get("from") or "week")
        if done:
            toggle = (
                '<input type="hidden" name="done" value="0"><button type="submit" class="small">'
                f"{_('Not done yet')}</button>\n      "
            )
        else:
            toggle = (
                '<input type="hidden" name="done" value="1"><button type="submit" '
                f'class="small primary">{_("Mark done")}</button>'
            )
        let_go = ""
        if not done:
            let_go = (
                f'\n    <form method="post" action="'
                f'{reverse("together:agreement_delete", args=[a.pk])}">{csrf}\n'
                f'      <input type="hidden" name="from" value="{back}">\n'
                f'      <button type="submit" class="linkish small-text">{_("Let it go")}</button>\n'
                "    </form>\n    "
            )
        actions = (
            '\n  <div class="row-actions">\n'
            f'    <form method="post" action="{reverse("together:agreement_done", args=[a.pk])}">'
            f"{csrf}\n"
            f'      <input type="hidden" name="from" value="{back}">\n'
            f"      {toggle}\n    </form>\n    {let_go}\n  </div>\n  "
        )
    return mark_safe(  # noqa: S308 - every text above is escaped
        f'<li class="agreement{" done" if done else ""}" data-testid="agreement">\n'
        '  <div class="agreement-text">\n'
        f'    <span class="tick" aria-hidden="true">{"✓" if done else "○"}</span>\n'
        f"    <span>{conditional_escape(a.text)}</span>\n"
        "  </div>\n"
        '  <p class="quiet meta">\n'
        f"    {' · '.join(meta)}\n"
        "  </p>\n"
        f"  {actions}\n</li>\n"
    )
