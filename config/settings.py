"""One settings module for every environment, driven by environment variables.

Defaults give a working development set-up with no other service: SQLite in the project
folder, the in-memory channel layer and a local-memory cache. Production sets
``DEBUG=false``, ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and ``REDIS_URL``;
the README lists every variable.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-key-only-for-debug-mode-never-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "channels",
    "core",
    "people",
    "courses",
    "attendance",
    "exams",
    "certificates",
    "reports",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.http.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "people.middleware.PasswordChangeRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL, e.g. postgres://user@127.0.0.1:5432/safety; default SQLite file.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so concurrent writers wait for
    # each other instead of failing with "database is locked" on lock upgrade.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: REDIS_URL, e.g. redis://127.0.0.1:6379/0. Unset: in-process channel layer and cache,
# which is right for one process only.
REDIS_URL = env("REDIS_URL")
# Both are conveniences: while Redis is unreachable live events are dropped and the cache is
# per process (core.live, core.cache), and calls skip Redis for REDIS_RETRY_SECONDS after a
# failure rather than each waiting for it. A connection that cannot be made in this time
# counts as a failure (no socket timeout on the channel layer: its receive blocks 5 s).
REDIS_RETRY_SECONDS = 5
REDIS_CONNECT_TIMEOUT_SECONDS = 2
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {"address": REDIS_URL, "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS}
                ],
                "prefix": env("CHANNELS_PREFIX", "safety"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCacheWithFallback",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "safety"),
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_CONNECT_TIMEOUT_SECONDS,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed sign-ins allowed per client address and user name within the window, on the login
# page and the API token endpoint (which DRF also throttles with the "auth" rate below).
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900)
# Failed sign-ins allowed per client address, for any user names, within the same window, on
# the login page and the token endpoint (password spraying). Offices behind one NAT address
# share it: high enough for a classroom's typos, far below what spraying needs.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 50)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Serve from the app folders too, so a fresh clone works before collectstatic.
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes anonymous calls 401, not 403.
        # DRF's two, plus the forced password change (403 until it is done, on every view).
        "people.api.authentication.PasswordChangeAwareTokenAuthentication",
        "people.api.authentication.PasswordChangeAwareSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # DRF's parsers, refusing too deeply nested JSON and NUL characters with a 400.
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "core.parsers.FormParser",
        "core.parsers.MultiPartParser",
    ],
    "DEFAULT_METADATA_CLASS": "core.metadata.Metadata",
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"auth": env("AUTH_THROTTLE_RATE", "10/min")},
    "NON_FIELD_ERRORS_KEY": "detail",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Safety training and examination API",
    "DESCRIPTION": "Courses, trainings, attendance, exams, certificates and reports.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Two models have a "kind" field; name their enums apart.
    "ENUM_NAME_OVERRIDES": {
        "ExamKindEnum": "exams.models.exams.ExamKind",
        "QuestionnaireQuestionKindEnum": "courses.models.questionnaires.QuestionKind",
        "CertificateStatusEnum": "certificates.models.CertificateStatus",
        "StatusReasonCategoryEnum": "certificates.models.StatusReasonCategory",
    },
}

# How many reverse proxies stand in front of the app and append to X-Forwarded-For; 0 trusts
# only the connection's address. Login throttling and sign-in IP rules use the result.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=true.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp): scripts, styles, fonts, media and
# connections only from the site itself, so a script or style smuggled into a page (an
# escaping bug, a stored payload) does not run. No inline script, style element or style
# attribute anywhere: the pages load static .js and .css files and set per-element values
# through the CSSOM. data: images are the QR codes drawn on the server. 'self' in
# connect-src covers ws:/wss: to the same host (CSP Level 3) for the live boards.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Self sign-in: the code on the projector changes every SIGN_IN_CODE_SECONDS; the previous
# code is still accepted for SIGN_IN_GRACE_SECONDS after a change (network lag, slow typing).
SIGN_IN_CODE_SECONDS = env_int("SIGN_IN_CODE_SECONDS", 15)
SIGN_IN_GRACE_SECONDS = env_int("SIGN_IN_GRACE_SECONDS", 5)
# Wrong sign-in codes allowed per trainee, and from one network address (all trainees), in
# one session; then self sign-in to that session is locked for them until its window closes.
SIGN_IN_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5)
SIGN_IN_ADDRESS_FAILURE_LIMIT = env_int("SIGN_IN_ADDRESS_FAILURE_LIMIT", 20)

# The paper builder posts two fields per question (up to 500 questions).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Exams: answers saved up to EXAM_SAVE_GRACE_SECONDS after an attempt's deadline are still
# accepted (network lag); the attempt closes with the answers as they stood then.
EXAM_SAVE_GRACE_SECONDS = env_int("EXAM_SAVE_GRACE_SECONDS", 30)

# Certificates: the number pattern ({year}, {type_code}, {serial}), the organisation and seal
# printed on them, the site address their QR codes open, and how many verification lookups
# one client address may make per window.
CERTIFICATE_NUMBER_PATTERN = os.environ.get(
    "CERTIFICATE_NUMBER_PATTERN", "{year}{type_code}{serial:06}"
)
CERTIFICATE_ISSUER = os.environ.get("CERTIFICATE_ISSUER", "Changsha Harbour Construction Co.")
CERTIFICATE_SEAL_IMAGE = os.environ.get("CERTIFICATE_SEAL_IMAGE", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
VERIFY_RATE_LIMIT = env_int("VERIFY_RATE_LIMIT", 30)
VERIFY_RATE_WINDOW_SECONDS = env_int("VERIFY_RATE_WINDOW_SECONDS", 600)
# Reminder e-mails: printed to the console by default; set EMAIL_BACKEND to
# django.core.mail.backends.smtp.EmailBackend and the EMAIL_* variables in production.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "false").lower() in ("1", "true", "yes")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "safety@localhost")

# Uploaded files: the largest accepted upload, in bytes (courses use it for materials).
MAX_UPLOAD_SIZE = env_int("MAX_UPLOAD_SIZE", 200 * 1024 * 1024)
# The size limit is enforced while the upload arrives: a larger file is dropped at the limit,
# never written to disk in full (core.uploads.SizeLimitUploadHandler), then Django's own.
FILE_UPLOAD_HANDLERS = [
    "core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Roster imports larger than this are refused before parsing.
ROSTER_MAX_UPLOAD_SIZE = env_int("ROSTER_MAX_UPLOAD_SIZE", 20 * 1024 * 1024)
# Every xlsx import (core.excel.read_xlsx_rows) refuses, before parsing, a workbook that
# unpacks to more than XLSX_MAX_UNCOMPRESSED_SIZE bytes, or whose table of texts (read whole
# into memory, up to about ten times its size) unpacks to more than
# XLSX_MAX_SHARED_STRINGS_SIZE bytes: a few kilobytes of zip can unpack to gigabytes.
XLSX_MAX_UNCOMPRESSED_SIZE = env_int("XLSX_MAX_UNCOMPRESSED_SIZE", 50 * 1024 * 1024)
XLSX_MAX_SHARED_STRINGS_SIZE = env_int("XLSX_MAX_SHARED_STRINGS_SIZE", 10 * 1024 * 1024)

# A TrueType/OpenType CJK font file to embed in PDFs; empty: a known system font, else
# reportlab's built-in STSong-Light (renders, but is not embedded).
PDF_CJK_FONT = env("PDF_CJK_FONT")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
