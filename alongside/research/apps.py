from django.apps import AppConfig
from django.db.models.signals import pre_delete, pre_save


class ResearchConfig(AppConfig):
    name = "alongside.research"
    label = "research"

    def ready(self) -> None:
        from alongside.research.services import account_deleting, account_moving

        # Deleting an account leaves every study first (the accounts app knows nothing
        # of research).
        pre_delete.connect(
            account_deleting, sender="accounts.User", dispatch_uid="research-account-deleting"
        )
        # A person who changes their account's time zone has moved: their studies follow.
        pre_save.connect(
            account_moving, sender="accounts.User", dispatch_uid="research-account-moving"
        )
