from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TogetherConfig(AppConfig):
    name = "alongside.together"
    label = "together"

    def ready(self) -> None:
        from alongside.circle import registry
        from alongside.together import views

        registry.register(
            registry.Category(
                "together",
                _("Checking in together"),
                70,
                (
                    registry.Source("together.Item", "author"),
                    registry.Source("together.PromptAnswer", "author"),
                    registry.Source("together.Agreement", "owner"),
                ),
                phrase=_("what you wrote for checking in together"),
            )
        )
        registry.register_part("together", 5, views.link_part)
        registry.register_part("together", 90, views.circle_part, page="circle")
