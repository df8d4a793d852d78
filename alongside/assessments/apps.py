from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "alongside.assessments"
    label = "assessments"
    verbose_name = "Questionnaires"

    def ready(self) -> None:
        from alongside.assessments import views
        from alongside.circle import registry

        registry.register(
            registry.Category(
                "assessments",
                _("Questionnaire results"),
                50,
                (registry.Source("assessments.Take", "owner"),),
                phrase=_("your questionnaire results"),
            )
        )
        registry.register_part("assessments", 50, views.shared_part)
