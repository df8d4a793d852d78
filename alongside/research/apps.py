from django.apps import AppConfig
from django.db.models.signals import pre_delete


class ResearchConfig(AppConfig):
    name = "alongside.research"
    label = "research"

    def ready(self) -> None:
        from alongside.research.services import account_deleting

        # Deleting an account leaves every study first (the accounts app knows nothing
        # of research).
        pre_delete.connect(
            account_deleting, sender="accounts.User", dispatch_uid="research-account-deleting"
        )
