from django.apps import AppConfig
from django.db.backends.signals import connection_created


class SafetyConfig(AppConfig):
    name = "alongside.safety"
    label = "safety"

    def ready(self) -> None:
        from alongside.lib.files import private_sqlite_files

        # Safety on a shared machine: no other account may read the SQLite database.
        connection_created.connect(private_sqlite_files, dispatch_uid="alongside-private-sqlite")
