from django.apps import AppConfig
from django.db.models.signals import post_save


class CareConfig(AppConfig):
    name = "alongside.care"
    label = "care"

    def ready(self) -> None:
        from alongside.care.services import register_link_kinds
        from alongside.care.tasks import take_saved
        from alongside.circle import registry

        register_link_kinds()
        # First on a therapist link's circle page: the way to the care pages.
        from alongside.care.services import person_part

        registry.register_part("care", 1, person_part)
        # A finished take answers what a therapist asked and is checked for alerts; the
        # assessments app knows nothing of care.
        post_save.connect(take_saved, sender="assessments.Take", dispatch_uid="care-take-saved")
