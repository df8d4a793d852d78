"""Care operations that span several models: forming a therapist link, and who is who."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from alongside.care.models import CareLink, TherapistProfile
from alongside.circle import services as circle_services
from alongside.circle.models import Grant


def profile_of(user: Any) -> TherapistProfile | None:
    return TherapistProfile.objects.filter(user=user).first()


def is_therapist(user: Any) -> bool:
    return TherapistProfile.objects.filter(user=user).exists()


def verified_phrase(therapist: Any) -> str:
    """What a client is told about a therapist's profile, in one sentence."""
    profile = profile_of(therapist)
    if profile is None:
        return ""
    if profile.is_verified:
        return _(
            "%(name)s is a therapist (%(profession)s) whose registration the people running "
            "this site have checked."
        ) % {"name": str(therapist), "profession": profile.profession}
    return _(
        "%(name)s says they are a therapist (%(profession)s). The people running this site "
        "have not checked their registration yet."
    ) % {"name": str(therapist), "profession": profile.profession}


# ----------------------------------------------------------------- the two link kinds


def _check_therapist_accepts(inviter: Any, user: Any) -> None:
    """A client invited their therapist: only a therapist account can accept."""
    if not is_therapist(user):
        raise circle_services.InvitationProblem(
            _(
                "This invitation is for a therapist's account. If you are a therapist, set "
                "up your therapist profile first, then open the invitation again."
            )
        )


def _check_client_accepts(inviter: Any, user: Any) -> None:
    """A therapist invited a client: the inviter must (still) be a therapist."""
    if not is_therapist(inviter):
        raise circle_services.InvitationUnusable()


def _formed_by_client(link: Any, inviter: Any, user: Any) -> None:
    CareLink.objects.create(link=link, therapist=user, client=inviter)


def _formed_by_therapist(link: Any, inviter: Any, user: Any) -> None:
    CareLink.objects.create(link=link, therapist=inviter, client=user)


def tell_changes(grant: Grant) -> bool:
    """A therapist is told, neutrally, whenever what a client shares changes."""
    return CareLink.objects.filter(link=grant.link, therapist=grant.grantee).exists()


def _after_accept(link: Any, user: Any) -> str:
    care = CareLink.objects.filter(link=link).first()
    if care is None:
        return ""
    if care.therapist_id == user.pk:
        return reverse("care:client", args=[care.pk])
    return reverse("care:my_therapist", args=[care.pk])


def _describe_inviting_therapist(inviter: Any, user: Any) -> str:
    return verified_phrase(inviter)


def register_link_kinds() -> None:
    from alongside.circle import registry

    registry.register_link_kind(
        registry.LinkKind(
            key="therapist",
            link_kind="therapist",
            check=_check_therapist_accepts,
            formed=_formed_by_client,
            accepter_shares=False,
            tell_changes=tell_changes,
            after_accept=_after_accept,
        )
    )
    registry.register_link_kind(
        registry.LinkKind(
            key="client",
            link_kind="therapist",
            check=_check_client_accepts,
            formed=_formed_by_therapist,
            accepter_shares=True,
            tell_changes=tell_changes,
            after_accept=_after_accept,
            describe=_describe_inviting_therapist,
        )
    )


def person_part(viewer: Any, owner: Any, link: Any, audience: Any) -> Any:
    """On the circle page of a therapist link: the way to the care pages, for each side
    (nothing on a preview through someone else's eyes, and nothing on other links)."""
    from alongside.circle.registry import Part

    if link is None or link.kind != "therapist" or audience.pk != viewer.pk:
        return None
    care = CareLink.objects.filter(link=link).select_related("therapist", "client").first()
    if care is None:
        return None
    if care.client_id == viewer.pk:
        return Part(
            "care/_part_client.html",
            {
                "care": care,
                "therapist": care.therapist,
                "verified": verified_phrase(care.therapist),
            },
        )
    return Part("care/_part_therapist.html", {"care": care, "client": care.client})
