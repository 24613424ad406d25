"""Loomlight settings: one file, read from environment variables.

Every variable is documented in docs/deployment.md. Helpers fail loudly on bad
values rather than guessing. ``LOOMLIGHT_ENV`` selects the profile:

* ``production`` (default): DEBUG off, secret key required, HTTPS hardening on.
* ``development``: DEBUG on, local secret key file, no HTTPS hardening.
* ``demo``: like production but served over plain HTTP on loopback, demo
  passwords allowed (see loomlight.demo), local secret key file.
* ``test``: used by the test suite.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_positive_int(name: str, default: int) -> int:
    value = env_int(name, default)
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be at least 1, not {value!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


ENVIRONMENTS = {"production", "development", "demo", "test"}
LOOMLIGHT_ENV = env_str("LOOMLIGHT_ENV", "production")
if LOOMLIGHT_ENV not in ENVIRONMENTS:
    raise ImproperlyConfigured(f"LOOMLIGHT_ENV must be one of {sorted(ENVIRONMENTS)}, not {LOOMLIGHT_ENV!r}")
PRODUCTION = LOOMLIGHT_ENV == "production"
DEMO_MODE = LOOMLIGHT_ENV == "demo"

DATA_DIR = Path(env_str("LOOMLIGHT_DATA_DIR", str(Path.cwd() / "var"))).resolve()
MEDIA_ROOT = DATA_DIR / "files"  # evidence and uploads: outside the web root, served through views only
STATIC_ROOT = Path(env_str("LOOMLIGHT_STATIC_ROOT", str(DATA_DIR / "static"))).resolve()


def _secret_key() -> str:
    key = env_str("LOOMLIGHT_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "LOOMLIGHT_SECRET_KEY is required in production (generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )
    # Development, demo and tests: a key kept in the data directory, never in the repository.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("LOOMLIGHT_DEBUG", LOOMLIGHT_ENV == "development")
if DEBUG and PRODUCTION:
    raise ImproperlyConfigured("LOOMLIGHT_DEBUG cannot be on in production.")

ALLOWED_HOSTS = env_list(
    "LOOMLIGHT_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("LOOMLIGHT_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves Swagger UI's files locally (no CDN) for /api/docs
    "loomlight.site",
    "loomlight.audit",
    "loomlight.accounts",
    "loomlight.programmes",
    "loomlight.registry",
    "loomlight.reporting",
    "loomlight.wastewater",
    "loomlight.chemicals",
    "loomlight.evidence",
    "loomlight.inventories",
    "loomlight.notifications",
    "loomlight.assessments",
    "loomlight.interventions",
    "loomlight.biomass",
    "loomlight.consultations",
    "loomlight.api",
    "loomlight.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files answer here, before the headers below
    "loomlight.site.headers.SecurityHeadersMiddleware",  # CSP, Permissions-Policy, no-store when logged in
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "loomlight.consultations.middleware.CapCommentBody",   # a comment form's body over its cap: never parsed
    "loomlight.site.middleware.RefuseUnstorableText",   # NUL or a lone surrogate in a query or form: refused, named
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "loomlight.site.urls"
WSGI_APPLICATION = "loomlight.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "loomlight.site.context_processors.loomlight",
                "loomlight.site.context_processors.number_format",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'loomlight.sqlite3'}"),
        conn_max_age=env_int("LOOMLIGHT_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The GWP set of stored inventories (docs/deployment.md); changing it recomputes them after migrate.
LOOMLIGHT_GWP_SET = env_str("LOOMLIGHT_GWP_SET", "AR5")
if LOOMLIGHT_GWP_SET not in ("AR4", "AR5", "AR6"):
    raise ImproperlyConfigured(f"LOOMLIGHT_GWP_SET must be AR4, AR5 or AR6, not {LOOMLIGHT_GWP_SET!r}")

# Day of the following month on which a month's data are due (loomlight.calc.periods): completeness counts a
# month only once its deadline has passed, and a year is over once its December is due.
REPORTING_DEADLINE_DAY = env_int("LOOMLIGHT_REPORTING_DEADLINE_DAY", 20)
if not 1 <= REPORTING_DEADLINE_DAY <= 28:
    raise ImproperlyConfigured(f"LOOMLIGHT_REPORTING_DEADLINE_DAY must be a day from 1 to 28, not {REPORTING_DEADLINE_DAY}")

TASKS = {
    "default": {
        "BACKEND": env_str("LOOMLIGHT_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# Seconds a background task may run before the worker stops it (loomlight.site.worker); an import stopped
# stores nothing. 15 minutes is about 50 times the longest import measured (docs/performance.md).
TASK_TIME_LIMIT = env_int("LOOMLIGHT_TASK_TIME_LIMIT", 900)
if TASK_TIME_LIMIT < 1:
    raise ImproperlyConfigured(f"LOOMLIGHT_TASK_TIME_LIMIT must be a number of seconds, 1 or more, not {TASK_TIME_LIMIT}")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Django's own backend behind the login throttle (loomlight.accounts.services explains the rule).
AUTHENTICATION_BACKENDS = ["loomlight.accounts.backends.ThrottledModelBackend"]
LOGIN_FAILURES_PER_ACCOUNT = env_positive_int("LOOMLIGHT_LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_ADDRESS = env_positive_int("LOOMLIGHT_LOGIN_FAILURES_PER_ADDRESS", 20)
LOGIN_LOCKOUT_SECONDS = env_positive_int("LOOMLIGHT_LOGIN_LOCKOUT_SECONDS", 900)
# password-reset e-mails: this many per e-mail address, and per client address, within the window; the page answers
# the same when the limit drops a request (docs/deployment.md)
RESET_MAILS_PER_EMAIL = env_positive_int("LOOMLIGHT_RESET_MAILS_PER_EMAIL", 3)
RESET_MAILS_PER_ADDRESS = env_positive_int("LOOMLIGHT_RESET_MAILS_PER_ADDRESS", 10)
RESET_MAIL_WINDOW_SECONDS = env_positive_int("LOOMLIGHT_RESET_MAIL_WINDOW_SECONDS", 3600)
TOKEN_FAILURES_PER_ADDRESS = env_positive_int("LOOMLIGHT_TOKEN_FAILURES_PER_ADDRESS", 20)
TOKEN_LOCKOUT_SECONDS = env_positive_int("LOOMLIGHT_TOKEN_LOCKOUT_SECONDS", 900)
# Reverse proxies in front of the app server, each adding to X-Forwarded-For: the client address
# the throttle counts by. Production expects one (it trusts X-Forwarded-Proto for HTTPS).
PROXY_COUNT = env_int("LOOMLIGHT_PROXY_COUNT", 1 if PRODUCTION else 0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"LOOMLIGHT_PROXY_COUNT must be 0 or more, not {PROXY_COUNT!r}")
PASSWORD_RESET_TIMEOUT = env_positive_int("LOOMLIGHT_PASSWORD_RESET_HOURS", 24) * 3600

# E-mail (password reset links) through Django's mail settings; demo and development print
# the messages on the console (in the worker's output: e-mails are sent by the worker).
EMAIL_BACKEND = env_str(
    "LOOMLIGHT_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if LOOMLIGHT_ENV in ("demo", "development")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("LOOMLIGHT_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("LOOMLIGHT_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("LOOMLIGHT_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("LOOMLIGHT_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LOOMLIGHT_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("LOOMLIGHT_EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("LOOMLIGHT_EMAIL_USE_TLS and LOOMLIGHT_EMAIL_USE_SSL cannot both be on.")
EMAIL_TIMEOUT = env_positive_int("LOOMLIGHT_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("LOOMLIGHT_EMAIL_FROM", "webmaster@localhost")
# The address of the site as its users reach it, for the links in notification e-mails (loomlight.notifications);
# empty: e-mails name the page without a link.
SITE_URL = env_str("LOOMLIGHT_SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000")
if SITE_URL and not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"LOOMLIGHT_SITE_URL must start with http:// or https://, not {SITE_URL!r}")
# Minutes between two notification sweeps queued by the worker (loomlight.notifications.tasks); 0: the worker
# queues none, run `loomlight manage notifications_sweep` from cron.
NOTIFICATIONS_EVERY_MINUTES = env_int("LOOMLIGHT_NOTIFICATIONS_EVERY_MINUTES", 15)
if NOTIFICATIONS_EVERY_MINUTES < 0:
    raise ImproperlyConfigured(
        f"LOOMLIGHT_NOTIFICATIONS_EVERY_MINUTES must be 0 or more minutes, not {NOTIFICATIONS_EVERY_MINUTES}")

# Public comments on guidelines (loomlight.consultations): per client (a keyed hash of its address), at most this
# many comments per window and per 24 hours, counted in the database; a comment form's request body over
# CONSULTATION_MAX_BODY_BYTES is refused before it is read (docs/deployment.md).
CONSULTATION_COMMENTS_PER_WINDOW = env_positive_int("LOOMLIGHT_CONSULTATION_COMMENTS_PER_WINDOW", 5)
CONSULTATION_WINDOW_SECONDS = env_positive_int("LOOMLIGHT_CONSULTATION_WINDOW_SECONDS", 600)
CONSULTATION_COMMENTS_PER_DAY = env_positive_int("LOOMLIGHT_CONSULTATION_COMMENTS_PER_DAY", 30)
CONSULTATION_MAX_BODY_BYTES = env_positive_int("LOOMLIGHT_CONSULTATION_MAX_BODY_BYTES", 65536)

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("vi", "Tiếng Việt"),
    ("km", "ភាសាខ្មែរ"),
    ("th", "ภาษาไทย"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Numbers as CLDR writes them in each language (site/numbers.py): Django's own vi and km formats group no digits.
FORMAT_MODULE_PATH = ["loomlight.site.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_ROOT = PACKAGE_DIR / "site" / "root"  # files answered at the site's root: /favicon.ico

# Map tiles are fetched by the user's browser, never by the server. Point this at
# your own tile server for offline deployments; empty shows the markers on the country
# outlines shipped with Loomlight (drawn under the tiles, they also show wherever a tile fails).
MAP_TILE_URL = env_str("LOOMLIGHT_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str("LOOMLIGHT_MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors")

PAGE_SIZE = env_int("LOOMLIGHT_PAGE_SIZE", 25)
EVIDENCE_MAX_MB = env_int("LOOMLIGHT_EVIDENCE_MAX_MB", 20)
IMPORT_MAX_BYTES = env_int("LOOMLIGHT_IMPORT_MAX_MB", 20) * 1024 * 1024  # Excel uploads of monthly data
# Days a stored import keeps its uploaded workbook (refused and failed ones are deleted at once);
# `loomlight manage prune_uploads` removes the expired ones (docs/deployment.md: run it daily).
IMPORT_RETENTION_DAYS = env_int("LOOMLIGHT_IMPORT_RETENTION_DAYS", 90)
if IMPORT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured(f"LOOMLIGHT_IMPORT_RETENTION_DAYS must be 1 or more, not {IMPORT_RETENTION_DAYS}")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger uploads stream to a temporary file

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("LOOMLIGHT_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("LOOMLIGHT_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("LOOMLIGHT_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOOMLIGHT_LOG_LEVEL", "WARNING")},
}

LOOMLIGHT_NAME = _("Loomlight")
