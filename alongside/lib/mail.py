"""E-mail: one helper renders and sends; one development backend keeps an outbox."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import get_random_string

from alongside.lib.files import private_dir, write_private

# Carried by a message that may be sent again after a crash (see ``send``'s ``key``).
KEY_HEADER = "X-Alongside-Key"


class OutboxBackend(BaseEmailBackend):
    """Writes each message to stdout and to ``EMAIL_OUTBOX_DIR/<time>-<rand>.eml``.

    Development and the browser tests read verification links from the outbox; nothing
    leaves the machine.
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        # Messages carry personal words (names, reminders): readable by this account only.
        outbox = private_dir(Path(settings.EMAIL_OUTBOX_DIR))
        for message in email_messages:
            raw = message.message().as_bytes()
            key = message.extra_headers.get(KEY_HEADER, "")
            if key:
                # Sent again after a crash: the same key is the same message, kept once.
                name = f"{key}.eml"
                if (outbox / name).exists():
                    continue
            else:
                name = f"{timezone.now():%Y%m%dT%H%M%S%f}-{get_random_string(6)}.eml"
            write_private(outbox / name, raw)
            if not getattr(settings, "EMAIL_OUTBOX_QUIET", False):
                sys.stdout.write(f"--- e-mail to {', '.join(message.to)} ({name}) ---\n")
                sys.stdout.write(raw.decode("utf-8", "replace") + "\n")
                sys.stdout.flush()
        return len(email_messages)


def send(
    name: str, to: str, context: dict[str, Any], *, discreet: bool = False, key: str = ""
) -> None:
    """Render ``emails/<name>-subject.txt``, ``-body.txt`` and ``-body.html`` and send.

    ``discreet``: the recipient chose discreet mode, so the subject and the sender's name
    say nothing of what the app is (see ``alongside/safety/discreet.py``).
    ``key``: the same message sent again after a crash carries the same key, as its
    Message-ID (a mail server can drop the second) and in the outbox (kept once).
    """
    from alongside.safety.discreet import neutral_sender, neutral_subject

    context = {"site_url": settings.SITE_URL, "discreet": discreet, **context}
    subject = render_to_string(f"emails/{name}-subject.txt", context).strip()
    text = render_to_string(f"emails/{name}-body.txt", context)
    html = render_to_string(f"emails/{name}-body.html", context)
    if discreet:
        subject = neutral_subject()
    headers: dict[str, str] = {}
    if key:
        domain = urlsplit(str(settings.SITE_URL)).hostname or "localhost"
        headers = {KEY_HEADER: key, "Message-ID": f"<{key}@{domain}>"}
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[to],
        from_email=neutral_sender() if discreet else None,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    message.send()
