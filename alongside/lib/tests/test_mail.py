"""E-mail: the one send() helper and the development outbox."""

from __future__ import annotations

import email
from pathlib import Path
from typing import Any

from django.core import mail as django_mail

from alongside.lib import mail


def test_send_renders_subject_text_and_html(mailoutbox: list[Any]) -> None:
    mail.send("reminder", "alice@example.org", {"name": "Alice", "day": None})
    (message,) = mailoutbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "A minute for yourself"
    assert "Hello Alice," in message.body
    assert "http://testserver/checkin/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="http://testserver/settings/reminders/"' in html


def test_the_outbox_backend_writes_each_message_to_a_file(outbox: Path, capsys: Any) -> None:
    mail.send("reminder", "ben@example.org", {"name": "Ben", "day": None})
    mail.send("reminder", "dana@example.org", {"name": "", "day": None})
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 2
    messages = [email.message_from_bytes(f.read_bytes()) for f in files]
    assert {m["To"] for m in messages} == {"ben@example.org", "dana@example.org"}
    assert capsys.readouterr().out == ""  # EMAIL_OUTBOX_QUIET


def test_the_outbox_backend_also_prints_when_not_quiet(
    outbox: Path, settings: Any, capsys: Any
) -> None:
    settings.EMAIL_OUTBOX_QUIET = False
    sent = django_mail.send_mail("Hi", "Body text", None, ["eve@example.org"])
    assert sent == 1
    out = capsys.readouterr().out
    assert "--- e-mail to eve@example.org" in out
    assert "Body text" in out
    assert len(list(outbox.glob("*.eml"))) == 1
