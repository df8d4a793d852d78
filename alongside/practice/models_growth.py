"""Growth goals and vulnerability prompts (PRODUCT.md F; issue 10, points 5 and 6).

Goals
-----
A goal belongs to whoever wrote it (``owner``). It is *personal*, or *proposed* to a
partner (a partner ``Link`` over which both share "practice"), or *shared* once that
partner accepted. A shared goal exists only after the acceptance: before it, the partner
sees a proposal and nothing more. Declining turns it back into the owner's own goal and
tells them neutrally. Either may leave a shared goal: each keeps the steps they wrote,
in a goal of their own with the same title, and the other is told neutrally.

Everything the partner sees of a goal and of the owner's steps is read through
``access.read`` (category "practice"), so a revoked grant hides it on the next request
and every look is in the owner's access log. Steps belong to their author: only they
check, uncheck or remove them.

Prompts
-------
A ``PromptEntry`` is one person's answer to one prompt: a private journal entry unless
they choose to share it with their partner. A shared answer is shown to the partner only
once the partner has shared their own answer to the same prompt (``reveal``): before
that, the partner's answer is never loaded, so no page can hint that it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alongside.circle import access
from alongside.circle.models import Link, Notice
from alongside.lib.crypto import EncryptedCharField, EncryptedTextField
from alongside.practice import prompts_growth
from alongside.practice.prompts_growth import Prompt

__all__ = ["Goal", "GoalStep", "PromptEntry", "PromptSkip"]

TITLE_MAX_LENGTH = 120
WHY_MAX_LENGTH = 1000
STEP_MAX_LENGTH = 200
ANSWER_MAX_LENGTH = 4000

GOAL_DETAIL = _("a shared goal")
ANSWER_DETAIL = _("a shared prompt answer")

STATES: list[tuple[str, Any]] = [
    ("personal", _("Your own")),
    ("proposed", _("Suggested to share")),
    ("shared", _("Shared")),
]


class GoalProblem(Exception):
    """A change that can't happen in the goal's current state; the message says why."""


def practice_open(link: Link) -> bool:
    """May this couple share goals and answers? Both share "practice" with each other."""
    return (
        link.kind == "partner"
        and access.visible(link.user_a, link.user_b, "practice")
        and access.visible(link.user_b, link.user_a, "practice")
    )


def sharing_partners(user: Any) -> list[Any]:
    """The partners ``user`` can share a goal or an answer with right now."""
    links = Link.for_user(user).filter(kind="partner").select_related("user_a", "user_b")
    return [link.other(user) for link in links if practice_open(link)]


class Goal(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="growth_goals"
    )
    # The partner it is proposed to or shared with; empty for a personal goal.
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(max_length=10, choices=STATES, default="personal")
    title = EncryptedCharField(_("your goal"), max_length=TITLE_MAX_LENGTH)
    why = EncryptedTextField(
        _("why it matters to you"), blank=True, validators=[MaxLengthValidator(WHY_MAX_LENGTH)]
    )
    # Therapist-ready: someone in the circle who suggested it (the care issue fills it).
    suggested_by = models.ForeignKey(
        "circle.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"Goal {self.pk}"

    # Who may see it ----------------------------------------------------------------

    @classmethod
    def visible_to(cls, viewer: Any, pk: int) -> Goal | None:
        """The goal if ``viewer`` may open it: their own, or one proposed to or shared
        with them by a partner who shares "practice" with them (read and logged)."""
        own = cls.objects.filter(pk=pk, owner=viewer).first()
        if own is not None:
            return own
        offered = (
            cls.objects.filter(pk=pk, partner=viewer, state__in=("proposed", "shared"))
            .select_related("owner")
            .first()
        )
        if offered is None:
            return None
        rows = access.read(
            viewer,
            cls.objects.filter(pk=pk),
            "practice",
            owner=offered.owner,
            detail=str(GOAL_DETAIL),
        ).rows
        return rows[0] if rows else None

    @classmethod
    def offered_to(cls, viewer: Any) -> list[Goal]:
        """Goals partners proposed to or share with ``viewer``, through the read path."""
        owners = {
            g.owner_id: g.owner
            for g in cls.objects.filter(partner=viewer, state__in=("proposed", "shared"))
            .select_related("owner")
            .order_by()
        }
        found: list[Goal] = []
        for owner in owners.values():
            found += access.read(
                viewer,
                cls.objects.filter(partner=viewer, state__in=("proposed", "shared")),
                "practice",
                owner=owner,
                detail=str(GOAL_DETAIL),
            ).rows
        return sorted(found, key=lambda g: (-g.created_at.timestamp(), -g.pk))

    def other(self, viewer: Any) -> Any:
        """The other person on a proposed or shared goal (None on a personal one)."""
        if self.state == "personal" or self.partner_id is None:
            return None
        return self.partner if viewer.pk == self.owner_id else self.owner

    def sharing_paused(self) -> bool:
        """Suggested or shared, but the two no longer both share "practice" (a grant was
        changed, or the link ended): neither sees the other's part until they do again."""
        other = self.partner
        return (
            self.state in ("proposed", "shared")
            and other is not None
            and other not in sharing_partners(self.owner)
        )

    def is_shared(self) -> bool:
        # A partner who deleted their account leaves the goal with its owner alone.
        return self.state == "shared" and self.partner_id is not None

    # Changes --------------------------------------------------------------------------

    def propose(self, partner: Any) -> None:
        if self.state != "personal":
            raise GoalProblem(_("This goal is already suggested or shared."))
        if partner not in sharing_partners(self.owner):
            raise GoalProblem(_("Sharing a goal needs both of you to share “Practice”."))
        self.state, self.partner = "proposed", partner
        self.save(update_fields=["state", "partner"])
        Notice.objects.create(
            recipient=partner,
            text=str(_("%(name)s suggested sharing a goal with you.") % {"name": self.owner}),
        )

    @transaction.atomic
    def accept(self, viewer: Any) -> None:
        goal = Goal.objects.select_for_update().get(pk=self.pk)
        if goal.state == "shared":
            raise GoalProblem(_("You already share this goal."))
        if goal.state != "proposed" or goal.partner_id != viewer.pk:
            raise GoalProblem(_("This goal is no longer waiting for an answer."))
        if self.owner not in sharing_partners(viewer):
            raise GoalProblem(_("Sharing a goal needs both of you to share “Practice”."))
        self.state, self.shared_at = "shared", timezone.now()
        self.save(update_fields=["state", "shared_at"])
        Notice.objects.create(
            recipient=self.owner,
            text=str(_("%(name)s said yes to sharing a goal with you.") % {"name": viewer}),
        )

    @transaction.atomic
    def decline(self, viewer: Any) -> None:
        if self.state != "proposed" or self.partner_id != viewer.pk:
            raise GoalProblem(_("This goal is no longer waiting for an answer."))
        self.state, self.partner = "personal", None
        self.save(update_fields=["state", "partner"])
        Notice.objects.create(
            recipient=self.owner,
            text=str(_("A goal you suggested to share stays your own for now.")),
        )

    @transaction.atomic
    def leave(self, viewer: Any) -> Goal | None:
        """End sharing for both. Each keeps what they wrote; returns the leaver's goal."""
        if self.state == "proposed" and viewer.pk == self.owner_id:
            self.state, self.partner = "personal", None  # taking a suggestion back
            self.save(update_fields=["state", "partner"])
            return self
        if not self.is_shared():
            raise GoalProblem(_("This goal is not shared."))
        partner = self.partner
        assert partner is not None  # a shared goal always has its partner
        # The partner's steps move to a goal of their own with the same title: the title
        # was agreed by both, the steps each wrote stay theirs.
        copy = Goal.objects.create(owner=partner, title=self.title, state="personal")
        self.steps.filter(author=partner).update(goal=copy)
        self.state, self.partner, self.shared_at = "personal", None, None
        self.save(update_fields=["state", "partner", "shared_at"])
        other = partner if viewer.pk == self.owner_id else self.owner
        Notice.objects.create(
            recipient=other,
            text=str(_("A shared goal has ended. Your steps are kept in your own goals.")),
        )
        return self if viewer.pk == self.owner_id else copy

    # Steps ----------------------------------------------------------------------------

    def steps_for(self, viewer: Any) -> list[GoalStep]:
        """The viewer's steps and, on a shared goal, the partner's (through the read path)."""
        other = self.other(viewer)
        if other is None or not self.is_shared():
            return list(self.steps.filter(author=viewer).order_by("created_at", "pk"))
        return access.read_ours(
            viewer,
            other,
            self.steps.all(),
            "practice",
            detail=str(GOAL_DETAIL),
            order=lambda s: (s.created_at, s.pk),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "title": self.title,
            "why": self.why,
            "state": self.state,
            "created_at": self.created_at.isoformat(),
            "shared_at": self.shared_at.isoformat() if self.shared_at else None,
        }


class GoalStep(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="growth_steps"
    )
    text = EncryptedCharField(_("a small step"), max_length=STEP_MAX_LENGTH)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"Step {self.pk}"

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def set_done(self, done: bool) -> None:
        self.done_at = (self.done_at or timezone.now()) if done else None
        self.save(update_fields=["done_at"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "goal_id": self.goal_id,
            "text": self.text,
            "done": self.done,
            "done_at": self.done_at.isoformat() if self.done_at else None,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class Reveal:
    prompt: Prompt
    mine: PromptEntry | None
    theirs: PromptEntry | None
    partner: Any


class PromptEntry(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prompt_entries"
    )
    prompt_key = models.CharField(max_length=40)
    text = EncryptedTextField(_("your answer"), validators=[MaxLengthValidator(ANSWER_MAX_LENGTH)])
    # Private (a journal entry) unless the author chooses to share it with their partner.
    is_private = models.BooleanField(_("keep it to myself"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-updated_at", "-pk")
        constraints = [
            models.UniqueConstraint(fields=("author", "prompt_key"), name="one_entry_per_prompt"),
        ]

    def __str__(self) -> str:
        return f"Prompt entry {self.pk}"

    @property
    def prompt(self) -> Prompt | None:
        return prompts_growth.get(self.prompt_key)

    @classmethod
    def reveal(cls, prompt: Prompt, viewer: Any) -> Reveal:
        """The one place that decides what ``viewer`` sees of a prompt's answers.

        The partner's answer is loaded only once the viewer has shared their own answer
        to the same prompt; before that it never reaches a template or the API.
        """
        mine = cls.objects.filter(author=viewer, prompt_key=prompt.key).first()
        partners = sharing_partners(viewer)
        partner = partners[0] if partners else None
        if mine is None or mine.is_private or partner is None:
            return Reveal(prompt=prompt, mine=mine, theirs=None, partner=partner)
        # Read (and log in the partner's access log) only when there is a shared answer
        # to reveal: a logged look with nothing found would tell the partner that the
        # viewer has shared an answer of their own before the partner answered.
        theirs = cls.objects.filter(author=partner, prompt_key=prompt.key, is_private=False)
        if not theirs.exists():
            return Reveal(prompt=prompt, mine=mine, theirs=None, partner=partner)
        # Only now is the partner's answer read (private ones are left out by the read).
        rows = access.read(
            viewer,
            cls.objects.filter(prompt_key=prompt.key),
            "practice",
            owner=partner,
            detail=str(ANSWER_DETAIL),
        ).rows
        return Reveal(prompt=prompt, mine=mine, theirs=rows[0] if rows else None, partner=partner)

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt
        return {
            "id": self.pk,
            "prompt_key": self.prompt_key,
            "prompt": str(prompt.text) if prompt else "",
            "text": self.text,
            "shared": not self.is_private,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


class PromptSkip(models.Model):
    """A prompt the person chose to skip: it is not offered again (they can still open it)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    prompt_key = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("owner", "prompt_key"), name="one_skip_per_prompt"),
        ]

    def __str__(self) -> str:
        return f"Skip {self.prompt_key}"


def next_prompt(user: Any, *, after_key: str | None = None) -> Prompt | None:
    """The next prompt to offer: lightest first, not answered, not skipped."""
    done = set(PromptEntry.objects.filter(author=user).values_list("prompt_key", flat=True))
    done |= set(PromptSkip.objects.filter(owner=user).values_list("prompt_key", flat=True))
    order = prompts_growth.after(after_key) if after_key else list(prompts_growth.PROMPTS)
    return next((p for p in order if p.key not in done and p.key != after_key), None)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL)
def _release_shared_goals(sender: Any, instance: Any, **kwargs: Any) -> None:
    """An account being deleted ends its shared goals as leaving would: the partner keeps
    the steps they wrote (in a goal of their own) and is told only that it has ended.

    This runs before the cascade deletes anything: steps are fast-deleted by a query on
    their goal, run after this moved the partner's steps away (the deletion tests guard
    it)."""
    for goal in Goal.objects.filter(owner=instance, state="shared", partner__isnull=False):
        goal.leave(instance)
    Goal.objects.filter(partner=instance).update(state="personal", partner=None, shared_at=None)


def export_rows(user: Any) -> dict[str, list[dict[str, Any]]]:
    """What ``user`` wrote here, for their data export (accounts/export.py)."""
    return {
        "practice_goals": [g.to_dict() for g in Goal.objects.filter(owner=user)],
        "practice_goal_steps": [s.to_dict() for s in GoalStep.objects.filter(author=user)],
        "practice_prompt_answers": [a.to_dict() for a in PromptEntry.objects.filter(author=user)],
    }
