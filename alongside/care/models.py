"""Care: therapists, the clients who link them, what is assigned, alerts, session notes.

A therapist sees a client's data only through the circle: the client's ``Grant`` on the
``therapist`` link, read through ``circle.access`` (which writes the client's access
log). Nothing here widens that. ``CareLink`` only records which side of a circle link is
the therapist, and the client's own choices that are not categories (being seen beside
their partner).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alongside.lib.crypto import EncryptedCharField, EncryptedTextField


class TherapistProfile(models.Model):
    """A person who works as a therapist. A site administrator verifies it by hand.

    The same account may also be a client of another therapist: the two roles meet only
    in ``CareLink`` rows, where the side (therapist or client) is explicit.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="therapist_profile"
    )
    profession = models.CharField(_("profession"), max_length=120)
    licence = EncryptedCharField(
        _("licence or registration"),
        max_length=300,
        help_text=_("Your licence or registration body and number, as a client could check it."),
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    # Who verified, as they were named then (kept when that account goes).
    verified_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Therapist profile of {self.user}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def verify(self, *, by: str) -> None:
        self.verified_at = timezone.now()
        self.verified_by = by[:200]
        self.save(update_fields=["verified_at", "verified_by"])

    def unverify(self) -> None:
        self.verified_at = None
        self.verified_by = ""
        self.save(update_fields=["verified_at", "verified_by"])


class CareLinkQuerySet(models.QuerySet["CareLink"]):
    def of_therapist(self, user: Any) -> CareLinkQuerySet:
        return self.filter(therapist=user)

    def of_client(self, user: Any) -> CareLinkQuerySet:
        return self.filter(client=user)


class CareLink(models.Model):
    """A circle link between a therapist and a client; goes when the link goes."""

    link = models.OneToOneField("circle.Link", on_delete=models.CASCADE, related_name="care")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_clients"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_therapists"
    )
    # The client's choice: the therapist may see them beside their partner on the couple
    # page (which exists only when both partners chose it for the same therapist).
    couple_view = models.BooleanField(_("let them see me beside my partner"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CareLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("therapist", "client"), name="one_care_link_per_pair"),
            models.CheckConstraint(condition=~Q(therapist=models.F("client")), name="no_self_care"),
        ]

    def __str__(self) -> str:
        return f"Care link {self.pk}"


class Assignment(models.Model):
    """A questionnaire a therapist asks a client to answer, once or every few weeks.

    Each time it comes due is a ``Due`` row, stored when planned, so what was asked and
    when can always be read back. Days are the client's days, in the client's time zone.
    """

    care_link = models.ForeignKey(CareLink, on_delete=models.CASCADE, related_name="assignments")
    instrument_id = models.CharField(_("questionnaire"), max_length=64)
    relationship = models.CharField(_("about"), max_length=40, blank=True)
    first_due_on = models.DateField(_("first due on"))
    every_weeks = models.PositiveSmallIntegerField(
        _("repeat every (weeks)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to ask once. From 1 to 8 weeks."),
    )
    open_days = models.PositiveSmallIntegerField(
        _("open for (days)"),
        default=7,
        help_text=_("How long each time stays open before it lapses."),
    )
    ends_on = models.DateField(
        _("last day"),
        null=True,
        blank=True,
        help_text=_("For a repeating questionnaire: no new times after this day."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("first_due_on", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(every_weeks__isnull=True) | Q(every_weeks__gte=1, every_weeks__lte=8),
                name="every_one_to_eight_weeks",
            ),
            models.CheckConstraint(
                condition=Q(open_days__gte=1, open_days__lte=56), name="open_one_to_56_days"
            ),
        ]

    def __str__(self) -> str:
        return f"Assignment {self.pk} ({self.instrument_id})"

    @property
    def is_stopped(self) -> bool:
        return self.stopped_at is not None

    @property
    def title(self) -> str:
        """The questionnaire's short title as people read it (its id if it is gone)."""
        spec = self._spec()
        return spec.short_title if spec else self.instrument_id

    @property
    def relationship_label(self) -> str:
        """Whom it is about ("Mother (or a mother-like figure)"), or empty."""
        spec = self._spec()
        if not self.relationship or spec is None:
            return ""
        return str(spec.about.relationship_labels.get(self.relationship, self.relationship))

    def _spec(self) -> Any:
        from alongside.assessments.models import base_instrument
        from alongside.assessments.spec import AssessmentError

        if not hasattr(self, "_spec_cache"):
            try:
                self._spec_cache: Any = base_instrument(self.instrument_id)
            except AssessmentError:
                self._spec_cache = None
        return self._spec_cache


OPEN, DONE, DECLINED, LAPSED = "open", "done", "declined", "lapsed"
DUE_STATUSES = [
    (OPEN, _("Open")),
    (DONE, _("Done")),
    (DECLINED, _("Declined")),
    (LAPSED, _("Lapsed")),
]


class Due(models.Model):
    """One time an assignment comes due: opens on ``due_on`` and lapses at ``expires_at``."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="dues")
    due_on = models.DateField()
    opens_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=DUE_STATUSES, default=OPEN)
    take = models.ForeignKey(
        "assessments.Take", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("due_on", "pk")
        constraints = [
            models.UniqueConstraint(fields=("assignment", "due_on"), name="one_due_per_day")
        ]

    def __str__(self) -> str:
        return f"Due {self.pk} on {self.due_on}"

    def is_open_at(self, moment: dt.datetime) -> bool:
        return self.status == OPEN and self.opens_at <= moment < self.expires_at

    @property
    def client_last_day(self) -> dt.date:
        """The last day it can be answered, in the client's time zone."""
        return self.last_day(self.assignment.care_link.client.tz)

    def last_day(self, tz: dt.tzinfo) -> dt.date:
        """The last day it can be answered, in ``tz`` (it closes at the end of that day)."""
        return (self.expires_at.astimezone(tz) - dt.timedelta(microseconds=1)).date()


ALERT_KINDS = [
    ("deterioration", _("Reliable deterioration")),
    ("partner_deterioration", _("A partner reliably deteriorated")),
    ("divergence", _("Partners drifting apart")),
    ("off_track", _("Not on the expected track")),
]


class Alert(models.Model):
    """A rule that fired on a finished take. Only the therapist ever sees it.

    ``evidence`` holds the numbers the rule used (scores, the threshold, the citation),
    so the page can say exactly why it fired. One alert per rule, take and subscale.
    """

    care_link = models.ForeignKey(CareLink, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=30, choices=ALERT_KINDS)
    instrument_id = models.CharField(max_length=64)
    subscale_id = models.CharField(max_length=64)
    take = models.ForeignKey("assessments.Take", on_delete=models.CASCADE, related_name="+")
    evidence = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("care_link", "kind", "take", "subscale_id"), name="one_alert_per_rule"
            )
        ]

    def __str__(self) -> str:
        return f"Alert {self.pk} ({self.kind})"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    def acknowledge(self, *, by: Any) -> bool:
        """Mark it seen, once, and write that in the therapist's own trail. Returns
        whether this call acknowledged it (False: it already was)."""
        now = timezone.now()
        # One UPDATE that only an unacknowledged alert matches: two clicks at once
        # acknowledge (and write) once.
        if not Alert.objects.filter(pk=self.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now
        ):
            return False
        self.acknowledged_at = now
        CareEvent.objects.create(
            therapist=by,
            care_link_id=self.care_link_id,
            action="alert_acknowledged",
            detail={"alert": self.pk, "kind": self.kind},
            at=self.acknowledged_at,
        )
        return True


class ResponseBand(models.Model):
    """An expected-response band for one subscale, loaded from a cited data file.

    The OQ-style "not on track" method: for clients who started within ``baseline_min``..
    ``baseline_max``, a score beyond ``boundary`` at ``week`` weeks after the first take is
    off the expected track (beyond, in the instrument's worse direction). None ship: a
    deployment loads the bands it can cite (``alongside manage load_care_bands FILE``,
    see ``care/bands.py``).
    """

    instrument_id = models.CharField(max_length=64)
    subscale_id = models.CharField(max_length=64)
    baseline_min = models.FloatField()
    baseline_max = models.FloatField()
    week = models.PositiveSmallIntegerField()
    boundary = models.FloatField()
    citation = models.TextField()
    loaded_from = models.CharField(max_length=300, blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("instrument_id", "subscale_id", "baseline_min", "week")
        constraints = [
            models.UniqueConstraint(
                fields=("instrument_id", "subscale_id", "baseline_min", "week"),
                name="one_band_per_week",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id}.{self.subscale_id} week {self.week}"


class SessionNote(models.Model):
    """The therapist's own note of a session. Encrypted at rest; the client never sees it,
    and it is in the therapist's export, never the client's."""

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_notes"
    )
    # The client may leave: the therapist's record stays, naming them as they were.
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    client_label = EncryptedCharField(max_length=200)
    session_on = models.DateField(_("session on"))
    text = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    MAX_LENGTH = 20_000

    class Meta:
        ordering = ("-session_on", "-pk")

    def __str__(self) -> str:
        return f"Session note {self.pk}"

    @staticmethod
    def day_problem(day: dt.date, tz: dt.tzinfo) -> str | None:
        """Why ``day`` can't be a session's day, or None. Tomorrow is allowed (a session
        across the date line); later days are a slip of the finger."""
        from django.utils.translation import gettext

        today = timezone.now().astimezone(tz).date()
        if day > today + dt.timedelta(days=1):
            return gettext("That day is still ahead. Pick the day the session took place.")
        if day.year < 1900:
            return gettext("Pick the day the session took place.")
        return None


class CareEvent(models.Model):
    """What a therapist did in the care pages (acknowledged an alert, assigned, wrote a
    report): the therapist's own audit trail, separate from the client's access log."""

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_events"
    )
    care_link = models.ForeignKey(
        CareLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    detail = models.JSONField(default=dict)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-at", "-pk")

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"
