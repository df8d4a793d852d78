"""Alongside settings: one file, everything from the environment (see docs/deploy.md)."""

from __future__ import annotations

import json
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from alongside.lib import keys
from alongside.lib.env import env_bool, env_choice, env_int, env_list, env_str
from alongside.lib.files import private_dir

BASE_DIR = Path(__file__).resolve().parent
# 0700: it holds the SQLite database, the generated keys and the e-mail outbox.
DATA_DIR = private_dir(Path(env_str("ALONGSIDE_DATA_DIR", str(BASE_DIR.parent / "var"))).resolve())

DEBUG = env_bool("DEBUG", False)
# bench/load.py: a tiny view at /bench/bare/ through all the middleware, to compare pages
# against in the same run. Off unless asked for.
BENCH_BARE_VIEW = env_bool("BENCH_BARE_VIEW", False)
SECRET_KEY = env_str("SECRET_KEY") or keys.secret_key(DATA_DIR)
# Comma-separated Fernet keys; the first encrypts, all decrypt (rotation: prepend a new key).
NOTE_ENCRYPTION_KEYS = env_list("NOTE_ENCRYPTION_KEYS") or [keys.note_keys(DATA_DIR)]

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_tasks_db",
    "ninja",
    "alongside.accounts",
    "alongside.circle",
    "alongside.together",
    "alongside.checkins",
    "alongside.assessments",
    "alongside.practice",
    "alongside.insights",
    "alongside.reminders",
    "alongside.safety",
    "alongside.care",
    "alongside.research",
    "alongside.push",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Gathers each request's reads of other people's data: one log write per visit.
    "alongside.circle.access.ReadScopeMiddleware",
    "alongside.lib.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "alongside.accounts.middleware.UserTimeZoneMiddleware",
    "alongside.accounts.middleware.UserLanguageMiddleware",
    "alongside.safety.discreet.SafetyMiddleware",
]

ROOT_URLCONF = "alongside.urls"
WSGI_APPLICATION = "alongside.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                # LANGUAGE_CODE for <html lang>: screen readers pick their voice from it.
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "alongside.safety.context_processors.safety",
                "alongside.accounts.context_processors.navigation",
            ],
            "libraries": {
                "chips": "alongside.lib.chips",
                "agreements": "alongside.together.agreement_html",
                "prompts": "alongside.together.prompt_html",
            },
        },
    },
]

# --- database ---------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        # Health checks: a connection kept open across a PostgreSQL restart is noticed
        # and replaced at the start of the next request, instead of failing it.
        DATABASES = {
            "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
        }
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL: {exc}") from exc
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # The same backend, but a new connection waits for a PostgreSQL that is starting
        # or restarting (alongside.lib.postgresql) instead of failing the request at once.
        DATABASES["default"]["ENGINE"] = "alongside.lib.postgresql"
        # Values travel apart from the SQL (server-side binding), so psycopg prepares a
        # statement once this connection has run it a few times and PostgreSQL stops
        # parsing and planning it on every request: 10-40 % more pages per second on the
        # load benchmark (docs/performance.md). A pooler that cannot keep prepared
        # statements (PgBouncer in transaction mode before 1.21) needs them off.
        # (Django turns psycopg's preparing off unless asked; 5 runs is psycopg's own.)
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True,
            prepare_threshold=5 if env_bool("DATABASE_PREPARED_STATEMENTS", True) else None,
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "alongside.sqlite3"),
            # WAL lets the web server read while the worker writes; IMMEDIATE avoids
            # "database is locked" upgrades from read to write transactions.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# How long a new PostgreSQL connection waits for a database that is not up (yet).
DATABASE_CONNECT_WAIT_SECONDS = env_int("DATABASE_CONNECT_WAIT_SECONDS", 10, minimum=0)

# --- cache ------------------------------------------------------------------------------
# One cache that every process shares, so rate limits (allauth's failed logins, invitation
# codes) hold across all gunicorn workers and machines instead of counting per process.
# The database by default: its table comes from a migration (alongside.safety), so every
# path that migrates creates it. Redis when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"REDIS_URL: expected redis://, rediss:// or unix://, got {REDIS_URL!r}"
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "alongside",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "alongside_cache",  # alongside.safety.models.CACHE_TABLE
            # Room for many counters: at the default 300, a flood of new keys would cull
            # (forget) the counters of someone being slowed down.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# Rendered fragments that depend only on what their {% cache %} tag names (the menus:
# language, tab, roles, partner link), kept per process: asking the shared cache would
# cost a query or a round trip, more than rendering them. The tag's default alias.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "alongside-fragments",
    "TIMEOUT": None,
    "OPTIONS": {"MAX_ENTRIES": 2000},
}
# Behind a proxy every request comes from the proxy's address: tell allauth (and the
# invitation-code limits, which ask allauth) how many proxies add X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# --- accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env_choice(
    "ACCOUNT_EMAIL_VERIFICATION", "mandatory", ("mandatory", "optional", "none")
)
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Alongside: "
SIGNUP_OPEN = env_bool("SIGNUP_OPEN", True)
ACCOUNT_ADAPTER = "alongside.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "alongside.accounts.forms.LoginForm",
    "signup": "alongside.accounts.forms.SignupForm",
    "reset_password_from_key": "alongside.accounts.forms.ResetPasswordKeyForm",
    "set_password": "alongside.accounts.forms.SetPasswordForm",
    "change_password": "alongside.accounts.forms.ChangePasswordForm",
    "add_email": "alongside.accounts.forms.AddEmailForm",
}
ACCOUNT_REAUTHENTICATION_TIMEOUT = env_int("REAUTHENTICATION_TIMEOUT", 300, minimum=30)
# A borrowed, unlocked phone must not be enough to take the account: adding, removing or
# promoting an e-mail address asks for the password again (allauth.mfa asks by default),
# and every security change is e-mailed to the primary address.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_RATE_LIMITS_DISABLED = env_bool("RATE_LIMITS_DISABLED", False)
if ACCOUNT_RATE_LIMITS_DISABLED:
    ACCOUNT_RATE_LIMITS: dict[str, str] | bool = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Alongside"
# Encrypts TOTP secrets and recovery-code seeds with NOTE_ENCRYPTION_KEYS.
MFA_ADAPTER = "alongside.accounts.adapter.MFAAdapter"

# --- e-mail -----------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Alongside <alongside@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_OUTBOX_DIR = DATA_DIR / "outbox"
if env_str("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
else:
    # Development: every message goes to the console and to a file in var/outbox/.
    EMAIL_BACKEND = "alongside.lib.mail.OutboxBackend"

# --- background tasks -------------------------------------------------------------------
# Visits in the access log older than this are deleted by a daily task (default: 2 years).
ACCESS_LOG_RETENTION_DAYS = env_int("ACCESS_LOG_RETENTION_DAYS", 730, minimum=30)
# A task still "running" after this long had its worker die: it is put back in the queue.
TASK_STALE_AFTER_SECONDS = env_int("TASK_STALE_AFTER_SECONDS", 600)
# /readyz says "not ready" when no task worker has written a heartbeat for this long.
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 120, minimum=30)
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- notifications (Web Push) -----------------------------------------------------------
# The VAPID private key (PEM, or base64url raw/DER) that signs every push; without it one is
# made once in the data directory (see alongside/push/vapid.py). Read when first used, so
# each process and each test follows the data directory it has.
WEB_PUSH_VAPID_PRIVATE_KEY = env_str("WEB_PUSH_VAPID_PRIVATE_KEY")
# Who the push services may contact about this deployment's pushes (RFC 8292 "sub").
WEB_PUSH_CONTACT = env_str(
    "WEB_PUSH_CONTACT", "mailto:" + (parseaddr(DEFAULT_FROM_EMAIL)[1] or "alongside@localhost")
)
if not WEB_PUSH_CONTACT.startswith(("mailto:", "https://")):
    raise ImproperlyConfigured(
        f"WEB_PUSH_CONTACT: expected mailto:address or https://url, got {WEB_PUSH_CONTACT!r}"
    )
# The server sends to whatever endpoint a browser hands it: only to these push services
# (a host or any subdomain of it), so a made-up endpoint cannot aim it at another machine.
WEB_PUSH_SERVICE_HOSTS = env_list(
    "WEB_PUSH_SERVICE_HOSTS",
    [
        "fcm.googleapis.com",
        "push.services.mozilla.com",
        "notify.windows.com",
        "push.apple.com",
    ],
)
# Tests only: accept http://127.0.0.1 endpoints (a local stand-in for a push service).
WEB_PUSH_ALLOW_LOCAL_HTTP = False

# --- internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en"
# Each language is named in itself, so someone who cannot read the current one still
# finds theirs. LocaleMiddleware picks from the browser (Accept-Language) for everyone;
# UserLanguageMiddleware then applies a signed-in person's own choice from the profile.
# No language prefixes in URLs: a shared link must not reveal a language (or a page) more
# than it has to, and every URL stays the same in both languages.
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# Ours first, so it wins; then allauth's strings in our voice ("du", not allauth's "Sie").
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth"]

# --- static -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- security ---------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on POSTs,
# which Django's CSRF check rightly refuses. Other sites still learn nothing.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- safety -----------------------------------------------------------------------------
QUICK_EXIT_URL = env_str("QUICK_EXIT_URL", "https://www.bbc.co.uk/weather")
_help = env_str("HELP_RESOURCES_JSON")
try:
    HELP_RESOURCES: list[dict[str, str]] = json.loads(_help) if _help else []
except json.JSONDecodeError as exc:
    raise ImproperlyConfigured(f"HELP_RESOURCES_JSON: not valid JSON ({exc})") from exc
if not isinstance(HELP_RESOURCES, list) or not all(
    isinstance(r, dict) and "name" in r for r in HELP_RESOURCES
):
    raise ImproperlyConfigured(
        'HELP_RESOURCES_JSON: expected a list like [{"name": ..., "phone": ..., "url": ...}]'
    )

# What "Help now" says where no helplines are listed: a deployment may say it in its own
# words (one paragraph, plain text); empty keeps the shipped, translated text.
HELP_FALLBACK_TEXT = env_str("HELP_FALLBACK_TEXT")

# Crisis words (alongside/safety/crisis.py): a folder of <language>.yaml phrase files that
# take the place of the shipped ones, for a deployment to adjust the lists.
CRISIS_PHRASES_DIR = env_str("CRISIS_PHRASES_DIR")
if CRISIS_PHRASES_DIR and not Path(CRISIS_PHRASES_DIR).is_dir():
    raise ImproperlyConfigured(f"CRISIS_PHRASES_DIR: {CRISIS_PHRASES_DIR!r} is not a directory")
# Messages live only in a signed cookie in the person's own browser, never in the session
# (the default spills into it): the crisis-words offer must not reach any server store.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

# --- API --------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 100

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
