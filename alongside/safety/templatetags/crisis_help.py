"""``{% crisis_help %}``: the gentle help block, on the writer's own page only."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from alongside.safety import crisis

register = template.Library()


@register.inclusion_tag("safety/_crisis_help.html", takes_context=True)
def crisis_help(context: template.Context) -> dict[str, Any]:
    """The block, when this request's writer just saved worrying words; else nothing."""
    if not crisis.help_wanted(context):
        return {"show": False}
    return {"show": True, "message": crisis.help_message(), "resources": settings.HELP_RESOURCES}


@register.filter
def without_help(messages: Any) -> list[Any]:
    """The page's ordinary messages: the help offer has its own block, not a line."""
    return [m for m in messages or () if crisis.TAG not in m.tags.split()]
