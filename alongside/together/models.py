"""Checking in together: a couple's weekly ritual (PRODUCT.md D).

Who takes part — the sharing rule
---------------------------------
The ritual belongs to a *partner* ``Link`` and is open only while **both** partners share
the "together" category with each other (their ``Grant``, read through
``circle.access``). Either partner can pause it at once by unticking "Checking in
together"; while paused, every page of it answers "paused" (the couple's own week page)
or 404 (sessions, items, answers, agreements), for both of them.

Inside an open ritual, what a person writes here (agenda items, agreements) is written
*for* the other, so the other sees it. Prompt answers are the exception: each stays with
its author until both have answered (``Session.reveal``). Needs from daily check-ins reach
the agenda only if their owner shares "needs" with the other, and never from a check-in
kept private (``agenda.py``).

Unlinking: every row here hangs off the ``Link`` with ``CASCADE``, so when either
partner ends the link (``circle.services.link_end``) the couple's ritual, sessions, items,
answers and agreements are deleted and neither can reach them again.

Every free-text field is encrypted at rest. Every row has one author or owner, and only
they may change it; views look rows up through the viewer's own links and authorship, so
anything else answers 404.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alongside.circle import access
from alongside.circle.models import Link
from alongside.lib.crypto import EncryptedTextField
from alongside.lib.prepared import Prepared
from alongside.together import prompts
from alongside.together.prompts import Prompt
from alongside.together.reading import DETAIL, both, by_creation

ITEM_MAX_LENGTH = 500
ANSWER_MAX_LENGTH = 2000
AGREEMENT_MAX_LENGTH = 300

WEEKDAYS: list[tuple[int, Any]] = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]

# What each partner can bring to the agenda. The order is the agenda's order.
ITEM_KINDS: list[tuple[str, Any]] = [
    ("decision", _("A decision coming up")),
    ("appreciation", _("An appreciation")),
    ("for_myself", _("Something I did for myself")),
    ("attention", _("Where we need attention")),
]


def together_open(link: Link) -> bool:
    """Is the ritual open for this couple right now? (the rule in the module docstring)"""
    if link.kind != "partner":
        return False
    a_shares, b_shares = access.shared_each_way(link.user_a, link.user_b)
    return "together" in a_shares and "together" in b_shares


def partner_links(user: Any) -> models.QuerySet[Link]:
    return partner_links_of(user.pk)


def partner_links_of(user_id: int) -> models.QuerySet[Link]:
    return Link.objects.filter(Q(user_a_id=user_id) | Q(user_b_id=user_id), kind="partner")


class Ritual(models.Model):
    """When the couple checks in: a weekday and a local time they chose together.

    Either partner may change it (the other is told). The time zone is that of whoever
    chose the time, and it also decides when a new week starts for the couple, so both
    phones always agree on which session is "this week".
    """

    link = models.OneToOneField(Link, on_delete=models.CASCADE, related_name="ritual")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=WEEKDAYS, default=6)
    at = models.TimeField(_("time"), default=dt.time(19, 0))
    time_zone = models.CharField(max_length=64, default="UTC")
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    chosen_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Ritual for link {self.link_id}"

    @classmethod
    def for_link(cls, link: Link) -> Ritual:
        # link.ritual is kept on the link once read: a page asks for it several times.
        try:
            return link.ritual
        except cls.DoesNotExist:
            ritual, _created = cls.objects.get_or_create(
                link=link, defaults={"time_zone": link.user_a.time_zone}
            )
            link.ritual = ritual
            return ritual

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def is_chosen(self) -> bool:
        return self.chosen_at is not None

    def today(self) -> dt.date:
        return timezone.now().astimezone(self.tz).date()

    def week_start(self) -> dt.date:
        """The Monday of the couple's current ISO week."""
        today = self.today()
        return today - dt.timedelta(days=today.weekday())

    def next_at(self) -> dt.datetime:
        """The next time the couple meets (now or later), as an aware datetime."""
        now = timezone.now().astimezone(self.tz)
        for offset in range(8):
            day = now.date() + dt.timedelta(days=offset)
            if day.weekday() != self.weekday:
                continue
            candidate = dt.datetime.combine(day, self.at, tzinfo=self.tz).astimezone(dt.UTC)
            if candidate >= now - dt.timedelta(hours=2):  # still "now" during the session
                return candidate
        raise AssertionError("a weekday always comes round within eight days")


class Session(models.Model):
    """One week's check-in for one couple: created on the first visit that ISO week."""

    # When the link ends (unlinking, or an account deleted) the week stays: each person
    # keeps their own part of it as private history; the other's part is theirs to keep.
    link = models.ForeignKey(
        Link, on_delete=models.SET_NULL, null=True, blank=True, related_name="together_sessions"
    )
    week_start = models.DateField()  # the Monday of the ISO week
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-week_start",)
        constraints = [
            models.UniqueConstraint(fields=("link", "week_start"), name="one_session_per_week"),
        ]

    def __str__(self) -> str:
        return f"Session {self.week_start} for link {self.link_id}"

    @property
    def couple(self) -> Link:
        """The couple's link, for a week still shared (every couple page reaches sessions
        through the link, so an ended one never gets here)."""
        if self.link is None:
            raise Link.DoesNotExist("this week's link has ended")
        return self.link

    @classmethod
    def for_week(cls, link: Link, week_start: dt.date) -> Session:
        found = _WEEK(link=link.pk, week_start=week_start)
        if found:
            session = found[0]
        else:
            session, _created = cls.objects.get_or_create(link=link, week_start=week_start)
        session.link = link  # the caller's link, its people already loaded
        return session

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)

    @property
    def week_number(self) -> int:
        return self.week_start.isocalendar()[1]

    def is_current(self) -> bool:
        return self.week_start == Ritual.for_link(self.couple).week_start()

    def prompts(self) -> list[Prompt]:
        return prompts.for_week(self.week_start)

    def prompt(self, key: str) -> Prompt | None:
        return next((p for p in self.prompts() if p.key == key), None)

    def reveal(self, prompt: Prompt, viewer: Any) -> Reveal:
        """What ``viewer`` sees of one prompt's answers (see ``reveals``)."""
        return self.reveals(viewer, [prompt])[0]

    def reveals(self, viewer: Any, prompts: list[Prompt] | None = None) -> list[Reveal]:
        """The one place that decides what ``viewer`` sees of the prompts' answers (this
        week's prompts unless given), in two queries for all of them.

        The partner's answer to a prompt is loaded only when ``viewer`` has answered it
        too: before that it never reaches a template, so it cannot leak into a page,
        hidden or not.
        """
        prompts = self.prompts() if prompts is None else prompts
        keys = [p.key for p in prompts]
        mine: dict[str, PromptAnswer] = {}
        # All of the viewer's own answers this week (a handful), the prompts picked here.
        for answer in _MY_SESSION_ANSWERS(session=self.pk, author=viewer.pk):
            if answer.prompt_key in keys:
                mine.setdefault(answer.prompt_key, answer)
        theirs: dict[str, PromptAnswer] = {}
        answered = [key for key in keys if key in mine]
        if answered:
            # Read through the read path (logged for the partner), and only what the
            # viewer has answered: the partner's other answers are never loaded.
            other = self.couple.other(viewer)
            for answer in access.read(
                viewer,
                _answers_to(len(answered)).of(
                    session=self.pk, **{f"key_{i}": key for i, key in enumerate(answered)}
                ),
                "together",
                owner=other,
                detail=str(_(DETAIL)),
            ).rows:
                theirs.setdefault(answer.prompt_key, answer)
        return [
            Reveal(
                prompt=p, mine=mine.get(p.key), theirs=theirs.get(p.key) if p.key in mine else None
            )
            for p in prompts
        ]

    def follow_ups(self, viewer: Any) -> list[Agreement]:
        """Agreements from earlier sessions still open, or done since this week began."""
        began = dt.datetime.combine(
            self.week_start, dt.time.min, tzinfo=Ritual.for_link(self.couple).tz
        )
        return both(
            viewer,
            self.couple.other(viewer),
            _FOLLOW_UPS.of(link=self.couple.pk, week_start=self.week_start, began=began),
            order=lambda a: (a.session.week_start, a.pk),
        )

    def items_for(self, viewer: Any) -> list[Item]:
        """This week's agenda items, viewer's and (as shared) the partner's."""
        return both(
            viewer,
            self.couple.other(viewer),
            _ITEMS.of(session=self.pk),
            order=by_creation,
        )

    def agreements_for(self, viewer: Any) -> list[Agreement]:
        return both(
            viewer,
            self.couple.other(viewer),
            _AGREEMENTS.of(session=self.pk),
            order=by_creation,
        )


@dataclass(frozen=True)
class Reveal:
    prompt: Prompt
    mine: PromptAnswer | None
    theirs: PromptAnswer | None

    @property
    def revealed(self) -> bool:
        return self.mine is not None and self.theirs is not None

    @property
    def waiting(self) -> bool:
        return self.mine is not None and self.theirs is None


class Item(models.Model):
    """Something one partner brings to the agenda. It belongs to its author."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="items")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("what is it?"), max_length=20, choices=ITEM_KINDS)
    text = EncryptedTextField(_("in a few words"), validators=[MaxLengthValidator(ITEM_MAX_LENGTH)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"Item {self.pk}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "week_start": self.session.week_start.isoformat(),
            "kind": self.kind,
            "text": self.text,
            "created_at": self.created_at.isoformat(),
        }


class AlreadyAnswered(Exception):
    """The person answered this prompt before: answers stay as first written."""


class PromptAnswer(models.Model):
    """One partner's private answer to one prompt, revealed when both have answered."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="answers")
    prompt_key = models.CharField(max_length=40)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = EncryptedTextField(_("your answer"), validators=[MaxLengthValidator(ANSWER_MAX_LENGTH)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("session", "prompt_key", "author"), name="one_answer_per_prompt"
            ),
        ]

    def __str__(self) -> str:
        return f"Answer {self.pk}"

    @classmethod
    def give(cls, *, session: Session, prompt: Prompt, author: Any, text: str) -> PromptAnswer:
        """Store an answer once; a second one (say, from two tabs) raises ``AlreadyAnswered``."""
        try:
            with transaction.atomic():
                return cls.objects.create(
                    session=session, prompt_key=prompt.key, author=author, text=text
                )
        except IntegrityError as exc:
            raise AlreadyAnswered from exc

    def to_dict(self) -> dict[str, Any]:
        prompt = prompts.PROMPTS_BY_KEY.get(self.prompt_key)
        return {
            "week_start": self.session.week_start.isoformat(),
            "prompt": str(prompt.text) if prompt else self.prompt_key,
            "text": self.text,
            "created_at": self.created_at.isoformat(),
        }


class Agreement(models.Model):
    """Something the couple agreed on, taken on by one of them.

    An agreement belongs to its owner, the partner who takes it on: only they mark it
    done or let it go, so neither partner can put something in the other's name that the
    other cannot remove. It returns as a follow-up on each later agenda until done.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="agreements")
    text = EncryptedTextField(
        _("what you agreed"), validators=[MaxLengthValidator(AGREEMENT_MAX_LENGTH)]
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("who takes it on"),
    )
    # Who wrote it down; the agreement is its owner's, and stays when the writer leaves.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    due = models.DateField(_("by when (optional)"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"Agreement {self.pk}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def mark(self, *, done: bool) -> None:
        self.done_at = (self.done_at or timezone.now()) if done else None
        self.save(update_fields=["done_at"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "week_start": self.session.week_start.isoformat(),
            "text": self.text,
            "due": self.due.isoformat() if self.due else None,
            "done_at": self.done_at.isoformat() if self.done_at else None,
            "created_at": self.created_at.isoformat(),
        }


def export_rows(user: Any) -> dict[str, list[dict[str, Any]]]:
    """What ``user`` wrote here, for their data export (accounts/export.py)."""
    return {
        "together_items": [
            i.to_dict() for i in Item.objects.filter(author=user).select_related("session")
        ],
        "together_answers": [
            a.to_dict() for a in PromptAnswer.objects.filter(author=user).select_related("session")
        ],
        "together_agreements": [
            a.to_dict() for a in Agreement.objects.filter(owner=user).select_related("session")
        ],
    }


# The week page's reads, compiled once (see access.Rows).
_ITEMS = access.Rows(
    lambda session: Item.objects.filter(session_id=session).select_related("author"), session=int
)
_AGREEMENTS = access.Rows(
    lambda session: Agreement.objects.filter(session_id=session).select_related("owner"),
    session=int,
)
_FOLLOW_UPS = access.Rows(
    lambda link, week_start, began: (
        Agreement.objects.filter(session__link_id=link, session__week_start__lt=week_start)
        .filter(Q(done_at__isnull=True) | Q(done_at__gte=began))
        .select_related("owner", "session")
    ),
    link=int,
    week_start=dt.date,
    began=dt.datetime,
)

# A couple's week, looked up on every week page: compiled once.
_WEEK = Prepared(
    lambda link, week_start: Session.objects.filter(link_id=link, week_start=week_start),
    link=int,
    week_start=dt.date,
)
# The prompts' answers, asked on every poll of a waiting prompt: compiled once.
_MY_SESSION_ANSWERS = Prepared(
    lambda session, author: PromptAnswer.objects.filter(
        session_id=session, author_id=author
    ).order_by("pk"),
    session=int,
    author=int,
)
_ANSWERS_TO: dict[int, access.Rows[PromptAnswer]] = {}


def _answers_to(keys: int) -> access.Rows[PromptAnswer]:
    """A session's answers to ``keys`` prompts (``key_0``...), one compiled form per count."""
    rows = _ANSWERS_TO.get(keys)
    if rows is None:

        def build(session: int, **wanted: str) -> models.QuerySet[PromptAnswer]:
            return PromptAnswer.objects.filter(
                session_id=session, prompt_key__in=[wanted[f"key_{i}"] for i in range(keys)]
            ).order_by("pk")

        kinds: dict[str, type] = {f"key_{i}": str for i in range(keys)}
        rows = _ANSWERS_TO[keys] = access.Rows(build, session=int, **kinds)
    return rows
