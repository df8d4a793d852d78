from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticeConfig(AppConfig):
    """Practice: reliance experiments and the ladder, relational experiments, growth goals
    and vulnerability prompts (PRODUCT.md F). Two parts, each in its own modules:
    ``experiments`` (asks, the ladder, relational experiments) and ``growth`` (goals and
    prompts)."""

    name = "alongside.practice"
    label = "practice"

    def ready(self) -> None:
        from alongside.circle import registry
        from alongside.practice import experiments_shared, growth_shared

        registry.register(
            registry.Category(
                "practice",
                _("Practice"),
                60,
                (*experiments_shared.SOURCES, *growth_shared.SOURCES),
                phrase=_("your practice"),
            )
        )
        for key, order, render in (*experiments_shared.PARTS, *growth_shared.PARTS):
            registry.register_part(key, order, render)
