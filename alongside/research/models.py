"""Research: researchers, studies, consent versions, participants and dyads.

Participation stands apart from a person's own Alongside data. Nothing here has a key
into check-ins, the circle or any other app's records, and the researcher's pages read
only these tables: a participant is known to the researcher by a study ID ("EVN-014"),
never by name or address unless the consent they accepted says so.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Pair codes: 8 characters from 32 that are hard to confuse (no 0/O, 1/I/L).
PAIR_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_seed() -> int:
    return secrets.randbelow(2**31)


class ResearcherProfile(models.Model):
    """The researcher role. Only a site administrator grants it (admin or command)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="researcher_profile"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    # Who granted it, as they were named then (kept when that account goes).
    granted_by = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"Researcher profile {self.pk}"


class StudyQuerySet(models.QuerySet["Study"]):
    def of_researcher(self, user: Any) -> StudyQuerySet:
        return self.filter(researcher=user)


class Study(models.Model):
    """One study: what it asks, when, of whom, under which consent."""

    # A researcher's studies go with their account, as everything a person owns does.
    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="research_studies"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The enrolment code participants type (normalised: uppercase letters and digits).
    code = models.CharField(_("enrolment code"), max_length=16, unique=True)
    # Study IDs are "<prefix>-<number>", like EVN-014.
    id_prefix = models.CharField(_("study ID prefix"), max_length=5)
    is_couple = models.BooleanField(_("couple study"), default=False)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    # The items asked at each prompt and the schedule, as the study file gives them
    # (checked by ``definition.parse_definition``; the schedule engine reads the latter).
    items = models.JSONField(default=list)
    schedule = models.JSONField(default=dict)
    # The schedule engine's seed: the same study, participant and seed give the same
    # plan, so a study file re-run with its seed plans the same prompts.
    seed = models.PositiveIntegerField(default=new_seed)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StudyQuerySet.as_manager()

    class Meta:
        ordering = ("-starts_on", "pk")
        verbose_name_plural = "studies"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def schedule_spec(self) -> Any:
        """The stored schedule as the engine's ``ScheduleSpec``."""
        from alongside.research.definition import schedule_of
        from alongside.research.schedule import ScheduleSpec, Window, parse_time

        s = schedule_of(self.schedule)
        options: dict[str, Any] = {
            "every_days": s.days_apart(),
            "expiry": s.expiry,
            "reminders": s.reminders,
            "wakes_at": parse_time(s.wakes_at) if s.wakes_at else None,
        }
        if s.kind == "daily":
            return ScheduleSpec("daily", times=(parse_time(s.time),), **options)
        if s.kind == "fixed":
            times = tuple(sorted(parse_time(t) for t in s.times))
            return ScheduleSpec("fixed", times=times, **options)
        windows = tuple(Window.parse(w) for w in s.windows)
        if s.kind == "interval":
            return ScheduleSpec("interval", windows=windows, every=s.every, **options)
        return ScheduleSpec(
            "random", windows=windows, per_window=s.per_window, min_gap=s.min_gap, **options
        )

    @property
    def prompts_together(self) -> bool:
        """Partners of a couple study are prompted at the same instants."""
        return self.is_couple and bool(self.schedule.get("together", True))

    def current_consent(self) -> ConsentVersion | None:
        return self.consent_versions.order_by("-number").first()

    def is_open_for_joining(self, today: Any) -> bool:
        return bool(today <= self.ends_on)


class ConsentVersion(models.Model):
    """The information sheet and consent text, as they stood from ``published_at``.

    Publishing a new version asks every active participant again before their next
    prompt: ``Participant.has_current_consent`` is false until they accept it."""

    ON_WITHDRAWAL = (
        ("ask", _("The participant chooses to keep or delete")),
        ("keep", _("Kept")),
        ("delete", _("Deleted")),
    )

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="consent_versions")
    number = models.PositiveSmallIntegerField()
    information_sheet = models.TextField(_("information sheet"))
    text = models.TextField(_("consent text"))
    researcher_sees_identity = models.BooleanField(
        _("the researcher sees participants' names and addresses"), default=False
    )
    on_withdrawal = models.CharField(
        _("on withdrawal, what was collected is"),
        max_length=8,
        choices=ON_WITHDRAWAL,
        default="ask",
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("study", "number")
        constraints = [
            models.UniqueConstraint(fields=("study", "number"), name="one_consent_number_per_study")
        ]

    def __str__(self) -> str:
        return f"Consent version {self.number} of study {self.study_id}"


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def of_user(self, user: Any) -> ParticipantQuerySet:
        return self.filter(user=user)

    def promptable(self) -> ParticipantQuerySet:
        """Active participants who accepted the study's latest consent version: the only
        ones the schedule may prompt."""
        latest = (
            ConsentVersion.objects.filter(study=models.OuterRef("study"))
            .order_by("-number")
            .values("number")[:1]
        )
        return self.filter(status="active").filter(consent_version=models.Subquery(latest))


class Participant(models.Model):
    """A person taking part in one study, known to the researcher by ``study_code``.

    Withdrawing with deletion keeps this row as an anonymous record (no person, nothing
    collected), so the researcher can count withdrawals."""

    STATUSES = (
        ("active", _("Taking part")),
        ("paused", _("Paused")),
        ("withdrawn", _("Withdrawn")),
    )

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="research_participations",
    )
    study_code = models.CharField(_("study ID"), max_length=12)
    status = models.CharField(max_length=10, choices=STATUSES, default="active")
    # The consent version most recently accepted (the history is in ``Consent``).
    consent_version = models.PositiveSmallIntegerField()
    joined_at = models.DateTimeField(default=timezone.now)
    paused_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # On withdrawal: was what they gave deleted (their answers and planned prompts)?
    data_deleted = models.BooleanField(default=False)
    # Where and when they are prompted: their IANA time zone (taken from their account
    # when they join, followed when they change it) and, optionally, their own waking
    # hours ("07:30"), which move the study's windows (docs/research.md, "The schedule").
    time_zone = models.CharField(max_length=64, default="UTC")
    wakes_at = models.CharField(max_length=5, blank=True)
    sleeps_at = models.CharField(max_length=5, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ("study", "study_code")
        constraints = [
            models.UniqueConstraint(fields=("study", "study_code"), name="one_study_id_per_study"),
            models.UniqueConstraint(
                fields=("study", "user"),
                condition=Q(user__isnull=False),
                name="one_participation_per_person",
            ),
        ]

    def __str__(self) -> str:
        return self.study_code

    @property
    def has_current_consent(self) -> bool:
        current = self.study.current_consent()
        return current is not None and self.consent_version == current.number

    def dyad(self) -> Dyad | None:
        return Dyad.objects.filter(Q(first=self) | Q(second=self)).first()

    def researcher_sees_identity(self, identity_versions: set[int]) -> bool:
        """The researcher may see this participant's name and address: the consent
        version they accepted is one of ``identity_versions`` (those that say so)."""
        return self.user is not None and self.consent_version in identity_versions

    def identity_for_researcher(self, identity_versions: set[int]) -> str:
        """ "Name <address>" when the researcher may see it; otherwise nothing, and the
        study ID stands alone."""
        if self.user is None or not self.researcher_sees_identity(identity_versions):
            return ""
        return f"{self.user} <{self.user.email}>"


class Consent(models.Model):
    """A participant accepted this consent version at this time."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    # A version someone accepted is never deleted on its own (only with its study).
    version = models.ForeignKey(ConsentVersion, on_delete=models.RESTRICT, related_name="consents")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("participant", "accepted_at")
        constraints = [
            models.UniqueConstraint(
                fields=("participant", "version"), name="one_consent_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"Consent {self.pk}"


class Dyad(models.Model):
    """Two participants of a couple study who are partners.

    The first partner gets ``code`` (the pair code) and gives it to the other; the dyad is
    formed when the second enters it. A pair code works once."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="dyads")
    code = models.CharField(max_length=8, unique=True)
    # The dyad's ID in exports and on the researcher's pages ("EVN-D07"), given when the
    # dyad is formed. The pair code is never shown to the researcher.
    study_code = models.CharField(max_length=12, blank=True)
    first = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="dyad_as_first"
    )
    second = models.OneToOneField(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="dyad_as_second"
    )
    created_at = models.DateTimeField(default=timezone.now)
    formed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("study", "pk")
        constraints = [
            models.CheckConstraint(condition=~Q(first=models.F("second")), name="no_self_dyad"),
            models.CheckConstraint(
                condition=Q(second__isnull=True, formed_at__isnull=True)
                | Q(second__isnull=False, formed_at__isnull=False),
                name="dyad_formed_with_second",
            ),
            models.UniqueConstraint(
                fields=("study", "study_code"),
                condition=~Q(study_code=""),
                name="one_dyad_id_per_study",
            ),
        ]

    def __str__(self) -> str:
        return f"Dyad {self.pk}"

    @staticmethod
    def new_code() -> str:
        return "".join(secrets.choice(PAIR_ALPHABET) for _ in range(8))

    @staticmethod
    def normalise_code(raw: str) -> str:
        return "".join(raw.split()).replace("-", "").upper()

    @property
    def is_formed(self) -> bool:
        return self.formed_at is not None


# What became of a prompt (docs/research.md, "Compliance"). Closed means past expiry.
PROMPT_STATUSES = (
    ("answered", _("Answered")),  # completed, before it closed
    ("expired", _("Expired")),  # opened, not finished before it closed
    ("missed", _("Missed")),  # sent, never opened, closed
    ("not_sent", _("Not sent")),  # closed unsent: paused, withdrawn, or consent to renew
    ("open", _("Open")),  # sent, still open
    ("planned", _("Planned")),  # not sent yet, not closed
)


class PromptQuerySet(models.QuerySet["Prompt"]):
    def with_status(self, now: Any) -> PromptQuerySet:
        """Each prompt's ``status`` as of ``now``, computed in the database."""
        closed = Q(expires_at__lte=now)
        return self.annotate(
            status=models.Case(
                models.When(completed_at__isnull=False, then=models.Value("answered")),
                models.When(closed & Q(opened_at__isnull=False), then=models.Value("expired")),
                models.When(closed & Q(sent_at__isnull=False), then=models.Value("missed")),
                models.When(closed, then=models.Value("not_sent")),
                models.When(sent_at__isnull=False, then=models.Value("open")),
                default=models.Value("planned"),
                output_field=models.CharField(),
            )
        )


class Prompt(models.Model):
    """One planned prompt for one participant, stored when planned (all times UTC), so
    what was asked and when can always be read back. The schedule engine writes these."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="prompts")
    # Partners in a dyad are prompted at once: their prompts share this.
    dyad = models.ForeignKey(
        Dyad, on_delete=models.SET_NULL, null=True, blank=True, related_name="prompts"
    )
    # Where it sits in the plan: day 1 is the study's first day; window 1 the first
    # window (or fixed time) of the day; number 1 the first prompt in that window.
    day = models.PositiveSmallIntegerField()
    window = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()
    scheduled_at = models.DateTimeField()
    # The participant's local time then, ISO 8601 with its offset ("2027-10-31T01:30+00:00"
    # says which 01:30 of a fall-back night), as the schedule engine planned it.
    local_time = models.CharField(max_length=40)
    expires_at = models.DateTimeField()
    reminders_at = models.JSONField(default=list)  # ISO 8601 UTC instants
    # Delivery: a worker claims a prompt by setting ``claimed_at`` in one conditional
    # UPDATE and commits before anything is sent; ``sent_at`` is set once the message
    # went. A claim older than the stale limit is sent again under the same key.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    objects = PromptQuerySet.as_manager()

    class Meta:
        ordering = ("participant", "scheduled_at")
        indexes = [models.Index(fields=("scheduled_at",), name="prompt_scheduled_at")]
        constraints = [
            models.UniqueConstraint(
                fields=("participant", "scheduled_at"), name="one_prompt_per_instant"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("scheduled_at")), name="prompt_expires_after"
            ),
        ]

    def __str__(self) -> str:
        return f"Prompt {self.pk}"

    def status_at(self, now: Any) -> str:
        """The same as ``PromptQuerySet.with_status``, for one prompt in hand."""
        closed = self.expires_at <= now
        if self.completed_at is not None:
            return "answered"
        if closed:
            if self.opened_at is not None:
                return "expired"
            return "missed" if self.sent_at is not None else "not_sent"
        return "open" if self.sent_at is not None else "planned"


class Answer(models.Model):
    """The answer to one item of one prompt (``item_id`` as in the study's items)."""

    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="answers")
    item_id = models.CharField(max_length=40)
    value = models.JSONField()
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("prompt", "pk")
        constraints = [
            models.UniqueConstraint(fields=("prompt", "item_id"), name="one_answer_per_item")
        ]

    def __str__(self) -> str:
        return f"Answer {self.pk}"
