"""Shared fixtures: the personas, signed-in clients, and settings that keep tests hermetic.

The personas are the people of PRODUCT.md: alice and ben are a couple, dana is a
therapist, eve is a stranger to all of them. Each is a verified account with a known
password, so tests can sign in through allauth exactly as a person would.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

# Every prepared query (alongside.lib.prepared) is also built the ordinary way under the
# tests, and a test fails if the two would run different SQL.
os.environ["ALONGSIDE_CHECK_PREPARED"] = "1"

PASSWORD = "a long and quiet river 42"  # noqa: S105 - the personas' known test password

# One note-encryption key for the whole run, so no test depends on var/note_keys.
TEST_NOTE_KEY = Fernet.generate_key().decode()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
) -> None:
    """Keep the SQLite test database in a file under a temporary data directory.

    pytest-django would otherwise use an in-memory database, and the encryption-at-rest
    test must read the bytes SQLite actually writes to disk.
    """
    db = django_settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # A folder of its own, outside pytest's numbered temporary folders: another pytest
        # run on the same machine prunes old ones, and once removed this run's database
        # while it was in use ("disk I/O error").
        folder = Path(tempfile.mkdtemp(prefix="alongside-test-db-"))
        atexit.register(shutil.rmtree, folder, True)
        db.setdefault("TEST", {})["NAME"] = str(folder / "test-alongside.sqlite3")


# Fixtures through which a test reaches the database (directly or via a persona).
_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}

# ALONGSIDE_TEST_SCOPE picks which tests a run keeps (plain `make test` keeps them all):
#   all (or unset)  every test
#   database        what the database engine can change: tests that reach the database
#                   through pytest-django (a `django_db` mark, a database fixture or one
#                   built on it, such as a persona or `client`) or, marked `database`,
#                   outside it (the PostgreSQL-only tests). Not the browser tests: their
#                   pages read through the same queries the `client` tests check.
#   no-database     the tests that never reach the database (nor the browser tests): the
#                   check on the split, as these pass with DATABASE_URL pointing at nothing.
# CI's PostgreSQL stage runs `database` (.ci/run says why).
_SCOPES = ("all", "database", "no-database")
_SCOPE_FIXTURES = _DATABASE_FIXTURES | {"client", "async_client", "admin_client", "admin_user"}


def _scope_of(item: pytest.Item) -> str:
    if item.get_closest_marker("browser"):
        return "browser"
    if item.get_closest_marker("database") or item.get_closest_marker("django_db"):
        return "database"
    if _SCOPE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return "database"
    return "no-database"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    scope = os.environ.get("ALONGSIDE_TEST_SCOPE", "").strip().lower() or "all"
    if scope not in _SCOPES:
        raise pytest.UsageError(
            f"ALONGSIDE_TEST_SCOPE={scope!r}: expected one of {', '.join(_SCOPES)}"
        )
    if scope == "all":
        return
    kept = [item for item in items if _scope_of(item) == scope]
    dropped = [item for item in items if _scope_of(item) != scope]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_report_header(config: pytest.Config) -> str | None:
    scope = os.environ.get("ALONGSIDE_TEST_SCOPE", "").strip().lower()
    return f"test scope (ALONGSIDE_TEST_SCOPE): {scope}" if scope not in {"", "all"} else None


@pytest.fixture(autouse=True)
def _hermetic(
    request: pytest.FixtureRequest, settings: Any, tmp_path: Path, django_db_blocker: Any
) -> None:
    """Every test gets its own data directory and outbox, fast hashing, no rate limits."""
    settings.DATA_DIR = tmp_path / "var"
    settings.EMAIL_OUTBOX_DIR = tmp_path / "var" / "outbox"
    settings.EMAIL_OUTBOX_QUIET = True
    settings.STATIC_ROOT = tmp_path / "var" / "static"
    settings.STATIC_ROOT.mkdir(parents=True)
    settings.NOTE_ENCRYPTION_KEYS = [TEST_NOTE_KEY]
    # The manifest storage needs `collectstatic` first; tests render from the sources.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # allauth counts attempts in the cache; tests sign up and sign in many times.
    settings.ACCOUNT_RATE_LIMITS = False
    settings.SITE_URL = "http://testserver"
    # The cache is a table in the test database, shared by every process. A test that
    # never reaches the database cannot have put anything in it; for the others this
    # runs before their own database access begins, so it opens the way itself.
    if request.node.get_closest_marker("django_db") or _DATABASE_FIXTURES & set(
        request.fixturenames
    ):
        request.getfixturevalue("django_db_setup")
        with django_db_blocker.unblock():
            cache.clear()


@pytest.fixture
def password() -> str:
    """Every persona's password."""
    return PASSWORD


@pytest.fixture
def outbox(settings: Any, tmp_path: Path) -> Path:
    """Send e-mail through the real development OutboxBackend into a temporary folder."""
    settings.EMAIL_BACKEND = "alongside.lib.mail.OutboxBackend"
    settings.EMAIL_OUTBOX_DIR = tmp_path / "outbox"
    settings.EMAIL_OUTBOX_QUIET = True
    return tmp_path / "outbox"


def make_person(email: str, name: str, time_zone: str = "Europe/London") -> Any:
    from alongside.accounts.models import User

    user = User.objects.create_user(email, PASSWORD, display_name=name, time_zone=time_zone)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def link_people(
    inviter: Any,
    invitee: Any,
    *,
    inviter_shares: list[str] | None = None,
    invitee_shares: list[str] | None = None,
    kind: str = "partner",
) -> Any:
    """Link two people through the real invitation flow; each shares only what is given."""
    from alongside.circle.models import Invitation
    from alongside.circle.services import invitation_accept

    invitation = Invitation.objects.create(inviter=inviter, kind=kind, scope=inviter_shares or [])
    return invitation_accept(invitation=invitation, user=invitee, scope=invitee_shares or [])


def make_therapist(user: Any, *, verified: bool = True, profession: str = "Psychologist") -> Any:
    """Give ``user`` a therapist profile (verified by a site administrator, by default);
    one they already have is kept."""
    from alongside.care.models import TherapistProfile

    profile, created = TherapistProfile.objects.get_or_create(
        user=user, defaults={"profession": profession, "licence": "Board of Psychology 12345"}
    )
    if created and verified:
        profile.verify(by="site administrator")
    return profile


def make_researcher(user: Any, *, by: str = "site administrator") -> Any:
    """Give ``user`` the researcher role, as a site administrator does."""
    from alongside.research.services import researcher_grant

    return researcher_grant(user=user, by=by)


def link_therapist(
    client: Any,
    therapist: Any,
    *,
    shares: list[str] | None = None,
    until: Any = None,
    couple_view: bool = False,
) -> Any:
    """The therapist invites ``client``, who accepts sharing ``shares`` (until ``until``, an
    aware datetime); returns the ``CareLink``. The therapist needs a profile first."""
    from alongside.care.models import CareLink
    from alongside.circle.models import Invitation
    from alongside.circle.services import invitation_accept

    invitation = Invitation.objects.create(inviter=therapist, kind="client", scope=[])
    link = invitation_accept(invitation=invitation, user=client, scope=shares or [], until=until)
    care = CareLink.objects.get(link=link)
    if couple_view:
        care.couple_view = True
        care.save(update_fields=["couple_view"])
    return care


@pytest.fixture
def link_couple(alice: Any, ben: Any) -> Callable[..., Any]:
    """``link_couple(alice_shares, ben_shares, kind)``: alice invites, ben accepts."""

    def link_couple(
        alice_shares: list[str] | None = None,
        ben_shares: list[str] | None = None,
        kind: str = "partner",
    ) -> Any:
        return link_people(
            alice, ben, inviter_shares=alice_shares, invitee_shares=ben_shares, kind=kind
        )

    return link_couple


@pytest.fixture
def alice(db: None) -> Any:
    return make_person("alice@example.org", "Alice", "Europe/London")


@pytest.fixture
def ben(db: None) -> Any:
    """Alice's partner."""
    return make_person("ben@example.org", "Ben", "Europe/London")


@pytest.fixture
def dana(db: None) -> Any:
    """A therapist."""
    return make_person("dana@example.org", "Dana", "America/New_York")


@pytest.fixture
def eve(db: None) -> Any:
    """A stranger to everyone else."""
    return make_person("eve@example.org", "Eve", "UTC")


def _client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice: Any) -> Client:
    return _client_for(alice)


@pytest.fixture
def ben_client(ben: Any) -> Client:
    return _client_for(ben)


@pytest.fixture
def eve_client(eve: Any) -> Client:
    return _client_for(eve)


@pytest.fixture
def dana_client(dana: Any) -> Client:
    return _client_for(dana)


def run_worker() -> list[Any]:
    """Run every task that is due now with the real django-tasks-db worker, in this
    process; fails on any failed task. Returns what every finished task returned."""
    import signal

    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    # The worker installs its own signal handlers; put the test runner's back.
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    failed = DBTaskResult.objects.filter(status="FAILED")
    assert not failed.exists(), [r.exception_class_path for r in failed]
    return results()


def results() -> list[Any]:
    """What every finished task returned, oldest first."""
    from django_tasks_db.models import DBTaskResult

    done = DBTaskResult.objects.filter(status="SUCCESSFUL").order_by("finished_at")
    return [r.return_value for r in done]


@pytest.fixture
def sign_in() -> Callable[..., Client]:
    """Sign in through allauth's own login form, as a person would."""

    def sign_in(user: Any, password: str = PASSWORD, client: Client | None = None) -> Client:
        client = client or Client()
        response = client.post("/accounts/login/", {"login": user.email, "password": password})
        assert response.status_code == 302, response.content.decode()[:2000]
        return client

    return sign_in


@pytest.fixture
def reauthenticate() -> Callable[..., Any]:
    """Confirm the password again, as allauth asks before sensitive actions."""

    def reauthenticate(client: Client, password: str = PASSWORD, **extra: Any) -> Any:
        return client.post("/accounts/reauthenticate/", {"password": password, **extra})

    return reauthenticate


@pytest.fixture
def reauthed(sign_in: Callable[..., Client], reauthenticate: Callable[..., Any]) -> Any:
    """``reauthed(user)``: a client signed in through the login form that has just
    confirmed the password (as sharing changes and invitations ask)."""

    def reauthed(user: Any) -> Client:
        client = sign_in(user)
        response = reauthenticate(client)
        assert response.status_code == 302, response.content.decode()[:2000]
        return client

    return reauthed
