"""The circle: the people in a person's life, links between accounts, and grants.

A ``Grant`` is the only way one account sees another's data (see ``access.py``).
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from alongside.circle import registry
from alongside.lib.crypto import EncryptedCharField
from alongside.lib.prepared import Prepared

KINDS: list[tuple[str, Any]] = [
    ("partner", _("Partner")),
    ("friend", _("Friend")),
    ("family", _("Family")),
    ("mentor", _("Mentor")),
    ("doctor", _("Doctor")),
    ("therapist", _("Therapist")),
    ("client", _("Client")),
    ("other", _("Other")),
]
# What a person can invite someone as, from the circle page.
LINK_KINDS: list[tuple[str, Any]] = [
    ("partner", _("Partner")),
    ("friend", _("Friend")),
    ("family", _("Family")),
    ("therapist", _("Therapist")),
]
# Every invitation kind: "client" is a therapist inviting a client, from the care pages.
# Both therapist and client invitations form a "therapist" link (care.CareLink says which
# side is the therapist); the care app checks and completes them (registry.LinkKind).
INVITATION_KINDS: list[tuple[str, Any]] = [*LINK_KINDS, ("client", _("Client"))]

# What can be shared comes from circle/registry.py: each app contributes its categories.
INVITATION_DAYS = 7
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud safely


def _code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _token() -> str:
    return secrets.token_urlsafe(24)


def _expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=INVITATION_DAYS)


class Link(models.Model):
    """Two accounts that accepted each other. Either may end it at once."""

    kind = models.CharField(max_length=20, choices=LINK_KINDS)
    user_a = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    user_b = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("user_a", "user_b"), name="one_link_per_pair"),
            models.CheckConstraint(condition=~Q(user_a=models.F("user_b")), name="no_self_link"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} link {self.pk}"

    @classmethod
    def for_user(cls, user: Any) -> models.QuerySet[Link]:
        return cls.objects.filter(Q(user_a=user) | Q(user_b=user))

    @classmethod
    def mine(cls, user: Any, pk: int, *, related: tuple[str, ...] = ()) -> Link | None:
        """The user's link ``pk`` with both people, or None (someone else's, or none).

        ``related``: more of the link to load in the same query (a feature's one-to-one
        on the link), each set compiled once.
        """
        prepared = _MINE.get(related)
        if prepared is None:
            prepared = _MINE[related] = Prepared(
                lambda user, pk: (
                    Link.for_user(user).filter(pk=pk).select_related("user_a", "user_b", *related)
                ),
                user=int,
                pk=int,
            )
        found = prepared(user=user.pk, pk=pk)
        return found[0] if found else None

    @classmethod
    def between(cls, one: Any, other: Any) -> Link | None:
        return cls.objects.filter(Q(user_a=one, user_b=other) | Q(user_a=other, user_b=one)).first()

    def other(self, user: Any) -> Any:
        return self.user_b if self.user_a_id == user.pk else self.user_a


# Every page of a link starts with this lookup: compiled once for each set of related
# names (see alongside.lib.prepared).
_MINE: dict[tuple[str, ...], Prepared[Link]] = {}


def name_order(name: str) -> tuple[str, str]:
    """How a person expects names sorted: case and accents aside ("amir", "Bea", "Émile")."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in folded if not unicodedata.combining(ch)), name


class PersonQuerySet(models.QuerySet["Person"]):
    def by_name(self) -> PersonQuerySet:
        """These people in alphabetical order of name.

        Names are encrypted at rest, so the database would sort by ciphertext: the order
        is worked out here from the decrypted names and given back to it by primary key.
        """
        named = sorted(self.values_list("name", "pk"), key=lambda row: (name_order(row[0]), row[1]))
        if not named:
            return self.order_by("pk")
        place = Case(*(When(pk=pk, then=Value(i)) for i, (_name, pk) in enumerate(named)))
        return self.order_by(place, "pk")


class Person(models.Model):
    """Someone in a person's life: a name for reflection, or a linked account.

    The name is encrypted at rest; lists of people are sorted with ``by_name()`` or
    ``sort_key``, never by the database.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle"
    )
    name = EncryptedCharField(_("name"), max_length=80)
    kind = models.CharField(_("who they are to you"), max_length=20, choices=KINDS)
    link = models.ForeignKey(
        Link, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    def __str__(self) -> str:
        return self.name

    @cached_property
    def sort_key(self) -> tuple[tuple[str, str], int]:
        # Worked out once per person read: a page of check-ins sorts the same few people
        # again and again (attach_people shares one Person between rows).
        return name_order(self.name), self.pk or 0

    @property
    def is_linked(self) -> bool:
        return self.link_id is not None


class Invitation(models.Model):
    """A single-use, expiring, revocable invitation to link two accounts."""

    inviter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    kind = models.CharField(_("you are inviting your"), max_length=20, choices=INVITATION_KINDS)
    scope = models.JSONField(_("what you will share"), default=list, blank=True)
    code = models.CharField(max_length=8, unique=True, default=_code)
    token = models.CharField(max_length=40, unique=True, default=_token)
    expires_at = models.DateTimeField(default=_expiry)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"Invitation {self.code}"

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @staticmethod
    def normalise_code(raw: str) -> str:
        return "".join(ch for ch in raw.upper() if ch.isalnum())


class GrantQuerySet(models.QuerySet["Grant"]):
    def active(self, now: dt.datetime | None = None) -> GrantQuerySet:
        now = timezone.now() if now is None else now
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class Grant(models.Model):
    """The owner lets the grantee see some categories of the owner's data."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants_given"
    )
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants_received"
    )
    link = models.ForeignKey(
        Link, on_delete=models.CASCADE, null=True, blank=True, related_name="grants"
    )
    categories = models.JSONField(default=list, blank=True)
    expires_at = models.DateTimeField(_("until"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.CheckConstraint(condition=~Q(owner=models.F("grantee")), name="no_self_grant"),
        ]

    def __str__(self) -> str:
        return f"Grant {self.pk}"

    def category_labels(self) -> list[Any]:
        return registry.labels(self.categories)

    def last_day(self, tz: dt.tzinfo) -> dt.date | None:
        """The last day shared, in ``tz``: "until the 20th" expires as the 21st begins."""
        if self.expires_at is None:
            return None
        return (self.expires_at.astimezone(tz) - dt.timedelta(microseconds=1)).date()


class Notice(models.Model):
    """An in-app message to one person (grant changes, a link ending).

    The text names people, so it is encrypted at rest like everything they type.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    text = EncryptedCharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.text
