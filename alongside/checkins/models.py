"""The daily check-in: how I feel, where in my body, which needs were met, support, a note."""

from __future__ import annotations

import datetime as dt
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alongside.lib.crypto import EncryptedCharField, EncryptedTextField
from alongside.lib.prepared import Prepared, PreparedIn

MOOD_MIN, MOOD_MAX = 0, 10
EMOTION_MIN, EMOTION_MAX = 0, 4
NEED_MIN, NEED_MAX = 1, 5
NOTE_MAX_LENGTH = 4000
SUPPORT_TEXT_MAX_LENGTH = 200  # "from whom" / "to whom", in the person's own words
BACKFILL_DAYS = 7

EMOTIONS: list[tuple[str, Any]] = [
    ("calm", _("Calm")),
    ("close", _("Connected, close")),
    ("hopeful", _("Hopeful")),
    ("anxious", _("Anxious")),
    ("irritated", _("Irritated")),
    ("sad", _("Sad")),
]
EMOTION_LEVELS: list[tuple[int, Any]] = [
    (0, _("not at all")),
    (1, _("a little")),
    (2, _("some")),
    (3, _("quite")),
    (4, _("very")),
]
# The six safety needs named in the source article, plus autonomy.
NEEDS: list[tuple[str, Any]] = [
    ("security", _("Security")),
    ("trust", _("Trust")),
    ("reliability", _("Reliability")),
    ("predictability", _("Predictability")),
    ("nurturance", _("Nurturance")),
    ("guidance", _("Guidance")),
    ("autonomy", _("Autonomy")),
]
NEED_LEVELS: list[tuple[int, Any]] = [
    (1, _("not met")),
    (2, _("a bit")),
    (3, _("partly")),
    (4, _("mostly")),
    (5, _("fully")),
]
BODY_AREAS: list[tuple[str, Any]] = [
    ("head", _("Head")),
    ("jaw", _("Jaw, face")),
    ("throat", _("Throat")),
    ("shoulders", _("Neck, shoulders")),
    ("chest", _("Chest")),
    ("stomach", _("Stomach")),
    # "Back" is also the button to the previous page; German needs two words (Rücken).
    ("back", pgettext_lazy("part of the body", "Back")),
    ("hands", _("Arms, hands")),
    ("legs", _("Legs")),
]
# "Today I wanted …": the wish for closeness, one of the ideas behind pursue-withdraw.
# Optional like the needs; shared under "needs" (a wish, not a feeling).
CLOSENESS_WISHES: list[tuple[str, Any]] = [
    ("closer", _("more closeness")),
    ("right", _("about right")),
    ("space", _("more space")),
]
SUPPORT_KINDS: list[tuple[str, Any]] = [
    ("emotional", _("Emotional")),
    ("practical", _("Practical")),
    ("advice", _("Advice")),
    ("company", _("Company")),
]


def level_word(value: int | None, levels: list[tuple[int, Any]]) -> str:
    """A rating in the words the form offers for it ("quite", "mostly"), or ""."""
    return str(dict(levels).get(value, "")) if value is not None else ""


def plain_word(value: int | None, levels: list[tuple[int, Any]]) -> str:
    """``level_word`` without the soft hyphens that let a long word (German
    "größtenteils") break inside a narrow chip: for a file, not a page."""
    return level_word(value, levels).replace("\u00ad", "")


def _rating(low: int, high: int, label: Any) -> models.PositiveSmallIntegerField[Any, Any]:
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(low), MaxValueValidator(high)],
    )


def _names(people: Any) -> list[str]:
    # Sorted here, not by the database: names are encrypted at rest (and often prefetched).
    if len(people) < 2:
        return [p.name for p in people]
    return [p.name for p in sorted(people, key=attrgetter("sort_key"))]


class CheckIn(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    day = models.DateField(_("day"))
    mood = models.PositiveSmallIntegerField(
        _("overall mood"), validators=[MinValueValidator(MOOD_MIN), MaxValueValidator(MOOD_MAX)]
    )
    calm = _rating(EMOTION_MIN, EMOTION_MAX, _("calm"))
    close = _rating(EMOTION_MIN, EMOTION_MAX, _("connected, close"))
    hopeful = _rating(EMOTION_MIN, EMOTION_MAX, _("hopeful"))
    anxious = _rating(EMOTION_MIN, EMOTION_MAX, _("anxious"))
    irritated = _rating(EMOTION_MIN, EMOTION_MAX, _("irritated"))
    sad = _rating(EMOTION_MIN, EMOTION_MAX, _("sad"))
    need_security = _rating(NEED_MIN, NEED_MAX, _("security"))
    need_trust = _rating(NEED_MIN, NEED_MAX, _("trust"))
    need_reliability = _rating(NEED_MIN, NEED_MAX, _("reliability"))
    need_predictability = _rating(NEED_MIN, NEED_MAX, _("predictability"))
    need_nurturance = _rating(NEED_MIN, NEED_MAX, _("nurturance"))
    need_guidance = _rating(NEED_MIN, NEED_MAX, _("guidance"))
    need_autonomy = _rating(NEED_MIN, NEED_MAX, _("autonomy"))
    closeness_wish = models.CharField(
        _("today I wanted"), max_length=6, choices=CLOSENESS_WISHES, blank=True, default=""
    )
    body_areas = models.JSONField(_("where I feel it"), default=list, blank=True)
    support_received_kinds = models.JSONField(default=list, blank=True)
    support_received_from = EncryptedCharField(
        _("from whom"), max_length=SUPPORT_TEXT_MAX_LENGTH, blank=True
    )
    support_given_kinds = models.JSONField(default=list, blank=True)
    support_given_to = EncryptedCharField(
        _("to whom"), max_length=SUPPORT_TEXT_MAX_LENGTH, blank=True
    )
    received_from_people = models.ManyToManyField(
        "circle.Person",
        blank=True,
        related_name="checkin_received",
        verbose_name=_("from people in my circle"),
    )
    given_to_people = models.ManyToManyField(
        "circle.Person",
        blank=True,
        related_name="checkin_given",
        verbose_name=_("to people in my circle"),
    )
    note = EncryptedTextField(_("note"), blank=True)
    is_private = models.BooleanField(
        _("Keep this entry private"),
        default=False,
        help_text=_("Nobody you share with will see this day, or know that it exists."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-day",)
        constraints = [
            models.UniqueConstraint(fields=("owner", "day"), name="one_checkin_per_day"),
            models.CheckConstraint(
                condition=models.Q(mood__gte=MOOD_MIN, mood__lte=MOOD_MAX), name="mood_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.day}"

    def emotions(self) -> list[tuple[str, Any, int | None]]:
        return [(key, label, getattr(self, key)) for key, label in EMOTIONS]

    def needs(self) -> list[tuple[str, Any, int | None]]:
        return [(key, label, getattr(self, f"need_{key}")) for key, label in NEEDS]

    def emotion_words(self) -> list[tuple[Any, int | None, str]]:
        """Each feeling with its rating and that rating in the form's words."""
        return [(label, v, level_word(v, EMOTION_LEVELS)) for _k, label, v in self.emotions()]

    def need_words(self) -> list[tuple[Any, int | None, str]]:
        return [(label, v, level_word(v, NEED_LEVELS)) for _k, label, v in self.needs()]

    def strongest_feelings(self) -> str:
        """The feelings felt most that day, in the form's words ("sad (very)"), or ""."""
        top = max((v for _k, _l, v in self.emotions() if v), default=None)
        if top is None:
            return ""
        felt = sorted(
            ((v, label) for _k, label, v in self.emotions() if v and v >= max(top - 1, 1)),
            key=lambda pair: -pair[0],
        )
        return " · ".join(
            f"{str(label).lower()} ({level_word(v, EMOTION_LEVELS)})" for v, label in felt[:3]
        )

    def export_dict(self) -> dict[str, Any]:
        """``to_dict()`` for the person's own export: each rating also in the form's words,
        so that a spreadsheet of it reads "mostly", not only "4"."""
        return {
            **self.to_dict(),
            "emotions_in_words": {
                key: plain_word(getattr(self, key), EMOTION_LEVELS) for key, _l in EMOTIONS
            },
            "needs_in_words": {
                key: plain_word(getattr(self, f"need_{key}"), NEED_LEVELS) for key, _l in NEEDS
            },
        }

    def received_kind_labels(self) -> str:
        labels = dict(SUPPORT_KINDS)
        return ", ".join(str(labels.get(k, k)).lower() for k in self.support_received_kinds)

    def given_kind_labels(self) -> str:
        labels = dict(SUPPORT_KINDS)
        return ", ".join(str(labels.get(k, k)).lower() for k in self.support_given_kinds)

    def body_area_labels(self) -> list[Any]:
        labels = dict(BODY_AREAS)
        return [labels.get(area, area) for area in self.body_areas]

    @staticmethod
    def earliest_backfill(today: dt.date) -> dt.date:
        return today - dt.timedelta(days=BACKFILL_DAYS)

    @classmethod
    def attach_people(cls, rows: list[CheckIn], *, owner: Any = None) -> list[CheckIn]:
        """Load the circle people of every check-in in ``rows`` in three queries.

        Django's prefetch_related does it in two, but builds a person (and decrypts their
        name) once per check-in they appear in: 7.7 ms for a page of 49 check-ins, where
        this takes well under one.

        With ``owner``, for rows that are all the owner's own (their API pages, their
        export): three compiled queries over the owner's days from the first row to the
        last and the owner's people, instead of lists of ids compiled anew each time.
        Days in that span missing from ``rows`` are read but left out.
        """
        received: dict[int, list[int]] = {c.pk: [] for c in rows}
        given: dict[int, list[int]] = {c.pk: [] for c in rows}
        if owner is not None and rows:
            if any(c.owner_id != owner.pk for c in rows):
                raise ValueError("attach_people(owner=...) is for the owner's own rows")
            days = [c.day for c in rows]
            span = {"owner": owner.pk, "first": min(days), "last": max(days)}
            for target, prepared in ((received, _RECEIVED_IN), (given, _GIVEN_IN)):
                for checkin_id, person_id in prepared(**span):
                    if checkin_id in target:
                        target[checkin_id].append(person_id)
            people = {p.pk: p for p in _PEOPLE_OF(owner=owner.pk)}
            return cls._attach(rows, received, given, people)
        for target, prepared_in in ((received, _RECEIVED_BY), (given, _GIVEN_BY)):
            for checkin_id, person_id in prepared_in(checkins=list(target)):
                target[checkin_id].append(person_id)
        wanted = {pk for ids in (*received.values(), *given.values()) for pk in ids}
        people = {p.pk: p for p in _PEOPLE_BY_ID(ids=sorted(wanted))}
        return cls._attach(rows, received, given, people)

    @staticmethod
    def _attach(
        rows: list[CheckIn],
        received: dict[int, list[int]],
        given: dict[int, list[int]],
        people: dict[int, Any],
    ) -> list[CheckIn]:
        for checkin in rows:
            # Only people found (with ``owner``: the owner's own people, never anyone's else).
            checkin.__dict__["_attached_received_from_people"] = [
                people[pk] for pk in received[checkin.pk] if pk in people
            ]
            checkin.__dict__["_attached_given_to_people"] = [
                people[pk] for pk in given[checkin.pk] if pk in people
            ]
        return rows

    def _people(self, relation: str) -> Any:
        """The people of ``relation``: as attached by ``attach_people``, or queried."""
        attached = self.__dict__.get(f"_attached_{relation}")
        return attached if attached is not None else getattr(self, relation).all()

    def received_from_text(self) -> str:
        names = _names(self._people("received_from_people"))
        return ", ".join(
            [*names, self.support_received_from] if self.support_received_from else names
        )

    def given_to_text(self) -> str:
        names = _names(self._people("given_to_people"))
        return ", ".join([*names, self.support_given_to] if self.support_given_to else names)

    def shared_dict(self, categories: frozenset[str]) -> dict[str, Any]:
        """Only the parts of this entry in ``categories``: what a grantee may see."""
        full = self.to_dict()
        shown: dict[str, Any] = {"id": self.pk, "day": full["day"]}
        if "mood" in categories:
            shown["mood"] = full["mood"]
            shown["emotions"] = full["emotions"]
            shown["body_areas"] = full["body_areas"]
        if "needs" in categories:
            shown["needs"] = full["needs"]
            shown["closeness_wish"] = full["closeness_wish"]
        if "support" in categories:
            shown["support_received"] = full["support_received"]
            shown["support_given"] = full["support_given"]
        if "notes" in categories:
            shown["note"] = full["note"]
        return shown

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "day": self.day.isoformat(),
            "mood": self.mood,
            "emotions": {key: getattr(self, key) for key, _label in EMOTIONS},
            "needs": {key: getattr(self, f"need_{key}") for key, _label in NEEDS},
            "closeness_wish": self.closeness_wish or None,
            "body_areas": list(self.body_areas),
            "support_received": {
                "kinds": list(self.support_received_kinds),
                "from": self.received_from_text() if self.pk else self.support_received_from,
            },
            "support_given": {
                "kinds": list(self.support_given_kinds),
                "to": self.given_to_text() if self.pk else self.support_given_to,
            },
            "note": self.note,
            "is_private": self.is_private,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


def day_problem(owner: Any, day: dt.date, *, exclude_pk: int | None = None) -> str | None:
    """Why a check-in cannot be stored for ``day``, in words for the person, or None.

    The web form and the API share this, so both refuse the same things the same way.
    """
    today = owner.local_today()
    if day > today:
        return str(_("That day hasn't happened yet. Pick today or an earlier day."))
    if day < CheckIn.earliest_backfill(today):
        return str(_("You can fill in a missed day up to %(n)d days back.") % {"n": BACKFILL_DAYS})
    taken = CheckIn.objects.filter(owner=owner, day=day)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        return str(_("You already checked in for this day. You can edit that entry instead."))
    return None


# The grant categories that cover parts of a check-in.
CHECKIN_CATEGORIES = frozenset({"mood", "needs", "support", "notes"})


def owned_between(owner: int, first: dt.date, last: dt.date) -> models.QuerySet[CheckIn]:
    """The owner's own check-ins from ``first`` to ``last`` (for their own pages)."""
    return CheckIn.objects.filter(owner_id=owner, day__gte=first, day__lte=last)


def _owner_people(owner: int) -> models.QuerySet[Any]:
    from alongside.circle.models import Person  # the circle app imports this one

    return Person.objects.filter(owner_id=owner)


def _linked_between(field: str) -> Prepared[tuple[int, int]]:
    through = getattr(CheckIn, field).through
    return Prepared(
        lambda owner, first, last: through.objects.filter(
            checkin__owner_id=owner, checkin__day__gte=first, checkin__day__lte=last
        ).values_list("checkin_id", "person_id"),
        owner=int,
        first=dt.date,
        last=dt.date,
    )


def _linked_to(field: str) -> PreparedIn[tuple[int, int]]:
    through = getattr(CheckIn, field).through
    return PreparedIn(
        lambda checkins: through.objects.filter(checkin_id__in=checkins).values_list(
            "checkin_id", "person_id"
        ),
        many="checkins",
    )


def _people_in(ids: list[int]) -> models.QuerySet[Any]:
    from alongside.circle.models import Person

    return Person.objects.filter(pk__in=ids)


# CheckIn.attach_people, compiled once (alongside.lib.prepared): for one owner's own rows
# by their days, for anyone's rows (already read through the read path) by their ids.
_RECEIVED_IN = _linked_between("received_from_people")
_GIVEN_IN = _linked_between("given_to_people")
_PEOPLE_OF = Prepared(_owner_people, owner=int)
_RECEIVED_BY = _linked_to("received_from_people")
_GIVEN_BY = _linked_to("given_to_people")
_PEOPLE_BY_ID = PreparedIn(_people_in, many="ids")
