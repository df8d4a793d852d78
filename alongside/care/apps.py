from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "alongside.care"
    label = "care"

    def ready(self) -> None:
        from alongside.care.services import register_link_kinds

        register_link_kinds()
