from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckinsConfig(AppConfig):
    name = "alongside.checkins"
    label = "checkins"

    def ready(self) -> None:
        from alongside.checkins import shared
        from alongside.circle import registry

        # Four categories cut one row: each decides which parts of a check-in are shown.
        rows = (registry.Source("checkins.CheckIn", "owner", "is_private"),)
        for order, key, label, phrase in (
            (10, "mood", _("Mood and feelings"), _("your mood and feelings")),
            (20, "needs", _("Needs"), _("your needs")),
            (30, "support", _("Support given and received"), _("the support you gave and got")),
            (40, "notes", _("Notes"), _("your notes")),
        ):
            registry.register(registry.Category(key, label, order, rows, phrase=phrase))
        registry.register_part("checkins", 10, shared.part)
        registry.register_part("reciprocity", 10, shared.circle_part, page="circle")
