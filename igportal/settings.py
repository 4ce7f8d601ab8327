"""IG Portal settings: one module, every value from the environment.

``IGPORTAL_ENV`` is ``development`` (the default: SQLite, tasks run inline, a
fixed development key) or ``production`` (refuses to start without a real
``SECRET_KEY`` and ``ALLOWED_HOSTS``). ``DATABASE_URL`` and
``CELERY_BROKER_URL`` select the database and the broker.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from igportal.env import Env

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

IGPORTAL_ENV = env.choice("IGPORTAL_ENV", "development", ("development", "production"))
PRODUCTION = IGPORTAL_ENV == "production"

_DEVELOPMENT_SECRET_KEY = "development-only-key-never-used-in-production-0123456789abcdefghij"  # noqa: S105
SECRET_KEY = env.text("SECRET_KEY", "" if PRODUCTION else _DEVELOPMENT_SECRET_KEY)
if PRODUCTION and (
    SECRET_KEY == ""
    or SECRET_KEY == _DEVELOPMENT_SECRET_KEY
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "Production needs a real SECRET_KEY: at least 50 random characters,"
        " set in SECRET_KEY or SECRET_KEY_FILE."
    )

DEBUG = env.flag("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be false in production.")

ALLOWED_HOSTS = env.items("ALLOWED_HOSTS", () if PRODUCTION else ("127.0.0.1", "localhost", "testserver"))
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production needs ALLOWED_HOSTS: the host names this site is served on.")
CSRF_TRUSTED_ORIGINS = env.items("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "template_partials",
    "guardian",
    "formtools",
    "requests_app",
    "necessity",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "igportal.urls"
FORM_RENDERER = "igportal.forms.NHSFormRenderer"
WSGI_APPLICATION = "igportal.wsgi.application"

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
                "igportal.context_processors.portal",
            ],
        },
    },
]

_default_database = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
_database_url = env.text("DATABASE_URL", _default_database)
try:
    DATABASES = {
        "default": dj_database_url.parse(_database_url, conn_max_age=env.integer("DB_CONN_MAX_AGE", 60))
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL this app understands: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite keeps no persistent connections worth reusing and locks on long-lived ones.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Guardian's anonymous user would let object permissions reach people who have not logged in.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("nhsuk", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env.text("MEDIA_ROOT", str(BASE_DIR / "media")))
WHITENOISE_USE_FINDERS = not PRODUCTION

EMAIL_BACKEND = env.text(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env.text("EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env.text("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.text("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.flag("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.text("DEFAULT_FROM_EMAIL", "IG Portal <ig-portal@localhost>")
# Where the file email backend (django.core.mail.backends.filebased) writes, when that backend is chosen.
EMAIL_FILE_PATH = env.optional_text("EMAIL_FILE_PATH")

# Celery: with no broker configured tasks run inline, so one command works on any laptop.
CELERY_BROKER_URL = env.optional_text("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_TIME_LIMIT = env.integer("CELERY_TASK_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = env.integer("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_TASK_SOFT_TIME_LIMIT must be below CELERY_TASK_TIME_LIMIT.")
# Redis hands a message that was delivered but never acknowledged (its worker was killed outright) to
# another worker after this many seconds. It must exceed the longest a task may run (the hard time
# limit), or a slow task would be run twice at once; nothing here waits in the broker for longer,
# because retries are scheduled in the database, never as ETA or countdown messages.
CELERY_VISIBILITY_TIMEOUT = env.integer("CELERY_VISIBILITY_TIMEOUT", 900, minimum=1)
if CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must be above CELERY_TASK_TIME_LIMIT.")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}

# Chasers: reminders, escalations and the delivery of every notification (docs/chasers.md).
# Working days before an access request's due date on which its handler is reminded.
CHASER_ACCESS_WORKING_DAYS = env.day_counts("CHASER_ACCESS_WORKING_DAYS", (5, 2))
# Days before a register entry's review date on which its owner is reminded.
CHASER_REVIEW_DAYS = env.day_counts("CHASER_REVIEW_DAYS", (30, 14, 7))
# A sign-off waiting more than this many working days nudges its signers; twice as long tells the IG team.
CHASER_SIGNOFF_WORKING_DAYS = env.integer("CHASER_SIGNOFF_WORKING_DAYS", 3, minimum=1, maximum=60)
# Overdue items are escalated to the DPO again every this many days.
CHASER_ESCALATION_REPEAT_DAYS = env.integer("CHASER_ESCALATION_REPEAT_DAYS", 7, minimum=1, maximum=90)
# Each claim transaction takes at most this many milestones; one run takes at most this many batches.
CHASER_BATCH_SIZE = env.integer("CHASER_BATCH_SIZE", 500, minimum=1, maximum=10000)
CHASER_MAX_BATCHES = env.integer("CHASER_MAX_BATCHES", 20, minimum=1, maximum=1000)
# A queued email not picked up within this long is queued again by the delivery sweep.
CHASER_REQUEUE_AFTER_SECONDS = env.integer("CHASER_REQUEUE_AFTER_SECONDS", 300, minimum=1)
# Transient email failures are retried after 1, 2, 4 ... minutes (at most an hour apart), then given up.
CHASER_RETRY_BASE_SECONDS = env.integer("CHASER_RETRY_BASE_SECONDS", 60, minimum=1)
CHASER_RETRY_MAX_SECONDS = env.integer("CHASER_RETRY_MAX_SECONDS", 3600, minimum=1)
CHASER_MAX_ATTEMPTS = env.integer("CHASER_MAX_ATTEMPTS", 8, minimum=1, maximum=50)
# Sweeps run hourly from 07:05 to 19:05 (a missed run is caught up by the next) unless this sets a fixed
# interval in seconds; any number of runs sends each reminder once.
CHASER_SWEEP_SECONDS = env.integer("CHASER_SWEEP_SECONDS", 0, minimum=0)
CHASER_DELIVERY_SWEEP_SECONDS = env.integer("CHASER_DELIVERY_SWEEP_SECONDS", 60, minimum=1)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_AGE = env.integer("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env.choice("LOG_LEVEL", "info", ("debug", "info", "warning", "error")).upper(),
    },
}

# Shown in the page header and used in generated record names.
PORTAL_SERVICE_NAME = "IG Portal"
# The address people reach the portal at, for links in emails.
PORTAL_BASE_URL = env.text("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
