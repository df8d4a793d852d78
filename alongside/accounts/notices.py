"""Security notices allauth does not send by itself, sent through its notification mail.

allauth e-mails the primary address when a password changes or an address is removed or
made primary (``ACCOUNT_EMAIL_NOTIFICATIONS``). These cover the rest: the same template
base, the same "if this wasn't you" advice, the same time, browser and IP address.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.http import HttpRequest

from alongside.accounts.models import ApiToken


def email_added(
    sender: Any, request: HttpRequest, user: Any, email_address: EmailAddress, **kwargs: Any
) -> None:
    """An address was added: the first step of taking an account over. Tell the primary one."""
    get_adapter(request).send_notification_mail(
        "account/email/email_added", user, {"added_email": email_address.email}
    )


def api_token_created(request: HttpRequest, token: ApiToken) -> None:
    get_adapter(request).send_notification_mail(
        "account/email/api_token_created",
        token.owner,
        {"token_name": token.name, "expires_at": token.expires_at},
    )
