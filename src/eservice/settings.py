"""Django settings, read from environment variables only.

The defaults run the embedded demo: SQLite and files under ``var/`` in the
working directory. Production sets ``DEBUG=false``, ``SECRET_KEY``,
``DATABASE_URL``, ``REDIS_URL`` and the storage variables; see
``docs/configuration.md``.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
import holidays
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from eservice.env import env_bool, env_float, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("ESERVICE_VAR_DIR", str(Path.cwd() / "var"))).resolve()

DEMO_SECRET_KEY = "demo-insecure-secret-key-do-not-use-in-production"
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", DEMO_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEMO_SECRET_KEY:
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is the demo secret: set SECRET_KEY to a long random value."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "eservice.core",
    "eservice.audit",
    "eservice.accounts",
    "eservice.catalog",
    "eservice.documents",
    "eservice.cases",
    "eservice.registries",
    "eservice.exchange",
    "eservice.opendata",
    "eservice.laws",
    "eservice.jobs",
    "eservice.notify",
    "eservice.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Text that is not text (NUL, control characters) in a form or a query string: a 400.
    "eservice.core.middleware.TextOnlyMiddleware",
    # Turns a blocked rate limit into RATELIMIT_VIEW's 429 page.
    "django_ratelimit.middleware.RatelimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "eservice.urls"
WSGI_APPLICATION = "eservice.wsgi.application"

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
                "eservice.core.context_processors.platform",
                "eservice.notify.context_processors.inbox",
            ],
        },
    },
]

_DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'eservice.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL,
        # Reusing SQLite connections avoids a WAL checkpoint race on every close.
        conn_max_age=env_int(
            "DATABASE_CONN_MAX_AGE", 600 if _DATABASE_URL.startswith("sqlite") else 0
        ),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; a busy timeout
    # makes concurrent writers wait instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Files are shared by every process, which the rate limiter needs, and unlike a
    # SQLite table they do not take the database's single write lock on every request.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Files -----------------------------------------------------------------
# Uploaded evidence never sits under a served URL: downloads go through views
# that check permission. MEDIA_URL is therefore not routed.
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "local")
MEDIA_ROOT = env_str("MEDIA_ROOT", str(VAR_DIR / "media"))
STATIC_ROOT = env_str("STATIC_ROOT", str(VAR_DIR / "static"))
STATIC_URL = "/static/"
if STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET", ""),
            "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("S3_REGION", "") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY", "") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif STORAGE_BACKEND == "local":
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
else:
    raise ImproperlyConfigured("STORAGE_BACKEND must be 'local' or 's3'")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024

# --- Issued documents (signed PDFs) --------------------------------------------
# Private signing keys are stored encrypted with this passphrase (or the first
# line of SIGNING_KEY_PASSPHRASE_FILE). The demo passphrase only works with DEBUG on.
DEMO_SIGNING_PASSPHRASE = "demo-signing-passphrase-do-not-use-in-production"
_passphrase_file = env_str("SIGNING_KEY_PASSPHRASE_FILE", "")
if _passphrase_file:
    try:
        SIGNING_KEY_PASSPHRASE = Path(_passphrase_file).read_text(encoding="utf-8").splitlines()[0]
    except (OSError, IndexError) as exc:
        raise ImproperlyConfigured(
            f"SIGNING_KEY_PASSPHRASE_FILE {_passphrase_file!r} cannot be read or is empty"
        ) from exc
else:
    SIGNING_KEY_PASSPHRASE = env_str(
        "SIGNING_KEY_PASSPHRASE", DEMO_SIGNING_PASSPHRASE if DEBUG else ""
    )
# Years an agency's signing certificate is valid; the platform CA is valid 20 years.
SIGNING_CERT_YEARS = env_int("SIGNING_CERT_YEARS", 3)
# Where links printed on documents (the QR code) point: the platform's public address.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", f"http://127.0.0.1:{env_str('PORT', '8000')}").rstrip(
    "/"
)
# --- Data exchange between agencies (module exchange) ---------------------------
# X-Road style instance code: member identifiers are INSTANCE/GOV/<agency code>.
EXCHANGE_INSTANCE = env_str("EXCHANGE_INSTANCE", "TH-DEMO")
# Address other platforms (and this one) use to reach this platform's /r1/ endpoint.
EXCHANGE_SELF_URL = env_str("EXCHANGE_SELF_URL", PUBLIC_BASE_URL).rstrip("/")
# Seconds to wait for a provider before telling the applicant to upload a copy instead.
EXCHANGE_TIMEOUT = env_float("EXCHANGE_TIMEOUT", 5.0)
# Seconds a signed message stays acceptable (older ones are refused as stale or replayed).
EXCHANGE_MAX_AGE = env_int("EXCHANGE_MAX_AGE", 300)
# Central token gateway (GDX style): consumer key, secret, agent id; token lifetime.
GDX_CONSUMER_KEY = env_str("GDX_CONSUMER_KEY", "")
GDX_CONSUMER_SECRET = env_str("GDX_CONSUMER_SECRET", "")
GDX_AGENT_ID = env_str("GDX_AGENT_ID", "")
GDX_TOKEN_TTL = env_int("GDX_TOKEN_TTL", 3000)

# --- Open data (module opendata) ---------------------------------------------
# Counts from 1 to OPENDATA_MIN_COUNT - 1 are published empty (and figures computed
# from fewer decided cases than that), so that no applicant can be singled out.
OPENDATA_MIN_COUNT = env_int("OPENDATA_MIN_COUNT", 5)
# Agency code of the publisher of the national datasets (catalog, all services, agencies).
OPENDATA_PUBLISHER = env_str("OPENDATA_PUBLISHER", "opdc")
# Contact address published as every dataset's maintainer email.
OPENDATA_CONTACT_EMAIL = env_str("OPENDATA_CONTACT_EMAIL", "")

# --- Background jobs (module jobs) --------------------------------------------
# "database" keeps jobs in the database (embedded; no extra server); "redis" keeps
# them in REDIS_URL (production, several workers).
JOBS_BACKEND = env_str("JOBS_BACKEND", "database")
if JOBS_BACKEND not in ("database", "redis"):
    raise ImproperlyConfigured(f"JOBS_BACKEND must be database or redis, not {JOBS_BACKEND!r}")
if JOBS_BACKEND == "redis" and not REDIS_URL:
    raise ImproperlyConfigured("JOBS_BACKEND=redis needs REDIS_URL")
JOBS_REDIS_PREFIX = env_str("JOBS_REDIS_PREFIX", "eservice:jobs")
# Seconds an idle worker waits before looking for jobs again.
JOBS_POLL_SECONDS = env_float("JOBS_POLL_SECONDS", 1.0)
# Days finished jobs are kept in the database queue.
JOBS_KEEP_DAYS = env_int("JOBS_KEEP_DAYS", 7)
# Seconds between runs of the scheduled open-data publication.
OPENDATA_INTERVAL = env_int("OPENDATA_INTERVAL", 300)

# --- Notifications (module notify) ----------------------------------------------
# Email: Django's SMTP backend in production; the embedded default writes each
# message to a file under var/mail (the demo's mail outbox).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "eservice <no-reply@eservice.localhost>")
# SMS: an HTTP provider (see docs/notifications.md); SMS is offered only when set.
SMS_PROVIDER_URL = env_str("SMS_PROVIDER_URL", "")
SMS_PROVIDER_TOKEN = env_str("SMS_PROVIDER_TOKEN", "")
SMS_SENDER = env_str("SMS_SENDER", "eservice")
# Token the provider sends (Authorization: Bearer) with delivery receipts to /api/v1/sms-receipts/.
SMS_RECEIPT_TOKEN = env_str("SMS_RECEIPT_TOKEN", "")
# Seconds to wait for the SMS provider or an agency's webhook.
NOTIFY_HTTP_TIMEOUT = env_float("NOTIFY_HTTP_TIMEOUT", 10.0)
# Oversight office (OPDC) address that receives a copy of every delay notice (Act s.10).
NOTIFY_OVERSIGHT_EMAIL = env_str(
    "NOTIFY_OVERSIGHT_EMAIL", "opdc-delay-notices@example.com" if DEBUG else ""
)
# Attempts at one notification before it stays failed (retries back off: 1, 5, 30 min…).
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 6)
# Seconds between the delay and escalation scan, and between sweeps of unsent messages.
NOTIFY_SCAN_INTERVAL = env_int("NOTIFY_SCAN_INTERVAL", 300)
NOTIFY_SWEEP_INTERVAL = env_int("NOTIFY_SWEEP_INTERVAL", 60)
# Working days before a delay notice is due that the officer is asked for the reason.
NOTIFY_REASON_LEAD_DAYS = env_int("NOTIFY_REASON_LEAD_DAYS", 2)
# Working hours before a time limit ends that the officer is warned (and the agency queue
# shows the case as about to breach), and that the supervisors are warned.
ESCALATION_WARN_HOURS = env_int("ESCALATION_WARN_HOURS", 8)
ESCALATION_SUPERVISOR_HOURS = env_int("ESCALATION_SUPERVISOR_HOURS", 4)

# Regular and bold TrueType fonts of the Sarabun family used in issued documents.
DOCUMENT_FONT = env_str("DOCUMENT_FONT", "/usr/share/fonts/truetype/tlwg/Laksaman.ttf")
DOCUMENT_FONT_BOLD = env_str(
    "DOCUMENT_FONT_BOLD", "/usr/share/fonts/truetype/tlwg/Laksaman-Bold.ttf"
)

# --- Language and time ---------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "th")
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Bangkok")
# Country whose government holidays the working calendar uses (holidays package code).
HOLIDAY_COUNTRY = env_str("HOLIDAY_COUNTRY", "TH")
# The holidays package's categories that are days off for government offices,
# and the holidays in them that offices work on (English names). Empty: the
# country's own rules (core.workdays.GOVERNMENT_CALENDARS).
HOLIDAY_CATEGORIES = env_list("HOLIDAY_CATEGORIES", [])
HOLIDAY_WORKED = env_list("HOLIDAY_WORKED", []) if "HOLIDAY_WORKED" in os.environ else None
try:
    _supported = holidays.country_holidays(HOLIDAY_COUNTRY).supported_categories
except NotImplementedError as exc:
    raise ImproperlyConfigured(
        f"HOLIDAY_COUNTRY {HOLIDAY_COUNTRY!r} is not a country of the holidays package"
    ) from exc
for _category in HOLIDAY_CATEGORIES:
    if _category not in _supported:
        raise ImproperlyConfigured(
            f"HOLIDAY_CATEGORIES: {_category!r} is not a category of {HOLIDAY_COUNTRY} "
            f"(it has {', '.join(_supported)})"
        )
if HOLIDAY_WORKED:
    # The names must be holidays of the country (in English, as the package
    # writes them); a misspelt one would be silently kept as a day off.
    _year = datetime.datetime.now(tz=datetime.UTC).year
    _named = holidays.country_holidays(
        HOLIDAY_COUNTRY, years=range(_year - 1, _year + 2), categories=_supported, language="en_US"
    )
    _names = {p.removesuffix(" (in lieu)") for n in _named.values() for p in n.split("; ")}
    for _holiday in HOLIDAY_WORKED:
        if _holiday not in _names:
            raise ImproperlyConfigured(
                f"HOLIDAY_WORKED: {_holiday!r} is not a holiday of {HOLIDAY_COUNTRY} "
                f"(it has {', '.join(sorted(_names))})"
            )
OFFICE_OPENS = env_str("OFFICE_OPENS", "08:30")
OFFICE_CLOSES = env_str("OFFICE_CLOSES", "16:30")

# --- Security ---------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:my-applications"
LOGOUT_REDIRECT_URL = "catalog:home"

# Track-and-trace lookups allowed per client address and minute.
TRACK_RATE_LIMIT = env_str("TRACK_RATE_LIMIT", "30/m")
# Document verifications by upload allowed per client address (web and API).
VERIFY_RATE_LIMIT = env_str("VERIFY_RATE_LIMIT", "30/m")
# Law searches allowed per client address (search page and API alike): a long
# question costs tens of milliseconds.
SEARCH_RATE_LIMIT = env_str("SEARCH_RATE_LIMIT", "60/m")
# Sign-in attempts (web and API token) allowed per client address.
LOGIN_RATE_LIMIT = env_str("LOGIN_RATE_LIMIT", "20/m")
RATELIMIT_VIEW = "eservice.core.views.rate_limited"
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY", "REMOTE_ADDR") or None

# --- API ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "eservice.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "eservice.core.api.exception_handler",
    # limit 1 to 100 (50 by default), offset 0 to 1,000,000; a 400 beyond (core.pagination).
    "DEFAULT_PAGINATION_CLASS": "eservice.core.pagination.Pagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "eservice API",
    "DESCRIPTION": (
        "Public service catalog, online applications, officer case processing and "
        "track & trace. Authenticate with `POST /api/v1/auth/token/` and send "
        "`Authorization: Token <key>`. Error messages follow `Accept-Language` (th, en)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for the application status wherever it appears.
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "eservice.cases.states.Status",
        "LawStatusEnum": "eservice.laws.models.LawStatus",
        "LawTypeEnum": "eservice.laws.models.LawType",
        "SearchResultKindEnum": "eservice.laws.models.ResultKind",
        # TimelineEvent.Kind (a nested class, which an import path cannot name).
        "KindEnum": [
            ("transition", "Transition"),
            ("step_done", "Step Done"),
            ("assigned", "Assigned"),
            ("note", "Note"),
            ("documents_uploaded", "Documents Uploaded"),
            ("document", "Document"),
            ("notice", "Notice"),
        ],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "eservice.core.openapi.strip_storage_integer_bounds",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # WeasyPrint reports every layout step at INFO; keep its warnings only.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # httpx logs every request at INFO; the exchange keeps its own message log.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
