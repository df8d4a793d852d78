from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest

from alongside.lib import crypto

WELCOME_URL = "/welcome/"


class AccountAdapter(DefaultAccountAdapter):
    def get_email_verification_redirect_url(self, email_address: Any) -> str:
        return WELCOME_URL

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        # Confirming the address signs the new person in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION),
        # and allauth then follows the *signup* redirect, not the verification one: send
        # them to the welcome too. A ?next= (an invitation they opened) still wins.
        return WELCOME_URL

    def save_user(
        self, request: HttpRequest, user: Any, form: Any, commit: bool = True
    ) -> AbstractBaseUser:
        # A new person sees the first-run welcome once; the name is asked at sign-up.
        user.welcomed_at = None
        name = form.cleaned_data.get("display_name")
        if name:
            user.display_name = name
        saved: AbstractBaseUser = super().save_user(request, user, form, commit=commit)
        return saved

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(getattr(settings, "SIGNUP_OPEN", True))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # The security notices link back to the settings pages; without django.contrib.sites
        # allauth only knows the request's host, which may be an internal name.
        super().send_mail(template_prefix, email, {"site_url": settings.SITE_URL, **context})

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> Any:
        # A person in discreet mode gets every account e-mail (verification, reset,
        # security notices) under a neutral subject and sender name.
        from alongside.accounts.models import User
        from alongside.safety.discreet import neutral_sender, neutral_subject

        message = super().render_mail(template_prefix, email, context, headers=headers)
        to = [email] if isinstance(email, str) else list(email)
        if User.objects.filter(email__in=[a.lower() for a in to], discreet=True).exists():
            message.subject = neutral_subject()
            message.from_email = neutral_sender()
        return message

    def set_password(self, user: AbstractBaseUser, password: str) -> None:
        # Every way a person changes, sets or resets a password comes through here.
        # Whoever knew the old password may have made an API token with it: a new password
        # ends them all, in the same transaction as the change.
        from alongside.accounts.models import ApiToken

        with transaction.atomic():
            super().set_password(user, password)
            ApiToken.objects.filter(owner_id=user.pk).delete()


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds are stored encrypted, like notes.

    allauth passes every secret it keeps in ``Authenticator.data`` through these two hooks.
    The keys are NOTE_ENCRYPTION_KEYS, so ``rotate_note_keys`` re-encrypts these too
    (``alongside.accounts.mfa.rotate_secrets``); migration 0004 encrypted older ones.
    """

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)
