"""Operations that span several models: accepting an invitation, sharing, unlinking."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.circle import registry
from alongside.circle.models import Grant, Invitation, Link, Notice, Person


class InvitationProblem(Exception):
    """Why an invitation cannot be used, in words for the person."""


def invitation_check(*, invitation: Invitation | None, user: Any) -> Invitation:
    if invitation is None:
        raise InvitationProblem(
            _("We couldn't find that invitation. Check the code and try again.")
        )
    if invitation.inviter_id == user.pk:
        raise InvitationProblem(
            _("This is your own invitation. Send it to the person you want to link with.")
        )
    if invitation.used_at is not None:
        raise InvitationProblem(_("This invitation has already been used. Ask for a new one."))
    if invitation.revoked_at is not None:
        raise InvitationProblem(_("This invitation was withdrawn. Ask for a new one if you like."))
    if invitation.expires_at <= timezone.now():
        raise InvitationProblem(_("This invitation has expired. Ask for a new one."))
    if Link.between(invitation.inviter, user):
        raise InvitationProblem(_("You are already linked with this person."))
    return invitation


def _clean(categories: list[str]) -> list[str]:
    return registry.clean(categories)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: Any, scope: list[str]) -> Link:
    """Link two accounts; each side's grant holds only what that side chose."""
    locked = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    invitation_check(invitation=locked, user=user)
    assert locked is not None
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    inviter = locked.inviter
    link = Link.objects.create(kind=locked.kind, user_a=inviter, user_b=user)
    Grant.objects.create(owner=inviter, grantee=user, link=link, categories=_clean(locked.scope))
    Grant.objects.create(owner=user, grantee=inviter, link=link, categories=_clean(scope))
    Person.objects.create(owner=inviter, name=str(user), kind=locked.kind, link=link)
    Person.objects.create(owner=user, name=str(inviter), kind=locked.kind, link=link)
    Notice.objects.create(
        recipient=inviter,
        text=_("%(name)s accepted your invitation. You are now linked.") % {"name": str(user)},
    )
    return link


@transaction.atomic
def grant_update(*, grant: Grant, categories: list[str], expires_at: dt.datetime | None) -> bool:
    """Change what the owner shares. Returns whether the other person was told.

    Only widening is announced, and only what was added ("Noor now also shares notes with
    you"). Narrowing, ending, or setting an end date is never announced: for someone
    pulling back from a controlling partner a notice would be a risk. The other person
    simply sees what is shared now, next time they look.
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
    if not added:
        return False
    Notice.objects.create(
        recipient=grant.grantee,
        text=_("%(name)s now also shares with you: %(what)s.")
        % {"name": str(grant.owner), "what": ", ".join(str(label) for label in added)},
    )
    return True


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
