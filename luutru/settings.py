"""One settings file, configured by environment variables.

Production sets at least SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL; DEBUG is off
unless DEBUG=1. The local stack (`python3 -m luutru.stack run`) sets them for development.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-key-not-for-production"  # noqa: S105

# Passport and citizen ID numbers are encrypted with keys derived from this (guests.documents).
DOCUMENT_KEY = os.environ.get("DOCUMENT_KEY", "")
if not DOCUMENT_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DOCUMENT_KEY must be set when DEBUG is off.")
    DOCUMENT_KEY = "ZGV2ZWxvcG1lbnQtb25seSBkb2N1bWVudCBrZXkhISE="  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "luutru",
    "establishments",
    "guests",
    "wards",
    "immigration",
    "portal",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "pgtrigger",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
]

MIDDLEWARE = [
    # First: an oversized body is refused before anything reads (or spools) it.
    "luutru.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "luutru.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After OTPMiddleware: the one place that sends users who need 2FA to enrol or verify.
    "luutru.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages, so a user signed out for idleness is told why.
    "luutru.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "luutru.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "luutru.context_processors.portal",
                "wards.context_processors.nav_badges",
            ],
        },
    },
]

# --- database: PostgreSQL only ---

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL must point at PostgreSQL "
        "(the local stack sets it: python3 -m luutru.stack run)."
    )
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        # A PostgreSQL restart must not break the web processes: a dead persistent connection
        # is noticed and replaced at the start of the next request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Lưu trú runs on PostgreSQL only.")
# The role the web processes, the worker and beat connect as (luutru/dbroles.py). Set where
# migrations run (as the owner of the tables): each migrate then grants it what it needs.
DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- users, login, 2FA -------------------------------------------------------------------------

AUTH_USER_MODEL = "luutru.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# One-time set-password and reset links stay valid for three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

OTP_TOTP_ISSUER = "Lưu trú"
OTP_BACKUP_CODE_COUNT = 10

# Failed logins (luutru.throttle), counted in PostgreSQL so that a Redis outage neither locks
# anyone out nor lets anyone in. Per account: a few free failures, then a wait that doubles
# with each failure, which a trusted browser or the second factor gets past. Per address: a
# hard limit on failures in a window.
LOGIN_FREE_FAILURES = env_int("LOGIN_FREE_FAILURES", 3)
LOGIN_DELAY_BASE = timedelta(seconds=env_int("LOGIN_DELAY_BASE_SECONDS", 2))
LOGIN_DELAY_MAX = timedelta(seconds=env_int("LOGIN_DELAY_MAX_SECONDS", 15 * 60))
LOGIN_ACCOUNT_WINDOW = timedelta(hours=24)
LOGIN_ADDRESS_LIMIT = env_int("LOGIN_ADDRESS_LIMIT", 30)
LOGIN_ADDRESS_WINDOW = timedelta(minutes=15)
PASSWORD_RESET_WINDOW = timedelta(hours=1)
PASSWORD_RESET_ADDRESS_LIMIT = env_int("PASSWORD_RESET_ADDRESS_LIMIT", 10)
PASSWORD_RESET_ACCOUNT_LIMIT = env_int("PASSWORD_RESET_ACCOUNT_LIMIT", 3)
# The TLS proxies in front of the web processes: the client's address is taken from
# X-Forwarded-For that many entries from the right, and only then (luutru.clientip).
TRUSTED_PROXY_COUNT = env_int("PROXY_COUNT", 0)

# Request bodies are refused above these sizes before they are read (luutru.middleware); the
# proxy in front should refuse a little above the largest (see the README).
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 1024 * 1024)
UPLOAD_BODY_MAX_BYTES = env_int("UPLOAD_BODY_MAX_BYTES", 11 * 1024 * 1024)
UPLOAD_VIEWS = frozenset({"guests:import", "immigration:edit"})
# The files of an immigration application (immigration.uploads): each, and all together.
IMMIGRATION_UPLOAD_MAX_BYTES = env_int("IMMIGRATION_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
IMMIGRATION_APPLICATION_MAX_BYTES = env_int("IMMIGRATION_APPLICATION_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
CSRF_FAILURE_VIEW = "luutru.views.csrf_failure"

# --- sessions and cookies ---

SESSION_ENGINE = "luutru.sessions"
# Flash messages name guests ("Filed: <names>, room …"): they stay on the server, in the
# session, instead of Django's default signed (readable) cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Shared desk PCs: the session ends with the browser, after an idle spell, and after a shift.
SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 60))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- transport security ---

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health checks from the container runtime come over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- language and time ---

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# One date and time format per language, day first and 24-hour in both (luutru/formats/).
FORMAT_MODULE_PATH = ["luutru.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

# --- static files ---

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
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

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- e-mail ---

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Lưu trú <no-reply@luutru.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A task running when the broker connection drops is cancelled and delivered again rather than
# left unacknowledgeable; every task here is safe to run twice.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# Law 91/2025 on personal data: how long a guest's declaration is kept after departure.
GUEST_DATA_RETENTION_DAYS = env_int("GUEST_DATA_RETENTION_DAYS", 365)

# Each entry names the rule it enforces.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Law 91/2025: guests' data is deleted once the retention period after departure is over.
    "purge-expired-guest-data": {
        "task": "guests.purge_expired",
        "schedule": crontab(hour=3, minute=15),
    },
    # DESIGN "nothing lost": an upload enqueued while Redis was down still gets filed.
    "requeue-stale-imports": {"task": "guests.requeue_stale_imports", "schedule": 60.0},
    # Register closing (Law on Residence 2020, art. 30(4)): a day not closed by 08:00 local the
    # next morning is missing; run just after each hour, so 08:00 is caught at 08:01.
    "flag-missing-registers": {"task": "wards.sweep_missing", "schedule": crontab(minute=1)},
    # A guest past the expected departure with no check-out.
    "flag-overdue-stays": {"task": "wards.sweep_overdue", "schedule": 300.0},
    # A declaration not reviewed within the ward's review window.
    "flag-unreviewed": {"task": "wards.sweep_unreviewed", "schedule": 300.0},
    # A returned declaration not corrected within the ward's correction window.
    "flag-uncorrected": {"task": "wards.sweep_uncorrected", "schedule": 300.0},
    # An establishment filing far below its usual rate: once a day, after the register cutoff.
    "flag-silent": {"task": "wards.sweep_silent", "schedule": crontab(hour=8, minute=30)},
    # Login and reset counters past their windows, and browsers not seen for half a year.
    "purge-login-throttles": {"task": "luutru.purge_throttles", "schedule": crontab(minute=40)},
    # Law 47/2014 (arts. 16, 35, 37): the immigration office decides within five working days;
    # an application still waiting past its deadline is flagged to the province's officers.
    "flag-overdue-immigration": {"task": "immigration.sweep_overdue", "schedule": 300.0},
    # The notification outbox: e-mails whose after-commit enqueue was lost (Redis down).
    "send-pending-notifications": {
        "task": "wards.send_pending_notifications",
        "schedule": 60.0,
    },
}

# --- logging ---

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}
