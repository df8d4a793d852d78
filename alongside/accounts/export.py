"""Everything a person owns, as a zip of JSON and CSV (PRODUCT.md A)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from alongside.accounts.models import User
from alongside.checkins.models import CheckIn
from alongside.lib.csvsafe import safe_cell


def _flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = ";".join(str(v) for v in value)
        else:
            flat[name] = value
    return flat


def _csv(records: Iterable[dict[str, Any]]) -> str:
    rows = [_flatten(r) for r in records]
    out = io.StringIO()
    if rows:
        fields: list[str] = []
        for row in rows:
            fields.extend(k for k in row if k not in fields)
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        # Cells may hold what someone else typed: never a formula for the spreadsheet.
        writer.writerows({key: safe_cell(value) for key, value in row.items()} for row in rows)
    return out.getvalue()


def sections(user: User) -> dict[str, list[dict[str, Any]]]:
    """Each kind of record the person owns; new apps add theirs here."""
    from alongside.care.models import SessionNote
    from alongside.practice.models import AskedAnswer, Ladder, RelianceExperiment
    from alongside.practice.models_growth import export_rows as growth_rows
    from alongside.push.models import PushSubscription
    from alongside.reminders.models import ReminderSchedule
    from alongside.together.models import export_rows as together_rows

    return {
        "profile": [
            {
                "email": user.email,
                "display_name": user.display_name,
                "time_zone": user.time_zone,
                "date_joined": user.date_joined.isoformat(),
            }
        ],
        "checkins": [
            c.export_dict()
            for c in CheckIn.attach_people(list(user.checkins.order_by("day")), owner=user)
        ],
        "assessments": [t.to_dict() for t in user.assessment_takes.order_by("started_at", "pk")],
        "reminders": [r.to_dict() for r in ReminderSchedule.objects.filter(owner=user)],
        "notification_devices": [s.to_dict() for s in PushSubscription.objects.filter(owner=user)],
        "circle": [
            {
                "name": p.name,
                "kind": p.kind,
                "linked": p.is_linked,
                "created_at": p.created_at.isoformat(),
            }
            for p in user.circle.by_name()
        ],
        "sharing": [
            {
                "with": str(g.grantee),
                "categories": list(g.categories),
                "expires_at": g.expires_at.isoformat() if g.expires_at else None,
                "revoked_at": g.revoked_at.isoformat() if g.revoked_at else None,
            }
            for g in user.grants_given.select_related("grantee")
        ],
        **together_rows(user),
        "practice_experiments": [
            e.to_dict() for e in RelianceExperiment.objects.filter(owner=user).order_by("pk")
        ],
        "practice_ladders": [ladder.to_dict() for ladder in Ladder.objects.filter(owner=user)],
        "practice_answers_given": [
            a.to_dict() for a in AskedAnswer.objects.filter(owner=user).order_by("pk")
        ],
        **growth_rows(user),
        # A therapist's own notes of sessions: theirs alone, never in the client's export.
        "session_notes": [
            {
                "client": note.client_label,
                "session_on": note.session_on.isoformat(),
                "text": note.text,
                "created_at": note.created_at.isoformat(),
                "updated_at": note.updated_at.isoformat(),
            }
            for note in SessionNote.objects.filter(therapist=user).order_by("session_on", "pk")
        ],
        "api_tokens": [
            {"name": t.name, "hint": t.hint, "created_at": t.created_at.isoformat()}
            for t in user.api_tokens.all()
        ],
        "access_log": [
            {
                "viewer": e.viewer_label,
                "categories": list(e.categories),
                "details": list(e.details),
                "reads": e.reads,
                "first_at": e.first_at.isoformat(),
                "last_at": e.at.isoformat(),
            }
            for e in user.access_log.all()
        ],
    }


def build_zip(user: User) -> bytes:
    data = sections(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "alongside.json",
            json.dumps(
                {"exported_at": timezone.now().isoformat(), **data}, indent=2, ensure_ascii=False
            ),
        )
        for name, records in data.items():
            archive.writestr(f"{name}.csv", _csv(records))
        archive.writestr(
            "README.txt",
            "Everything you wrote in Alongside. alongside.json holds it all; each .csv file "
            "holds one kind of record and opens in a spreadsheet.\n",
        )
    return buffer.getvalue()
