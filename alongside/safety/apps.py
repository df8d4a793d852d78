from django.apps import AppConfig
from django.db.backends.signals import connection_created


class SafetyConfig(AppConfig):
    name = "alongside.safety"
    label = "safety"

    def ready(self) -> None:
        from django.core import checks

        from alongside.lib.files import private_sqlite_files
        from alongside.safety.crisis import check_phrase_files

        # A phrase file broken by an edit stops the start rather than silently not helping.
        checks.register(check_phrase_files)

        # Safety on a shared machine: no other account may read the SQLite database.
        connection_created.connect(private_sqlite_files, dispatch_uid="alongside-private-sqlite")
