"""FHIR R4 documents of questionnaires, answers and the access log (plain dicts).

Three shapes, all valid against the official FHIR R4 JSON schema (the tests check):

- ``questionnaire(spec)``: a ``Questionnaire`` for one instrument. ``url`` is the
  deployment's canonical for it (``{SITE_URL}/fhir/Questionnaire/{id}``), ``version`` the
  instrument's version, ``identifier`` its id. Each item has ``linkId`` = the item's id;
  items whose answers carry labels are ``choice`` items with one ``answerOption``
  ``valueCoding`` per point of the scale (``code`` = the scored value, also given as the
  ``ordinalValue`` extension), the others ``integer`` items with one ``valueInteger`` per
  point. The item text is the installed wording; without it, a neutral "Item N": the
  wording of third-party instruments is the deployment's to install, never ours to write.
- ``questionnaire_response(take, spec)``: a completed ``QuestionnaireResponse`` that
  points at that canonical (``url|version``), with ``authored`` = when it was finished,
  each answer as ``valueInteger`` or ``valueCoding`` (as its item's type says), and the
  subscale scores as ``SCORE_EXTENSION`` extensions. ``subject`` names the person by a
  neutral identifier (never an e-mail address). With ``answers=False`` it carries the
  scores only: what sharing "questionnaire results" means everywhere in the app.
- ``access_log_bundle(owner)``: the owner's access log, one ``AuditEvent`` per visit
  (documented on ``audit_event``).

``bundle(resources)`` puts any of them in a ``Bundle`` of type ``collection``.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.accounts.models import AccessLogEntry
from alongside.assessments.models import Take
from alongside.assessments.spec import InstrumentSpec, Item

__all__ = [
    "DETAIL_EXTENSION",
    "FHIR_JSON",
    "ORDINAL_EXTENSION",
    "READS_EXTENSION",
    "RELATIONSHIP_EXTENSION",
    "SCORE_EXTENSION",
    "access_log_bundle",
    "audit_event",
    "bundle",
    "canonical",
    "extension_url",
    "questionnaire",
    "questionnaire_response",
    "takes_bundle",
]

FHIR_JSON = "application/fhir+json"
ORDINAL_EXTENSION = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
# DICOM's "Patient Record" event and FHIR's event outcome "success".
_RECORD_TYPE = {
    "system": "http://dicom.nema.org/resources/ontology/DCM",
    "code": "110110",
    "display": "Patient Record",
}
_SUCCESS = "0"


def _site() -> str:
    return str(settings.SITE_URL).rstrip("/")


def extension_url(name: str) -> str:
    """The URL of one of this module's extensions (``SCORE_EXTENSION`` and the others
    are their names), in the deployment's own space."""
    return f"{_site()}/fhir/StructureDefinition/{name}"


SCORE_EXTENSION = "subscale-score"
RELATIONSHIP_EXTENSION = "about-relationship"
READS_EXTENSION = "access-reads"
DETAIL_EXTENSION = "access-detail"

_NOT_ID = re.compile(r"[^A-Za-z0-9.\-]")


def _fhir_id(text: str) -> str:
    """An id FHIR accepts (letters, digits, '-' and '.', at most 64)."""
    return _NOT_ID.sub("-", text)[:64] or "x"


def _uuid(kind: str, pk: object) -> str:
    """A stable name for one row of this deployment that says nothing of its content."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{_site()}/{kind}/{pk}"))


def _instant(moment: Any) -> str:
    return timezone.localtime(moment, dt.UTC).isoformat(timespec="seconds")


def canonical(spec: InstrumentSpec) -> str:
    """The canonical URL of an instrument's Questionnaire in this deployment."""
    return f"{_site()}/fhir/Questionnaire/{_fhir_id(spec.id)}"


def _is_choice(item: Item) -> bool:
    return bool(item.scale.options) and all(o.label for o in item.scale.options)


def _item_text(item: Item) -> str:
    # Installed wording only; a neutral label otherwise (never invented wording).
    return item.wording or _("Item %(number)d") % {"number": item.number}


def _coding(spec: InstrumentSpec, item: Item, value: int) -> dict[str, Any]:
    coding: dict[str, Any] = {
        "extension": [{"url": ORDINAL_EXTENSION, "valueDecimal": value}],
        "system": f"{canonical(spec)}/answers",
        "code": str(value),
    }
    label = item.scale.label_for(value)
    if label:
        coding["display"] = label
    return coding


def _answer(spec: InstrumentSpec, item: Item, value: int) -> dict[str, Any]:
    if _is_choice(item):
        return {"valueCoding": _coding(spec, item, value)}
    return {"valueInteger": value}


def _items(spec: InstrumentSpec) -> list[Item]:
    return sorted(spec.items, key=lambda i: i.number)


def questionnaire(spec: InstrumentSpec) -> dict[str, Any]:
    """The instrument as a FHIR R4 ``Questionnaire`` (see the module docstring)."""
    items = []
    for item in _items(spec):
        values = range(item.scale.min, item.scale.max + 1)
        items.append(
            {
                "linkId": item.id,
                "prefix": str(item.number),
                "text": _item_text(item),
                "type": "choice" if _is_choice(item) else "integer",
                "required": item.required,
                "answerOption": [_answer(spec, item, value) for value in values],
            }
        )
    document: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": _fhir_id(spec.id),
        "url": canonical(spec),
        "identifier": [{"system": f"{_site()}/fhir/instrument", "value": spec.id}],
        "version": str(spec.version),
        "title": spec.title,
        "status": "active",
        "subjectType": ["Patient"],
        "copyright": f"{spec.licence.name}. {spec.citation}",
        "item": items,
    }
    if spec.description:
        document["description"] = spec.description
    return document


def _subject(owner: Any) -> dict[str, Any]:
    """Whom the answers are about: a neutral identifier, and the name they chose if any
    (never the e-mail address an account without a name falls back on)."""
    subject: dict[str, Any] = {
        "identifier": {"system": f"{_site()}/fhir/person", "value": _uuid("person", owner.pk)}
    }
    if getattr(owner, "display_name", ""):
        subject["display"] = owner.display_name
    return subject


def _scores(take: Take, spec: InstrumentSpec) -> list[dict[str, Any]]:
    values = take.values(spec)
    found = []
    for sub in spec.subscales:
        value = values.get(sub.id)
        if value is None:
            continue
        found.append(
            {
                "url": extension_url(SCORE_EXTENSION),
                "extension": [
                    {"url": "subscale", "valueCode": sub.id},
                    {"url": "label", "valueString": _(sub.label)},
                    {"url": "score", "valueDecimal": value},
                ],
            }
        )
    return found


def questionnaire_response(
    take: Take, spec: InstrumentSpec, *, answers: bool = True
) -> dict[str, Any]:
    """A completed take as a FHIR R4 ``QuestionnaireResponse`` (see the module docstring);
    ``answers=False`` leaves the item answers out and keeps the scores."""
    if not take.is_complete or take.completed_at is None:
        raise ValueError(f"take {take.pk} is not complete: only finished takes are exported")
    extensions = _scores(take, spec)
    if take.relationship:
        extensions.append(
            {"url": extension_url(RELATIONSHIP_EXTENSION), "valueCode": take.relationship}
        )
    document: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": f"take-{take.pk}",
        "questionnaire": f"{canonical(spec)}|{take.instrument_version}",
        "status": "completed",
        "subject": _subject(take.owner),
        "authored": _instant(take.completed_at),
    }
    if extensions:
        document["extension"] = extensions
    if answers:
        given = []
        for item in _items(spec):
            value = take.answers.get(item.id)
            if isinstance(value, bool) or not isinstance(value, int):
                continue  # unanswered (an optional item), or not a whole number
            given.append(
                {
                    "linkId": item.id,
                    "text": _item_text(item),
                    "answer": [_answer(spec, item, value)],
                }
            )
        if given:
            document["item"] = given
    return document


def _full_url(resource: dict[str, Any]) -> str:
    if resource["resourceType"] == "Questionnaire":
        return str(resource["url"])
    return "urn:uuid:" + _uuid(resource["resourceType"], resource["id"])


def bundle(resources: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A ``Bundle`` of type ``collection`` holding ``resources`` in order."""
    entries = [{"fullUrl": _full_url(r), "resource": r} for r in resources]
    document: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _instant(timezone.now()),
    }
    if entries:  # FHIR has no empty lists: no entries, no "entry"
        document["entry"] = entries
    return document


def takes_bundle(
    takes: Sequence[Take], specs: dict[str, InstrumentSpec], *, answers: bool = True
) -> dict[str, Any]:
    """The Questionnaires of ``takes`` (each once) and a response for each take whose
    instrument is known (``specs``), oldest first."""
    questionnaires: dict[str, dict[str, Any]] = {}
    responses = []
    for take in sorted(takes, key=lambda t: (t.completed_at or t.started_at, t.pk)):
        spec = specs.get(take.instrument_id)
        if spec is None or not take.is_complete:
            continue
        if spec.id not in questionnaires:
            questionnaires[spec.id] = questionnaire(spec)
        responses.append(questionnaire_response(take, spec, answers=answers))
    return bundle([*questionnaires.values(), *responses])


def _agent_name(label: str) -> str:
    # The label is the name the viewer chose, or their e-mail address when they chose
    # none: the file keeps only the part before the "@".
    return label.split("@", 1)[0] if "@" in label else label


def audit_event(entry: AccessLogEntry) -> dict[str, Any]:
    """One visit to someone's data, as a FHIR R4 ``AuditEvent``.

    The form, for people reading their own file and for the docs::

        {
          "resourceType": "AuditEvent",
          "id": "visit-<n>",
          "type": {DICOM 110110 "Patient Record"},    # someone read your records
          "action": "R",                               # read, never changed
          "period": {"start": first read, "end": last read},   # one visit
          "recorded": last read,                       # UTC, to the second
          "outcome": "0",                              # success
          "agent": [{"who": {"display": "<who>"}, "name": "<who>", "requestor": true}],
          "source": {"observer": {"display": "Alongside"}},
          "entity": [{"name": "<category key>", "description": "<what it is>"}, ...],
          "extension": [
            {"url": ".../access-reads", "valueUnsignedInt": <reads in the visit>},
            {"url": ".../access-detail", "valueString": "<which page or part>"}, ...
          ]
        }

    ``<who>`` is the name the viewer went by at the time, without any e-mail address.
    Reads by the same person less than 30 minutes apart are one visit (the access log's
    own rule), so ``reads`` says how many there were in it.
    """
    from alongside.circle import registry

    labels = {c.key: str(c.label) for c in registry.categories()}
    who = _agent_name(entry.viewer_label)
    extensions: list[dict[str, Any]] = [
        {"url": extension_url(READS_EXTENSION), "valueUnsignedInt": entry.reads}
    ]
    extensions += [
        {"url": extension_url(DETAIL_EXTENSION), "valueString": str(detail)}
        for detail in entry.details
        if detail
    ]
    event: dict[str, Any] = {
        "resourceType": "AuditEvent",
        "id": f"visit-{entry.pk}",
        "extension": extensions,
        "type": dict(_RECORD_TYPE),
        "action": "R",
        "period": {"start": _instant(entry.first_at), "end": _instant(entry.at)},
        "recorded": _instant(entry.at),
        "outcome": _SUCCESS,
        "agent": [{"who": {"display": who}, "name": who, "requestor": True}],
        "source": {"observer": {"display": "Alongside"}},
    }
    entities = [
        {"name": key, "description": labels.get(key, key)} for key in entry.categories if key
    ]
    if entities:
        event["entity"] = entities
    return event


def access_log_bundle(owner: Any) -> dict[str, Any]:
    """Every visit in ``owner``'s access log, newest first, as AuditEvents in a Bundle."""
    return bundle(audit_event(entry) for entry in owner.access_log.all())
