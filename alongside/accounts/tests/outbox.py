"""Reading the development outbox (``.eml`` files) back in tests."""

from __future__ import annotations

import email
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path


@dataclass(frozen=True)
class Sent:
    to: str
    subject: str
    body: str


def read_outbox(folder: Path) -> list[Sent]:
    """Every message in the outbox folder, oldest first, as plain text."""
    sent = []
    for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        part = message.get_body(preferencelist=("plain",))
        body = str(part.get_content()) if part is not None else ""
        sent.append(Sent(to=str(message["To"]), subject=str(message["Subject"]), body=body))
    return sent


def sent_to(folder: Path, address: str) -> list[Sent]:
    return [message for message in read_outbox(folder) if message.to == address]
