from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "alongside.accounts"
    label = "accounts"

    def ready(self) -> None:
        from allauth.account.signals import email_added

        from alongside.accounts import notices

        email_added.connect(notices.email_added, dispatch_uid="alongside-email-added-notice")
