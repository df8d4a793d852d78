"""Django's PostgreSQL backend, patient with a database that is (re)starting."""
