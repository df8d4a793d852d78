from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "alongside.safety"
    label = "safety"

    def ready(self) -> None:
        from django import forms

        from alongside.lib.text import validate_storable

        # Every form's text field refuses text that can't be stored (a lone surrogate),
        # with a message next to the field, as Django's own CharField refuses NUL. Set
        # before any form class exists: no form module is imported while apps load
        # (alongside/lib/tests/test_text.py checks every project form has it).
        if validate_storable not in forms.CharField.default_validators:
            forms.CharField.default_validators = [
                *forms.CharField.default_validators,
                validate_storable,
            ]
