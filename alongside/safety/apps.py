from django.apps import AppConfig
from django.db.backends.signals import connection_created


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
