from django.apps import AppConfig
from django.db.models.signals import post_save


class CareConfig(AppConfig):
    name = "alongside.care"
    label = "care"

    def ready(self) -> None:
        from alongside.care.services import register_link_kinds
        from alongside.care.tasks import take_saved

        register_link_kinds()
        # A finished take answers what a therapist asked and is checked for alerts; the
        # assessments app knows nothing of care.
        post_save.connect(take_saved, sender="assessments.Take", dispatch_uid="care-take-saved")
