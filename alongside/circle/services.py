"""Operations that span several models: accepting an invitation, sharing, unlinking."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.circle import registry
from alongside.circle.models import Grant, Invitation, Link, Notice, Person


class InvitationProblem(Exception):
    """Why an invitation cannot be used, in words for the person."""


class InvitationUnusable(InvitationProblem):
    """Unknown, used, withdrawn or expired: one message for all, so a guess learns nothing.

    Telling these apart would tell whoever tries codes which ones exist and what became
    of them. The views count these as failed tries (see ``lib/ratelimit.py``).
    """

    def __init__(self) -> None:
        super().__init__(
            _("This invitation can't be used. Ask the person who sent it for a new one.")
        )


def has_partner_link(user: Any) -> bool:
    """A person has at most one partner link at a time (friend and family links beside it)."""
    return Link.for_user(user).filter(kind="partner").exists()


def invitation_for_visitor(*, invitation: Invitation | None) -> Invitation:
    """An invitation someone signed out may see the landing page of, or InvitationUnusable.

    The same answer as ``invitation_check`` gives for every invitation nobody could accept
    (including a partner invitation whose inviter has linked with a partner since).
    """
    if invitation is None or not invitation.is_open:
        raise InvitationUnusable()
    if invitation.kind == "partner" and has_partner_link(invitation.inviter):
        raise InvitationUnusable()
    return invitation


def inviter_name(invitation: Invitation) -> str:
    """The inviter as someone not yet signed in may see them: their chosen name only.

    ``str(user)`` falls back to the e-mail address, which the link must never reveal.
    """
    return str(invitation.inviter.display_name).strip()


def invitation_check(*, invitation: Invitation | None, user: Any) -> Invitation:
    if invitation is None or not invitation.is_open:
        raise InvitationUnusable()
    if invitation.inviter_id == user.pk:
        # Only the inviter ever sees this, so it tells nobody anything they don't know.
        raise InvitationProblem(
            _("This is your own invitation. Send it to the person you want to link with.")
        )
    if Link.between(invitation.inviter, user):
        raise InvitationProblem(_("You are already linked with this person."))
    owned = registry.link_kind(invitation.kind)
    if owned is not None:
        owned.check(invitation.inviter, user)
    if invitation.kind == "partner":
        if has_partner_link(user):
            raise InvitationProblem(
                _(
                    "You already have a partner link, and there can be one at a time. "
                    "%(name)s could invite you as a friend or family instead."
                )
                % {"name": str(invitation.inviter)}
            )
        if has_partner_link(invitation.inviter):
            # The inviter formed a partner link since inviting. Saying so would tell
            # whoever holds the code about the inviter's other relationships.
            raise InvitationUnusable()
    return invitation


def _clean(categories: list[str]) -> list[str]:
    return registry.clean(categories)


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: Any, scope: list[str], until: dt.datetime | None = None
) -> Link:
    """Link two accounts; each side's grant holds only what that side chose (the accepting
    side's until ``until``, when given)."""
    # Lock both people (in one order, so two acceptances cannot deadlock) before checking:
    # two partner invitations accepted at the same moment must not give anyone two
    # partner links. On SQLite, IMMEDIATE transactions already run one writer at a time.
    people = sorted({invitation.inviter_id, user.pk})
    list(get_user_model().objects.select_for_update().filter(pk__in=people).order_by("pk"))
    locked = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    invitation_check(invitation=locked, user=user)
    assert locked is not None
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    inviter = locked.inviter
    owned = registry.link_kind(locked.kind)
    link_kind = owned.link_kind if owned else locked.kind
    link = Link.objects.create(kind=link_kind, user_a=inviter, user_b=user)
    if link.kind == "partner":
        # Each person's other open partner invitations could never be accepted now.
        Invitation.objects.filter(
            inviter__in=people, kind="partner", used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=locked.used_at)
    if owned is not None and not owned.accepter_shares:
        scope = []
    Grant.objects.create(owner=inviter, grantee=user, link=link, categories=_clean(locked.scope))
    Grant.objects.create(
        owner=user, grantee=inviter, link=link, categories=_clean(scope), expires_at=until
    )
    # What each is to the other: a client invites their "therapist", and is their "client".
    their_kind = {"therapist": "client", "client": "therapist"}.get(locked.kind, locked.kind)
    Person.objects.create(owner=inviter, name=str(user), kind=locked.kind, link=link)
    Person.objects.create(owner=user, name=str(inviter), kind=their_kind, link=link)
    if owned is not None:
        owned.formed(link, inviter, user)
    Notice.objects.create(
        recipient=inviter,
        text=_("%(name)s accepted your invitation. You are now linked.") % {"name": str(user)},
    )
    return link


ADDED, CHANGED, QUIET = "added", "changed", "quiet"


@transaction.atomic
def grant_update(*, grant: Grant, categories: list[str], expires_at: dt.datetime | None) -> str:
    """Change what the owner shares. Returns what the other person was told: ``ADDED``
    (what was added), ``CHANGED`` (only that something changed) or ``QUIET`` (nothing).

    Only widening is announced, and only what was added ("Noor now also shares notes with
    you"). Narrowing, ending, or setting an end date is never announced to a partner,
    friend or family: for someone pulling back from a controlling partner a notice would
    be a risk. The other person simply sees what is shared now, next time they look. A
    link kind may ask for a neutral word on every change (a therapist is told "what Alice
    shares with you has changed", never what), because a clinician who silently stops
    seeing a client's notes could misread the silence.
    """
    was_active = (
        grant.pk is not None
        and grant.revoked_at is None
        and (grant.expires_at is None or grant.expires_at > timezone.now())
    )
    before = set(grant.categories) if was_active else set()
    grant.categories = _clean(categories)
    grant.expires_at = expires_at
    grant.revoked_at = None
    grant.save()
    labels = ", ".join(str(label) for label in grant.category_labels()) or _("nothing")
    Notice.objects.create(
        recipient=grant.owner,
        text=_("You now share with %(name)s: %(what)s.")
        % {"name": str(grant.grantee), "what": labels},
    )
    added = registry.labels(set(grant.categories) - before)
    if added:
        Notice.objects.create(
            recipient=grant.grantee,
            text=_("%(name)s now also shares with you: %(what)s.")
            % {"name": str(grant.owner), "what": ", ".join(str(label) for label in added)},
        )
        return ADDED
    link = grant.link
    kinds = registry.link_kind_of_link(link.kind) if link is not None else []
    if any(kind.tell_changes(grant) for kind in kinds):
        Notice.objects.create(
            recipient=grant.grantee,
            text=_("What %(name)s shares with you has changed.") % {"name": str(grant.owner)},
        )
        return CHANGED
    return QUIET


def account_leaving(*, user: Any) -> None:
    """Before an account is deleted: each linked person gets the same neutral notice as
    for an unlinking, and nothing more (no name, no reason)."""
    for link in Link.for_user(user).select_related("user_a", "user_b"):
        Notice.objects.create(
            recipient=link.other(user), text=_("A connection in your circle has ended.")
        )


@transaction.atomic
def link_end(*, link: Link, by: Any) -> None:
    """Unlink at once from either side: every grant both ways goes with the link."""
    other = link.other(by)
    now = timezone.now()
    Grant.objects.filter(link=link).update(revoked_at=now, categories=[])
    Person.objects.filter(link=link).update(link=None)
    link.delete()
    # The only notice: that the connection ended. Nothing about who or why.
    Notice.objects.create(recipient=other, text=_("A connection in your circle has ended."))
