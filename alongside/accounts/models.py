from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import zoneinfo
from collections.abc import Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alongside.lib.crypto import EncryptedCharField, EncryptedTextField
from alongside.lib.prepared import Prepared


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. E-mail is the login; allauth handles verification and 2FA."""

    email = models.EmailField(_("e-mail address"), unique=True)
    # Free text shown to linked people: encrypted at rest like notes, so nothing may filter
    # or order by it (the database holds only ciphertext).
    display_name = EncryptedCharField(
        _("name to show"),
        max_length=80,
        blank=True,
        help_text=_("How you'd like to be called. Only people you link with will see it."),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # Empty means "as my browser says" (Accept-Language), so nobody has to choose.
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        default="",
        choices=settings.LANGUAGES,
    )
    # Discreet mode: a neutral name ("Notes") for tabs, the installed app, e-mails and the
    # export, for people who worry someone might see they use Alongside. Only they see it.
    discreet = models.BooleanField(_("discreet mode"), default=False)
    exit_signs_out = models.BooleanField(_("quick exit also signs me out"), default=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # When the person saw (or skipped) the first-run welcome. Sign-up clears it (see the
    # account adapter); everyone else (the demo, the admin's accounts) counts as welcomed.
    welcomed_at = models.DateTimeField(null=True, blank=True, default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def messages_language(self) -> str:
        """The language of e-mails and notifications the worker sends, outside a request.

        The browser's language is only known during a request, so without a choice in the
        profile these are in the site's default language.
        """
        return self.language or settings.LANGUAGE_CODE

    def local_now(self) -> Any:
        return timezone.now().astimezone(self.tz)

    def local_today(self) -> Any:
        return self.local_now().date()


class ApiToken(models.Model):
    """A personal access token. Only a SHA-256 hash is stored; the token is shown once.

    Every token expires (there is no "never"), and the owner sees when it was last used.
    """

    PREFIX = "als_"
    LIFETIME_DAYS = (7, 30, 90, 365)
    DEFAULT_LIFETIME = dt.timedelta(days=90)
    # Writing last_used_at on every request would make each API call a write; to the
    # minute is as much as the owner needs to spot a token in use that should not be.
    LAST_USED_PRECISION = dt.timedelta(minutes=1)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=60)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    @classmethod
    def issue(
        cls, owner: User, name: str, *, lifetime: dt.timedelta = DEFAULT_LIFETIME
    ) -> tuple[ApiToken, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            owner=owner,
            name=name,
            token_hash=cls.hash(raw),
            hint=raw[:8],
            expires_at=timezone.now() + lifetime,
        )
        return token, raw

    @classmethod
    def owner_for(cls, raw: str) -> User | None:
        now = timezone.now()
        token = (
            cls.objects.select_related("owner")
            .filter(token_hash=cls.hash(raw), expires_at__gt=now)
            .first()
        )
        if token is None or not token.owner.is_active:
            return None
        if token.last_used_at is None or token.last_used_at <= now - cls.LAST_USED_PRECISION:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.owner


class AccessLogEntry(models.Model):
    """One visit by someone else to a person's data. Only the owner reads these.

    Repeated reads by the same person within ``VISIT_GAP`` of each other are one visit: one
    row whose ``reads`` counts them and whose ``categories`` gathers what was seen, so a
    busy viewer cannot push other people's reads out of sight (the log pages by visit).
    """

    VISIT_GAP = dt.timedelta(minutes=30)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_log"
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The viewer's name as it was; kept when their account goes. Encrypted like notes.
    viewer_label = EncryptedTextField()
    categories = models.JSONField(default=list)
    details = models.JSONField(default=list)
    reads = models.PositiveIntegerField(default=1)
    first_at = models.DateTimeField(default=timezone.now)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-at", "-pk")
        indexes = [models.Index(fields=("owner", "viewer", "-at"), name="access_visit_idx")]

    def __str__(self) -> str:
        return f"{self.viewer_label} saw {', '.join(self.categories)} at {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(
        cls,
        *,
        owner: User,
        viewer: User,
        categories: Iterable[str],
        detail: str = "",
        details: Iterable[str] = (),
        reads: int = 1,
    ) -> None:
        """Add ``reads`` reads (of what ``detail``/``details`` name) to the owner's log,
        joining the viewer's current visit if any."""
        now = timezone.now()
        seen = set(categories)
        named = [d for d in (detail, *details) if d]
        since = now - cls.VISIT_GAP
        # Most reads repeat what the current visit already names (the same page again):
        # then only its count and time move, in one UPDATE without a transaction or a
        # lock. Anything new (a category, a detail, a first visit) takes the locked path.
        current = _LAST_VISIT(owner=owner.pk, viewer=viewer.pk, since=since)
        if (
            current
            and seen <= set(current[0].categories)
            and all(d in current[0].details for d in named)
            and cls._count_reads(current[0].pk, reads=reads, now=now, since=since)
        ):
            return
        with transaction.atomic():
            found = _CURRENT_VISIT(owner=owner.pk, viewer=viewer.pk, since=since)
            visit = found[0] if found else None
            if visit is None:
                cls.objects.create(
                    owner=owner,
                    viewer=viewer,
                    viewer_label=str(viewer),
                    categories=sorted(seen),
                    details=list(dict.fromkeys(named)),
                    reads=reads,
                    first_at=now,
                    at=now,
                )
                return
            visit.categories = sorted(seen | set(visit.categories))
            visit.details = [
                *visit.details,
                *(d for d in dict.fromkeys(named) if d not in visit.details),
            ]
            visit.reads += reads
            visit.at = now
            visit.save(update_fields=["categories", "details", "reads", "at"])

    @classmethod
    def _count_reads(cls, pk: int, *, reads: int, now: dt.datetime, since: dt.datetime) -> bool:
        """Add ``reads`` to visit ``pk`` if it is still current; False if it ended.

        One statement, so two requests counting at once both count (``reads + n`` is
        worked out by the database). Plain SQL: compiling the ORM's UPDATE cost more than
        running it.
        """
        ops = connection.ops
        table, reads_column, at = (
            ops.quote_name(name) for name in (cls._meta.db_table, "reads", "at")
        )
        # Names from the model, every value a parameter.
        update = (
            f"UPDATE {table} SET {reads_column} = {reads_column} + %s, {at} = %s "  # noqa: S608
            f"WHERE id = %s AND {at} >= %s"
        )
        # PostgreSQL need not wait for the disk here: the visit and everything it names
        # are already stored; a crash could lose only the latest repeat reads' count and
        # time. Sent with the UPDATE (one round trip, one implicit transaction) and only
        # outside a transaction, where SET LOCAL ends with the statement.
        relaxed = connection.vendor == "postgresql" and connection.get_autocommit()
        # (alongside.lib.postgresql's: the plain cursor binds values in the server, where
        # PostgreSQL refuses two statements in one execute())
        cursor_for = connection.several_statements_cursor if relaxed else connection.cursor  # type: ignore[attr-defined]
        with cursor_for() as cursor:
            cursor.execute(
                ("SET LOCAL synchronous_commit TO OFF; " if relaxed else "") + update,
                [
                    reads,
                    ops.adapt_datetimefield_value(now),
                    pk,
                    ops.adapt_datetimefield_value(since),
                ],
            )
            if relaxed:
                cursor.nextset()  # the UPDATE's result, after the SET's
            return bool(cursor.rowcount == 1)


def _visit_since(owner: int, viewer: int, since: dt.datetime) -> Any:
    """The viewer's visits to the owner's data since ``since``, latest first."""
    return AccessLogEntry.objects.filter(owner_id=owner, viewer_id=viewer, at__gte=since).order_by(
        "-at", "-pk"
    )


_VISIT_KINDS: dict[str, type] = {"owner": int, "viewer": int, "since": dt.datetime}
# Written on every page that shows someone else's data: compiled once (alongside.lib.prepared),
# to see whether a read only repeats the visit (no lock), and to change it (locked).
_LAST_VISIT = Prepared(
    lambda **v: _visit_since(**v).only("pk", "categories", "details")[:1], **_VISIT_KINDS
)
_CURRENT_VISIT = Prepared(lambda **v: _visit_since(**v).select_for_update()[:1], **_VISIT_KINDS)
