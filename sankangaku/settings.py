"""The one settings module, driven by environment variables (see .env.example).

With no environment at all the portal runs on SQLite, runs Celery tasks eagerly in-process,
keeps its cache in local memory and prints emails to the console, so `make run` works on a
bare machine. Production differs only by environment; secrets have no production default.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is read when present (never committed); real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-only-for-debug-runs")
else:
    # No default: a production process must be given its own key.
    SECRET_KEY = env.str("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the default widget templates, for FORM_RENDERER below
    "django_htmx",
    "template_partials",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "sankangaku.accounts",
    "sankangaku.notifications",
    "partners",
    "projects",
    "matching",
    "ninja",  # its Swagger UI from our static files (without it, from a CDN)
    "corsheaders",
    "csp",
    "sankangaku.api",
    "sankangaku.dashboard",
]

MIDDLEWARE = [
    "sankangaku.security.RequestIDMiddleware",  # first: every response carries the id
    "sankangaku.resilience.DatabaseUnavailableMiddleware",  # database down: friendly 503
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # before anything that may answer (CORS_URLS_REGEX)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "sankangaku.accounts.middleware.AuthenticationMiddleware",  # Django's, read at once
    "sankangaku.security.SecurityHeadersMiddleware",  # needs request.user; logs denials
    "sankangaku.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "sankangaku.accounts.middleware.SessionIdleTimeoutMiddleware",
    "sankangaku.accounts.middleware.StaffMFARequiredMiddleware",
]

ROOT_URLCONF = "sankangaku.urls"
WSGI_APPLICATION = "sankangaku.wsgi.application"
ASGI_APPLICATION = "sankangaku.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sankangaku.security.csp_nonce",
                "partners.context_processors.current_organisation",
                "sankangaku.notifications.context_processors.unread_notifications",
                "sankangaku.navigation.site_urls",  # the frame's links, reversed once
            ],
        },
    },
]

# Widget templates are looked up through TEMPLATES (templates/django/forms/ can override one);
# <select> is written in Python, much faster on the filter forms' long lists (see the module).
FORM_RENDERER = "sankangaku.forms.FormRenderer"

# --- Data -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections were measurably faster under gunicorn sync workers (QUALITY.md).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, but timestamps are parsed by psycopg's C code (see the module).
    DATABASES["default"]["ENGINE"] = "sankangaku.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "sankangaku.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # A frozen Redis must not hang a request: fail fast, then carry on without the cache.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -----------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = "default"
# Matching runs on its own queue so a long recompute never delays emails.
CELERY_TASK_ROUTES = {
    "matching.tasks.*": {"queue": "matching"},
    "sankangaku.notifications.tasks.*": {"queue": "notifications"},
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Tokyo"
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BEAT_SCHEDULE = {
    "matching-recompute-all": {
        "task": "matching.tasks.proposals_recompute_all",
        "schedule": 60 * 60 * 24,  # nightly full recompute; changes are handled as they come
    },
    "notifications-sweep": {
        "task": "sankangaku.notifications.tasks.notifications_sweep",
        "schedule": 60,
    },
    "notifications-daily-digest": {
        "task": "sankangaku.notifications.tasks.digests_send",
        "schedule": crontab(minute=0, hour=env.int("NOTIFICATIONS_DAILY_DIGEST_HOUR", default=8)),
        "kwargs": {"cadence": "daily"},
    },
    # Teachers' default: Friday afternoon, after lessons.
    "notifications-weekly-digest": {
        "task": "sankangaku.notifications.tasks.digests_send",
        "schedule": crontab(minute=30, hour=16, day_of_week="fri"),
        "kwargs": {"cadence": "weekly"},
    },
    "projects-milestones-remind": {
        "task": "projects.tasks.milestones_remind",
        "schedule": crontab(minute=0, hour=7),
    },
    "proposals-expire": {
        "task": "matching.tasks.proposals_expire",
        "schedule": crontab(minute=15, hour=3),
    },
    "postings-expire-and-remind": {
        "task": "partners.tasks.postings_expire_and_remind",
        "schedule": 60 * 60 * 6,  # every six hours; the work is idempotent
    },
    "trust-signals-compute": {
        "task": "partners.tasks.trust_signals_compute_all",
        "schedule": crontab(minute=45, hour=3),
    },
    "dashboard-warm": {
        "task": "sankangaku.dashboard.tasks.dashboard_warm",
        "schedule": 60 * 4,  # within the 5-minute cache TTL, so the default view stays warm
    },
}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 2, "socket_connect_timeout": 2}

# --- Notifications (sankangaku/notifications) -------------------------------------------
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=6)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.float("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.float("NOTIFICATIONS_RETRY_MAX_SECONDS", default=3600)
# A row claimed longer ago than this is taken to belong to a dead worker (> EMAIL_TIMEOUT).
NOTIFICATIONS_CLAIM_TIMEOUT = env.float("NOTIFICATIONS_CLAIM_TIMEOUT", default=120)
# The sweep leaves fresh rows to the enqueue that follows their commit.
NOTIFICATIONS_SWEEP_GRACE_SECONDS = env.float("NOTIFICATIONS_SWEEP_GRACE_SECONDS", default=60)
NOTIFICATIONS_SWEEP_BATCH = 1000

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, reading the coordinator row with the user (one query less
# on nearly every request; see the module).
AUTHENTICATION_BACKENDS = [
    "partners.auth_backends.ModelBackend",
    "partners.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "partners:dashboard"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Sankangaku] "
ACCOUNT_SIGNUP_FORM_CLASS = "sankangaku.accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "sankangaku.accounts.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, written out so they are visible and reviewable.
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_ADAPTER = "sankangaku.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Sankangaku"

# Sessions: cookies expire with the browser; SessionIdleTimeoutMiddleware signs a user out
# after SESSION_IDLE_TIMEOUT seconds without a request and SESSION_ABSOLUTE_TIMEOUT seconds
# after sign-in, whatever the activity. Coordinators and staff see other organisations' data
# and approve introductions, so their limits are shorter. A new session key is issued at
# sign-in, logout deletes the session, and a password change ends every other session of
# the user (Django checks the session's stored password hash on each request).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=60 * 60 * 2)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=SESSION_COOKIE_AGE)
COORDINATOR_SESSION_IDLE_TIMEOUT = env.int("COORDINATOR_SESSION_IDLE_TIMEOUT", default=30 * 60)
COORDINATOR_SESSION_ABSOLUTE_TIMEOUT = env.int(
    "COORDINATOR_SESSION_ABSOLUTE_TIMEOUT", default=60 * 60 * 8
)
# Read through the cache (one query less on every signed-in request); see the module.
SESSION_ENGINE = "sankangaku.sessions"
# Background polls that must not count as activity for the idle limit.
SESSION_PASSIVE_VIEWS = ["notifications:badge"]
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Email ------------------------------------------------------------------------------
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
    )
    EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Sankangaku <noreply@sankangaku.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Language and time ------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "sankangaku_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Project message attachments: never under MEDIA_ROOT's public URL, served only through a
# view that checks access (projects/storage.py). Empty: "private_media" beside MEDIA_ROOT.
PRIVATE_MEDIA_ROOT = env.str("PRIVATE_MEDIA_ROOT", default="")
PROJECT_ATTACHMENT_MAX_BYTES = env.int("PROJECT_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
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
# Uploads: small files stay in memory, larger ones spill to disk; the logo view refuses
# anything over its own limit before reading the body (partners/uploads.py).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Security ---------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Permissions-Policy, X-Request-ID and `Cache-Control: no-store` for signed-in users come
# from sankangaku/security.py. Content-Security-Policy (django-csp): scripts only from this
# site and with the per-response nonce ({% htmx_script %} prints it); no inline styles (htmx's
# indicator style lives in site.css); no plugins, <base>, framing or foreign form targets.
# The one relaxation, inline styles for Swagger UI at /api/v1/docs, is a decorator on that
# view (sankangaku/api/api.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are bound to this exact host over HTTPS.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Portal -----------------------------------------------------------------------------
LOGO_MAX_BYTES = 5 * 1024 * 1024
LOGO_MAX_PIXELS = 25_000_000
INVITATION_VALID_DAYS = 14
# Open postings expire unless their owners confirm them; reminders go out this many days before.
POSTING_LIFETIME_DAYS = 90
POSTING_REMIND_DAYS = 14
# Proposals: coordinators answer requests within this many Japanese working days (SLA);
# parties answer approved proposals within PROPOSAL_RESPONSE_DAYS or the proposal expires.
PROPOSAL_REVIEW_SLA_WORKING_DAYS = env.int("PROPOSAL_REVIEW_SLA_WORKING_DAYS", default=5)
PROPOSAL_RESPONSE_DAYS = env.int("PROPOSAL_RESPONSE_DAYS", default=21)
# Parties are reminded of a milestone this many days before its date (and on the day).
MILESTONE_REMIND_DAYS = env.int("MILESTONE_REMIND_DAYS", default=3)
# Matching: how long a worker reuses its in-memory index, and how long changes to one
# posting are gathered before its proposals are recomputed.
MATCHING_INDEX_MAX_AGE = env.int("MATCHING_INDEX_MAX_AGE", default=300)
MATCHING_DEBOUNCE_SECONDS = env.int("MATCHING_DEBOUNCE_SECONDS", default=10)
MATCHING_COMPUTE_ON_CHANGE = True
# Coordinator dashboard: how long a rendered view stays cached, and how old the monthly
# roll-up (rebuilt by beat every 4 minutes) may be before the page counts live instead.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=300)
DASHBOARD_ROLLUP_MAX_AGE = env.int("DASHBOARD_ROLLUP_MAX_AGE", default=900)

# --- Open JSON API (sankangaku/api) -----------------------------------------------------
# Cross-origin reads of /api/ only: any origin, GET (and its preflight), never credentials.
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
# Requests per client IP (n/s, n/m, n/h or n/d), counted in the cache (Redis in production).
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="120/m")
# How many proxies in front of the site append to X-Forwarded-For; the client IP used for
# the API's rate limit is read that many entries from its end. 0 (default): REMOTE_ADDR only,
# so a client cannot choose its own bucket by sending the header.
NINJA_NUM_PROXIES = env.int("API_NUM_PROXIES", default=0)
