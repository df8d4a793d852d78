"""Assessments in the database: what the deployment installed, and each person's takes.

The scoring core (``spec``, ``scoring``, ``importers``) is plain Python. This module adds
what only a running deployment knows:

- ``InstalledWording``: the item wording of a shipped key, imported from the
  deployment's licensed copy (the core ships scoring keys without wording);
- ``InstalledInstrument``: a whole instrument the deployment imported;
- ``ReliableChangeFigures``: a cited SD and reliability for one subscale, so the
  Jacobson-Truax index can be computed where the shipped key has no verified figures;
- ``Take``: one person answering one instrument once (for one relationship, for
  instruments such as the ECR-RS that are answered per relationship).

``catalogue()`` and ``instrument()`` put the installed pieces on the shipped keys: every
page, the API and the command line read instruments through them.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alongside.assessments.scoring import ScoreResult, check_answers, score
from alongside.assessments.spec import (
    AssessmentError,
    InstrumentSpec,
    Item,
    ReliableChangeParams,
    Source,
    WordingPack,
    apply_wording,
    dump_spec,
    parse_spec,
    shipped_instruments,
    with_reliable_change,
    wording_pack_from_data,
    wording_pack_to_data,
    wording_status,
)
from alongside.circle.models import Link

logger = logging.getLogger(__name__)

IN_PROGRESS = "in_progress"
COMPLETE = "complete"
STATUSES: list[tuple[str, Any]] = [(IN_PROGRESS, _("in progress")), (COMPLETE, _("complete"))]

# A page holds at most this many items, spread evenly (36 items: 4 pages of 9).
ITEMS_PER_PAGE = 9


# ------------------------------------------------------------------ installed pieces


class InstalledInstrument(models.Model):
    """A whole instrument the deployment imported (REDCap, ReproSchema or YAML)."""

    instrument_id = models.CharField(max_length=64, unique=True)
    # YAML text in the file format (dump_spec), not JSON: JSON would turn the whole-number
    # keys of answer labels into strings.
    spec = models.TextField(help_text="The instrument in the file format (YAML).")
    source = models.CharField(max_length=300, blank=True)
    imported_by = models.CharField(max_length=200, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("instrument_id",)

    def __str__(self) -> str:
        return self.instrument_id

    def to_spec(self) -> InstrumentSpec:
        return parse_spec(
            yaml.safe_load(self.spec), source=f"installed instrument {self.instrument_id}"
        )

    @classmethod
    def install(cls, spec: InstrumentSpec, *, source: str, imported_by: str) -> InstalledInstrument:
        if spec.id in shipped_instruments():
            raise AssessmentError(
                f"{spec.id!r} is a shipped scoring key; import its wording with --into "
                f"{spec.id} instead, or give the new instrument another id",
                field="id",
            )
        row, _created = cls.objects.update_or_create(
            instrument_id=spec.id,
            defaults={
                "spec": dump_spec(spec),
                "source": source[:300],
                "imported_by": imported_by[:200],
                "imported_at": timezone.now(),
            },
        )
        return row


class InstalledWording(models.Model):
    """The wording of one shipped key, from the deployment's licensed copy."""

    instrument_id = models.CharField(max_length=64, unique=True)
    pack = models.JSONField(help_text="The imported WordingPack (wording_pack_to_data).")
    source = models.CharField(max_length=300, blank=True)
    imported_by = models.CharField(max_length=200, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("instrument_id",)

    def __str__(self) -> str:
        return self.instrument_id

    def to_pack(self) -> WordingPack:
        return wording_pack_from_data(self.pack)

    @classmethod
    def install(cls, pack: WordingPack, *, imported_by: str) -> InstalledWording:
        # Refuse wording that does not fit the key now, not on the next page view.
        apply_wording(base_instrument(pack.instrument_id), pack)
        row, _created = cls.objects.update_or_create(
            instrument_id=pack.instrument_id,
            defaults={
                "pack": wording_pack_to_data(pack),
                "source": pack.source[:300],
                "imported_by": imported_by[:200],
                "imported_at": timezone.now(),
            },
        )
        return row


class ReliableChangeFigures(models.Model):
    """A cited reference-sample SD and reliability for one subscale.

    The shipped keys carry no verified SD, so reliable change is unavailable until the
    deployment installs figures from a source it names (never made up by the app).
    """

    instrument_id = models.CharField(max_length=64)
    subscale_id = models.CharField(max_length=64)
    sd = models.FloatField()
    reliability = models.FloatField()
    reliability_kind = models.CharField(max_length=100)
    sources = models.JSONField(help_text="Where the figures come from: [{citation, url}].")
    installed_by = models.CharField(max_length=200, blank=True)
    installed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("instrument_id", "subscale_id")
        constraints = [
            models.UniqueConstraint(
                fields=("instrument_id", "subscale_id"), name="one_figure_set_per_subscale"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id}.{self.subscale_id}"

    def to_params(self) -> ReliableChangeParams:
        return ReliableChangeParams(
            sd=self.sd,
            reliability=self.reliability,
            reliability_kind=self.reliability_kind,
            sources=tuple(
                Source(citation=str(s.get("citation", "")), url=s.get("url") or None)
                for s in self.sources
            ),
        )

    @classmethod
    def install(
        cls,
        instrument_id: str,
        subscale_id: str,
        params: ReliableChangeParams,
        *,
        installed_by: str,
    ) -> ReliableChangeFigures:
        # with_reliable_change checks the subscale exists, sd > 0, 0 < r < 1, a citation.
        with_reliable_change(base_instrument(instrument_id), subscale_id, params)
        row, _created = cls.objects.update_or_create(
            instrument_id=instrument_id,
            subscale_id=subscale_id,
            defaults={
                "sd": params.sd,
                "reliability": params.reliability,
                "reliability_kind": params.reliability_kind,
                "sources": [{"citation": s.citation, "url": s.url} for s in params.sources],
                "installed_by": installed_by[:200],
                "installed_at": timezone.now(),
            },
        )
        return row


# ----------------------------------------------------------------------- catalogue


def base_instrument(instrument_id: str) -> InstrumentSpec:
    """A shipped key or an installed instrument, without installed wording or figures."""
    shipped = shipped_instruments().get(instrument_id)
    if shipped is not None:
        return shipped
    row = InstalledInstrument.objects.filter(instrument_id=instrument_id).first()
    if row is None:
        raise AssessmentError(f"there is no instrument {instrument_id!r}", field="instrument")
    return row.to_spec()


def _dress(
    specs: dict[str, InstrumentSpec],
    wordings: Iterable[InstalledWording],
    figures: Iterable[ReliableChangeFigures],
) -> dict[str, InstrumentSpec]:
    """Put installed wording and reliable-change figures on the specs they belong to.

    Stored pieces that no longer fit (a key changed under them) are logged and left
    off, so one stale row never takes a page down.
    """
    for row in wordings:
        if row.instrument_id not in specs:
            continue
        try:
            specs[row.instrument_id] = apply_wording(specs[row.instrument_id], row.to_pack())
        except AssessmentError as exc:
            logger.warning("installed wording for %s no longer fits: %s", row.instrument_id, exc)
    for figure in figures:
        if figure.instrument_id not in specs:
            continue
        try:
            specs[figure.instrument_id] = with_reliable_change(
                specs[figure.instrument_id], figure.subscale_id, figure.to_params()
            )
        except AssessmentError as exc:
            logger.warning("reliable-change figures %s no longer fit: %s", figure, exc)
    return specs


def catalogue() -> dict[str, InstrumentSpec]:
    """Every instrument on offer, by id, with installed wording and figures."""
    specs = dict(shipped_instruments())
    for row in InstalledInstrument.objects.all():
        try:
            spec = row.to_spec()
        except AssessmentError as exc:
            logger.warning("installed instrument %s cannot be read: %s", row.instrument_id, exc)
            continue
        specs.setdefault(spec.id, spec)
    return _dress(specs, InstalledWording.objects.all(), ReliableChangeFigures.objects.all())


def instrument(instrument_id: str) -> InstrumentSpec:
    """One instrument, ready to answer and score (raises ``AssessmentError`` if unknown)."""
    spec = base_instrument(instrument_id)
    return _dress(
        {spec.id: spec},
        InstalledWording.objects.filter(instrument_id=spec.id),
        ReliableChangeFigures.objects.filter(instrument_id=spec.id),
    )[spec.id]


def is_attachment(spec: InstrumentSpec) -> bool:
    """Whether the instrument measures attachment anxiety and avoidance (ECR-R, ECR-RS)."""
    ids = {sub.id for sub in spec.subscales}
    return {"anxiety", "avoidance"} <= ids


def pages_of(spec: InstrumentSpec) -> list[tuple[Item, ...]]:
    """The items in pages of at most ``ITEMS_PER_PAGE``, as even as they can be."""
    items = tuple(sorted(spec.items, key=lambda i: i.number))
    count = max(1, math.ceil(len(items) / ITEMS_PER_PAGE))
    size, extra = divmod(len(items), count)
    pages: list[tuple[Item, ...]] = []
    start = 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        pages.append(items[start:end])
        start = end
    return pages


# --------------------------------------------------------------------------- takes


def scores_to_data(result: ScoreResult) -> dict[str, dict[str, Any]]:
    """Subscale scores as JSON: the float, the exact fraction, how many items counted."""
    return {
        key: {
            "value": sub.value,
            "exact": None if sub.exact is None else str(sub.exact),
            "answered": sub.answered,
            "items": sub.n_items,
        }
        for key, sub in result.subscales.items()
    }


class TakeQuerySet(models.QuerySet["Take"]):
    def complete(self) -> TakeQuerySet:
        return self.filter(status=COMPLETE)

    def in_progress(self) -> TakeQuerySet:
        return self.filter(status=IN_PROGRESS)

    def series(self, instrument_id: str, relationship: str = "") -> TakeQuerySet:
        """Completed takes of one instrument (and relationship), oldest first."""
        return (
            self.complete()
            .filter(instrument_id=instrument_id, relationship=relationship)
            .order_by("completed_at", "pk")
        )


def runs_the_site(user: Any) -> bool:
    """Site administrators see questionnaires still waiting for their wording, with how
    to install it; everyone else only sees what they can answer."""
    return bool(user.is_staff or user.is_superuser)


@dataclass(frozen=True)
class LinkedPartner:
    """The one partner someone is linked with now, for naming their own questionnaires.

    Only ever used on the owner's own pages: a therapist or friend who sees a shared
    result reads "Romantic partner", because the partner's name is for people they
    linked with.
    """

    name: str
    since: dt.datetime

    @classmethod
    def of(cls, owner: Any) -> LinkedPartner | None:
        links = list(
            Link.for_user(owner).filter(kind="partner").select_related("user_a", "user_b")[:2]
        )
        if len(links) != 1:  # none, or more than one: "Partner" would be ambiguous
            return None
        name = links[0].other(owner).display_name
        return cls(name, links[0].created_at) if name else None


class Take(models.Model):
    """One person answering one instrument once; saved as they go, scored at the end."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessment_takes"
    )
    instrument_id = models.CharField(_("questionnaire"), max_length=64)
    instrument_version = models.PositiveIntegerField(default=1)
    relationship = models.CharField(_("about"), max_length=40, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=STATUSES, default=IN_PROGRESS)
    scores = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = TakeQuerySet.as_manager()

    class Meta:
        ordering = ("-started_at", "-pk")
        indexes = [models.Index(fields=("owner", "instrument_id", "relationship", "status"))]

    def __str__(self) -> str:
        return f"{self.instrument_id} take {self.pk}"

    @property
    def is_complete(self) -> bool:
        return self.status == COMPLETE

    @classmethod
    def begin(
        cls, *, owner: Any, spec: InstrumentSpec, relationship: str = "", resume: bool = True
    ) -> Take:
        """Start answering ``spec`` (about ``relationship``), or carry on with an unfinished
        take of the same questionnaire and relationship when ``resume``."""
        if spec.about.kind == "relationship":
            if relationship not in spec.about.relationships:
                raise AssessmentError(str(_("Choose who this is about.")), field="relationship")
        elif relationship:
            raise AssessmentError(
                str(_("This questionnaire is not answered about one relationship.")),
                field="relationship",
            )
        status = wording_status(spec)
        if not status.installed:
            raise AssessmentError(status.message or "", field="instrument")
        if resume:
            existing = (
                cls.objects.in_progress()
                .filter(owner=owner, instrument_id=spec.id, relationship=relationship)
                .first()
            )
            if existing is not None:
                return existing
        return cls.objects.create(
            owner=owner,
            instrument_id=spec.id,
            instrument_version=spec.version,
            relationship=relationship,
        )

    def record_answers(self, spec: InstrumentSpec, given: Mapping[str, object]) -> None:
        """Keep these answers (checked against the scales) beside the earlier ones.

        Raises ``AnswerError`` naming any item that is unknown or off its scale; nothing
        is stored then, and nothing stored before is lost.
        """
        if self.is_complete:
            raise AssessmentError(
                str(_("This questionnaire is finished. Start a new one to answer again.")),
                field="answers",
            )
        cleaned = check_answers(spec, given, partial=True)
        if cleaned:
            self.answers = {**self.answers, **cleaned}
            self.save(update_fields=["answers", "updated_at"])

    def finish(self, spec: InstrumentSpec) -> ScoreResult:
        """Score the take and mark it complete; raises ``AnswerError`` naming the items
        that still need an answer (the take stays as it was)."""
        result = score(spec, self.answers)
        self.scores = scores_to_data(result)
        self.status = COMPLETE
        self.instrument_version = spec.version
        self.completed_at = timezone.now()
        self.save()
        return result

    def result(self, spec: InstrumentSpec) -> ScoreResult:
        """The scores, computed exactly from the stored answers."""
        return score(spec, self.answers, allow_missing=True)

    def values(self, spec: InstrumentSpec | None = None) -> dict[str, float | None]:
        """Each subscale's score as a float (None where it has none)."""
        if self.scores:
            return {key: data.get("value") for key, data in self.scores.items()}
        if spec is not None and self.answers:
            return self.result(spec).values()
        return {}

    def answered_count(self, spec: InstrumentSpec) -> int:
        known = {item.id for item in spec.items}
        return sum(1 for key in self.answers if key in known)

    def first_open_page(self, spec: InstrumentSpec) -> int:
        """The first page (from 1) with a required item unanswered; else the last page."""
        pages = pages_of(spec)
        for index, page in enumerate(pages, start=1):
            if any(item.required and item.id not in self.answers for item in page):
                return index
        return len(pages)

    def relationship_label(self, spec: InstrumentSpec, partner: LinkedPartner | None = None) -> str:
        """Whom this take is about, in words: the partner's name for the owner's own pages
        when the take began while linked with them, else the questionnaire's label."""
        if not self.relationship:
            return ""
        if (
            partner is not None
            and self.relationship == "partner"
            and self.started_at >= partner.since
        ):
            return partner.name
        return str(_(spec.about.relationship_labels.get(self.relationship, self.relationship)))

    def earlier_in_series(self) -> Take | None:
        """The completed take of the same questionnaire and relationship just before this."""
        if not self.is_complete:
            return None
        previous = None
        for take in Take.objects.filter(owner_id=self.owner_id).series(
            self.instrument_id, self.relationship
        ):
            if take.pk == self.pk:
                return previous
            previous = take
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "instrument": self.instrument_id,
            "instrument_version": self.instrument_version,
            "relationship": self.relationship or None,
            "status": self.status,
            "answers": dict(self.answers),
            "scores": {key: data.get("value") for key, data in self.scores.items()},
            "started_at": self.started_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "completed_at": self.completed_at.isoformat() if self.completed_at else None,
        }

    def shared_dict(self) -> dict[str, Any]:
        """What a person the owner shares results with may see: scores, never answers."""
        return {
            "id": self.pk,
            "owner": str(self.owner),
            "instrument": self.instrument_id,
            "relationship": self.relationship or None,
            "scores": {key: data.get("value") for key, data in self.scores.items()},
            "completed_at": self.completed_at.isoformat() if self.completed_at else None,
        }


def series_values(
    takes: Sequence[Take], spec: InstrumentSpec
) -> list[tuple[Take, dict[str, float | None]]]:
    """Each take with its subscale scores, for charts and comparisons."""
    return [(take, take.values(spec)) for take in takes]
