from django import forms
from django.apps import AppConfig
from django.db.backends.signals import connection_created

from alongside.lib.text import validate_storable


def _refuse_unstorable_text_in_every_form() -> None:
    """Every form's text field refuses text that can't be stored (a lone surrogate).

    A message next to the field instead of a server error, as Django's own CharField
    refuses NUL. E-mail and URL fields keep their own format checks.
    """
    if validate_storable not in forms.CharField.default_validators:
        forms.CharField.default_validators = [
            *forms.CharField.default_validators,
            validate_storable,
        ]


# Done as Django imports the app list, before any app's ready() (where apps register
# their categories and so import their forms) creates a form field; a field made
# earlier would miss it. alongside/lib/tests/test_text.py checks every project form.
_refuse_unstorable_text_in_every_form()


class SafetyConfig(AppConfig):
    name = "alongside.safety"
    label = "safety"

    def ready(self) -> None:
        from django.core.exceptions import ImproperlyConfigured

        from alongside.lib.files import private_sqlite_files
        from alongside.safety.crisis import validate_phrase_files

        # A crisis-phrase file broken by an edit stops every start (web, worker, command)
        # with its name, rather than silently helping nobody.
        problems = validate_phrase_files()
        if problems:
            raise ImproperlyConfigured("; ".join(problems))

        # Safety on a shared machine: no other account may read the SQLite database.
        connection_created.connect(private_sqlite_files, dispatch_uid="alongside-private-sqlite")
