"""``{% prompt reveal form %}``: one of the week's questions, rendered in Python.

The same HTML as ``together/_prompt.html`` (a test compares the two in every state, in
both languages): three questions through that template were a twelfth of the week's
page. Only the everyday states are written here (an answer, an empty form, no answer);
a form sent back with a mistake, or a page that shows crisis help, goes through the
template itself. Every text is escaped as the template escapes it (the translated words
are ours, and ``{% translate %}`` leaves them as they are).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from alongside.together.agreement_html import csrf_input

register = template.Library()

TEMPLATE = "together/_prompt.html"


@register.simple_tag(takes_context=True)
def prompt(context: Any, reveal: Any, form: Any = None) -> SafeString:
    request = context.get("request")
    if (form is not None and form.is_bound) or getattr(request, "crisis_help", None):
        with context.push(reveal=reveal, form=form):
            # As {% include %} would: the same context, with this question's values.
            rendered: SafeString = context.template.engine.get_template(TEMPLATE).render(context)
            return rendered
    key = conditional_escape(reveal.prompt.key)
    current = context.get("current")
    session = context.get("session")
    poll = ""
    if current and reveal.waiting:
        url = reverse("together:prompt", args=[session.pk, reveal.prompt.key])
        poll = f'hx-get="{url}" hx-trigger="every 3s" hx-swap="outerHTML"'
    head = (
        f'\n<section class="prompt card" id="prompt-{key}" data-testid="prompt"\n  {poll}>\n'
        f'  <p class="theme">{conditional_escape(reveal.prompt.theme_label)}</p>\n'
        f'  <h3 id="q-{key}">{conditional_escape(reveal.prompt.text)}</h3>\n  '
    )
    if reveal.mine:
        body = _answers(reveal, current)
    elif current and form:
        body = _form(reveal, session, key, context.get("csrf_token"))
    else:
        body = f'\n    <p class="quiet">{_("You didn't answer this one.")}</p>\n  '
    return mark_safe(f"{head}{body}\n</section>\n")  # noqa: S308 - every text above is escaped


def _answers(reveal: Any, current: Any) -> str:
    theirs = ""
    if reveal.revealed:
        theirs = (
            '\n      <figure class="answer theirs" data-testid="their-answer">\n'
            f"        <figcaption>{conditional_escape(reveal.theirs.author)}</figcaption>\n"
            f"        <blockquote>{linebreaksbr(reveal.theirs.text)}</blockquote>\n"
            "      </figure>\n      "
        )
    waiting = ""
    if reveal.waiting:
        if current:
            words = (
                f"{_('Your answer is saved. Both answers appear here together once you have both answered.')}\n"
                f"          <noscript>{_('Reload the page to check.')}</noscript>\n        "
            )
        else:
            words = _("Only revealed when you both answer; this one stays with each of you.")
        waiting = f'\n      <p class="waiting" role="status">\n        {words}\n      </p>\n    '
    return (
        "\n    \n"
        f'    <div class="answers{" both" if reveal.revealed else ""}">\n'
        '      <figure class="answer mine">\n'
        f"        <figcaption>{_('You')}</figcaption>\n"
        f"        <blockquote>{linebreaksbr(reveal.mine.text)}</blockquote>\n"
        f"      </figure>\n      {theirs}\n    </div>\n    {waiting}\n  "
    )


def _form(reveal: Any, session: Any, key: str, token: Any) -> str:
    url = reverse("together:prompt", args=[session.pk, reveal.prompt.key])
    private = _("Private until you have both answered. Answers can't be changed afterwards.")
    return (
        f'\n    <form method="post" action="{url}"\n'
        f'          hx-post="{url}" hx-target="#prompt-{key}" hx-swap="outerHTML" novalidate>\n'
        f"      {csrf_input(token)}\n"
        '      <div class="field">\n'
        f'        <textarea name="text" id="answer-{key}" aria-labelledby="q-{key}" rows="3"\n'
        "          ></textarea>\n"
        "        \n"
        "      </div>\n"
        f'      <p class="help">{private}</p>\n'
        f'      <button type="submit" class="primary small">{_("Save my answer")}</button>\n'
        "    </form>\n  "
    )
