"""IG Portal settings: one module, every value from the environment.

``IGPORTAL_ENV`` is ``development`` (the default: SQLite, tasks run inline, a
fixed development key) or ``production`` (refuses to start without a real
``SECRET_KEY`` and ``ALLOWED_HOSTS``). ``DATABASE_URL`` and
``CELERY_BROKER_URL`` select the database and the broker.
"""

from __future__ import annotations

import os
import warnings
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
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
# How many reverse proxies in front of the app append to X-Forwarded-For; 0 means REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5)

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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    # Its system checks refuse a cache that is not shared by every web worker (see CACHES below).
    "django_ratelimit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "igportal.apps.IGPortalConfig",
    "requests_app",
    "necessity",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the session or the database: refuses NUL characters and lone surrogates.
    "igportal.input_guard.MalformedInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's AuthenticationMiddleware, with the user and their roles from the session's own query.
    "igportal.accounts.principal.SessionAuthenticationMiddleware",
    # Ends sessions idle for SESSION_IDLE_MINUTES or older than SESSION_MAX_HOURS.
    "igportal.accounts.middleware.SessionLifetimeMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # django-otp's OTPMiddleware, with the authenticator from the session's own query.
    "igportal.accounts.principal.SessionOTPMiddleware",
    # Officers and admins must pass their second factor unless the view is marked @mfa_not_required.
    "igportal.accounts.middleware.MFARequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a lock-out flagged during authentication into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "igportal.urls"
FORM_RENDERER = "igportal.form_rendering.NHSFormRenderer"
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
            # display_name, the date formats and the status tag on every page, without a {% load %} in each.
            "builtins": ["igportal.templatetags.portal", "requests_app.templatetags.formats"],
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
SILENCED_SYSTEM_CHECKS: list[str] = []
# The session's one query is a prepared statement, planned once per connection
# (igportal/accounts/session_store.py); off behind a transaction pooler that cannot keep them.
PREPARED_SESSION_QUERY = env.flag("DB_PREPARED_SESSION_QUERY", True)
# An audited page view appends to the audit chain holding its lock for the database session across
# two statements (requests_app/services/audit.py); off behind a transaction pooler, which may send
# them over different connections, so that each append takes a transaction of its own instead.
AUDIT_SESSION_LOCK = env.flag("DB_SESSION_LOCKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite keeps no persistent connections worth reusing and locks on long-lived ones.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A covering index's INCLUDE columns serve PostgreSQL's index-only scans; SQLite builds the index
    # without them, which is all the embedded default needs, so its warning is only noise there.
    # Production silences nothing.
    if not PRODUCTION:
        SILENCED_SYSTEM_CHECKS.append("models.W040")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses locked-out usernames and addresses before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's password backend, refusing every password when LOCAL_PASSWORDS_ENABLED is false.
    "igportal.accounts.backends.LocalPasswordBackend",
    # Checks no credential: marks sessions begun by single sign-on (igportal/accounts/oidc.py).
    "igportal.accounts.backends.SingleSignOnBackend",
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
# Single sign-on with OpenID Connect (NHS CIS2, Microsoft Entra ID or any conforming provider): off unless
# SSO_ENABLED; README "Single sign-on" has the variables and an example for each provider.
SSO_ENABLED = env.flag("SSO_ENABLED", False)
# The provider's issuer; its discovery document is read from <issuer>/.well-known/openid-configuration
# unless SSO_DISCOVERY_URL names another address. The document's own issuer must match exactly.
SSO_ISSUER = env.text("SSO_ISSUER", "")
SSO_DISCOVERY_URL = env.text(
    "SSO_DISCOVERY_URL", f"{SSO_ISSUER.rstrip('/')}/.well-known/openid-configuration" if SSO_ISSUER else ""
)
SSO_CLIENT_ID = env.text("SSO_CLIENT_ID", "")
# Exactly one of: a client secret (client_secret_basic), or a PEM private key (private_key_jwt, which
# CIS2 asks for). Both are secrets: give them as SSO_CLIENT_SECRET_FILE or SSO_CLIENT_PRIVATE_KEY_FILE.
SSO_CLIENT_SECRET = env.text("SSO_CLIENT_SECRET", "")
SSO_CLIENT_PRIVATE_KEY = env.text("SSO_CLIENT_PRIVATE_KEY", "")
SSO_SCOPES = " ".join(env.items("SSO_SCOPES", ("openid", "profile", "email")))
# The ID token claim whose values the role mapping table reads: a list of strings ("groups" for Entra
# group object ids, "roles" for Entra app roles), or "claim.key" for a list of objects (CIS2's
# "nhsid_nrbac_roles.role_code").
SSO_ROLES_CLAIM = env.text("SSO_ROLES_CLAIM", "roles")
# The provider's assertion of strong authentication: any of these acr values, or any of these amr
# values, and the portal does not ask for its own TOTP code again.
SSO_ASSURANCE_ACR = frozenset(env.items("SSO_ASSURANCE_ACR"))
SSO_ASSURANCE_AMR = frozenset(env.items("SSO_ASSURANCE_AMR"))
# How far the provider's clock may be from ours when the ID token's exp and iat are checked.
SSO_CLOCK_SKEW_SECONDS = env.integer("SSO_CLOCK_SKEW_SECONDS", 60, minimum=0, maximum=300)
# A CA file to trust for the provider's certificate, when it is not one the system already trusts.
SSO_CA_BUNDLE = env.text("SSO_CA_BUNDLE", "")
SSO_HTTP_TIMEOUT_SECONDS = env.integer("SSO_HTTP_TIMEOUT_SECONDS", 10, minimum=1, maximum=60)
# The button's words ("Sign in with NHS Care Identity" ...) and whom a person with no mapped role asks.
SSO_PROVIDER_NAME = env.text("SSO_PROVIDER_NAME", "your organisation's account")
SSO_ACCESS_CONTACT = env.text("SSO_ACCESS_CONTACT", "your Information Governance team")
# Whether the portal's own passwords still work (the sign-in form, the admin's, re-authentication).
LOCAL_PASSWORDS_ENABLED = env.flag("LOCAL_PASSWORDS_ENABLED", True)
if SSO_ENABLED:
    if not SSO_ISSUER or not SSO_CLIENT_ID:
        raise ImproperlyConfigured("SSO_ENABLED needs SSO_ISSUER and SSO_CLIENT_ID.")
    if bool(SSO_CLIENT_SECRET) == bool(SSO_CLIENT_PRIVATE_KEY):
        raise ImproperlyConfigured(
            "SSO_ENABLED needs exactly one of SSO_CLIENT_SECRET_FILE and SSO_CLIENT_PRIVATE_KEY_FILE."
        )
    if PRODUCTION and not (SSO_ISSUER.startswith("https://") and SSO_DISCOVERY_URL.startswith("https://")):
        raise ImproperlyConfigured("In production SSO_ISSUER and SSO_DISCOVERY_URL must be https addresses.")
    if PRODUCTION and any(name in os.environ for name in ("SSO_CLIENT_SECRET", "SSO_CLIENT_PRIVATE_KEY")):
        raise ImproperlyConfigured(
            "In production the SSO client secret or key comes from SSO_CLIENT_SECRET_FILE or"
            " SSO_CLIENT_PRIVATE_KEY_FILE, never from the environment itself."
        )
    if "openid" not in SSO_SCOPES.split():
        raise ImproperlyConfigured("SSO_SCOPES must include openid.")
elif not LOCAL_PASSWORDS_ENABLED:
    raise ImproperlyConfigured("LOCAL_PASSWORDS_ENABLED=false needs SSO_ENABLED: nobody could sign in.")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Multi-factor authentication (TOTP, with single-use recovery codes) for the IG officer, DPO,
# Caldicott Guardian, SIRO and every staff or superuser account. Only `make run` turns it off.
MFA_REQUIRED = env.flag("MFA_REQUIRED", True)
if PRODUCTION and not MFA_REQUIRED:
    raise ImproperlyConfigured(
        "MFA_REQUIRED cannot be false in production: officers must use a second factor."
    )
# Changing MFA or the email address needs the password (and a code) given this recently.
REAUTHENTICATION_MINUTES = env.integer("REAUTHENTICATION_MINUTES", 10, minimum=1, maximum=60)
OTP_TOTP_ISSUER = "IG Portal"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Brute-force protection: usernames and addresses are counted separately, and every lock-out
# ends by itself after the cool-off, so nobody can lock a Caldicott Guardian out for good.
AXES_FAILURE_LIMIT = env.integer("AXES_FAILURE_LIMIT", 5, minimum=3, maximum=50)
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("AXES_COOLOFF_MINUTES", 15, minimum=1, maximum=24 * 60))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Refused attempts during a lock-out do not extend it: the cool-off runs from the lock-out.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success must not wipe the address's failures: one valid account would reset a guessing run.
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "igportal.client.client_ip"
AXES_LOCKOUT_CALLABLE = "igportal.accounts.views.locked_out"
# Successful sign-ins are in the audit trail; a second log of them would only copy personal data.
AXES_DISABLE_ACCESS_LOG = True

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
# Supporting documents: the largest file accepted, in bytes (10 MB by default).
UPLOAD_MAX_BYTES = env.integer("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# An Office file (a zip archive) is refused if its parts add up to more than this (50 MB by default).
UPLOAD_MAX_EXPANDED_BYTES = env.integer("UPLOAD_MAX_EXPANDED_BYTES", 50 * 1024 * 1024, minimum=1024)
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    # Served from the finders here: the collected directory exists only in production builds, and
    # WhiteNoise's warning that it is missing would greet every `make run`.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

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

# The audit trail (requests_app.audit_chain). Each event's hash is an HMAC under this key, which must
# never be stored in the database: set AUDIT_HMAC_KEY_FILE to a secret file. Development and the tests
# use the fixed key below; production refuses it.
_DEVELOPMENT_AUDIT_HMAC_KEY = "development-only-audit-chain-key-never-used-in-production"
AUDIT_HMAC_KEY = env.text("AUDIT_HMAC_KEY", "" if PRODUCTION else _DEVELOPMENT_AUDIT_HMAC_KEY)
if PRODUCTION and (AUDIT_HMAC_KEY == _DEVELOPMENT_AUDIT_HMAC_KEY or len(AUDIT_HMAC_KEY) < 32):
    raise ImproperlyConfigured(
        "Production needs its own audit chain key: at least 32 random characters in the file named by"
        " AUDIT_HMAC_KEY_FILE."
    )
# Where the head of the chain is appended, signed, every AUDIT_CHECKPOINT_MINUTES: outside the
# database (a file on another volume, or one a log shipper forwards), so that deleting the newest
# events or emptying the table shows against it (manage.py verify_audit).
AUDIT_CHECKPOINT_FILE = Path(
    env.text("AUDIT_CHECKPOINT_FILE", None if PRODUCTION else str(BASE_DIR / "audit-checkpoints.log"))
)
AUDIT_CHECKPOINT_MINUTES = env.integer("AUDIT_CHECKPOINT_MINUTES", 15, minimum=1, maximum=24 * 60)
# How often beat chains audit events left waiting while the chain was busy (services/audit.py).
AUDIT_SEQUENCE_SECONDS = env.integer("AUDIT_SEQUENCE_SECONDS", 5, minimum=1, maximum=300)

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

# The public "ask online" form is limited per client address (django-ratelimit, counting in the cache
# below): at most this many requests an hour from one address; the next is refused and keeps what was typed.
ACCESS_ONLINE_PER_HOUR = env.integer("ACCESS_ONLINE_PER_HOUR", 10, minimum=1, maximum=1000)
# The counts live in Redis, shared by every web worker (the broker's server unless RATELIMIT_REDIS_URL
# names another). Without Redis (a laptop with no broker) one process counts in its own memory, which is
# enough there; django-ratelimit's check that the cache is shared is silenced only in that case.
RATELIMIT_REDIS_URL = env.optional_text("RATELIMIT_REDIS_URL") or CELERY_BROKER_URL
RATELIMIT_USE_CACHE = "ratelimit"
# A Redis outage must not stop anyone exercising a statutory right: the form then takes the request
# unlimited (the honeypot still applies), and the outage shows in the broker's own alarms.
RATELIMIT_FAIL_OPEN = True
RATELIMIT_IP_META_KEY = "igportal.client.client_ip_for_ratelimit"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": RATELIMIT_REDIS_URL}
        if RATELIMIT_REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
    ),
}
# W001: Django's own Redis backend is not on django-ratelimit's list, but its incr is Redis INCRBY (atomic).
SILENCED_SYSTEM_CHECKS.append("django_ratelimit.W001")
if not RATELIMIT_REDIS_URL and not PRODUCTION:
    # Production must count in a cache every web worker shares: there the check stays an error.
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# Chasers: reminders, escalations and the delivery of every notification (docs/chasers.md).
# Working days before an access request's due date on which its handler is reminded.
CHASER_ACCESS_WORKING_DAYS = env.day_counts("CHASER_ACCESS_WORKING_DAYS", (5, 2))
# An access request waiting on its requester (identity, fee, clarification) for more than this many days
# closes itself with a notice to them (UK GDPR Art 12A pauses; the correspondence tool's 90 days).
ACCESS_PAUSE_LIMIT_DAYS = env.integer("ACCESS_PAUSE_LIMIT_DAYS", 90, minimum=14, maximum=365)
# Days before a register entry's review date on which its owner is reminded.
CHASER_REVIEW_DAYS = env.day_counts("CHASER_REVIEW_DAYS", (30, 14, 7))
# A sign-off waiting more than this many working days nudges its signers; twice as long tells the IG team.
CHASER_SIGNOFF_WORKING_DAYS = env.integer("CHASER_SIGNOFF_WORKING_DAYS", 3, minimum=1, maximum=60)
# Days after an ISA version was sent for signature on which a signature still awaited is chased.
CHASER_SIGNATURE_DAYS = env.day_counts("CHASER_SIGNATURE_DAYS", (3, 7))
# A link asking a partner to sign an ISA version works for this many days; the IG team can re-send it.
ISA_SIGNATURE_LINK_DAYS = env.integer("ISA_SIGNATURE_LINK_DAYS", 14, minimum=1, maximum=60)
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
# Work a state change queues waits in the outbox until the broker takes it (docs/chasers.md, "Outbox").
OUTBOX_RELAY_SECONDS = env.integer("OUTBOX_RELAY_SECONDS", 10, minimum=1, maximum=3600)
OUTBOX_BATCH_SIZE = env.integer("OUTBOX_BATCH_SIZE", 500, minimum=1, maximum=10000)
# Decision records and ISA documents still missing this long after the change are rendered again.
DOCUMENT_SWEEP_SECONDS = env.integer("DOCUMENT_SWEEP_SECONDS", 300, minimum=1, maximum=86400)
DOCUMENT_SWEEP_GRACE_SECONDS = env.integer("DOCUMENT_SWEEP_GRACE_SECONDS", 600, minimum=0, maximum=86400)
DOCUMENT_SWEEP_BATCH_SIZE = env.integer("DOCUMENT_SWEEP_BATCH_SIZE", 100, minimum=1, maximum=10000)
# The beat schedule (igportal/celery.py reads it through the CELERY_ namespace).
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "igportal.tasks.clear_expired_sessions",
        "schedule": crontab(hour="3", minute="17"),
    },
    # Fans out one sweep per registered reminder source. Any number of beats, runs or retries
    # sends each reminder once: milestones are claimed in the database.
    "chase-reminders": {
        "task": "requests_app.tasks.run_all_sweeps",
        "schedule": (
            timedelta(seconds=CHASER_SWEEP_SECONDS)
            if CHASER_SWEEP_SECONDS
            else crontab(hour="7-19", minute="5")
        ),
    },
    # Queues emails that are due a retry or whose queue message was lost.
    "chase-deliveries": {
        "task": "requests_app.tasks.requeue_deliveries",
        "schedule": timedelta(seconds=CHASER_DELIVERY_SWEEP_SECONDS),
    },
    # Hands queued work to the broker: it waited in the outbox if the broker was down when it was made.
    "relay-outbox": {
        "task": "requests_app.tasks.relay_outbox",
        "schedule": timedelta(seconds=OUTBOX_RELAY_SECONDS),
        # A relay queued behind long renders is dropped once the next one is due: it would find nothing.
        "options": {"expires": OUTBOX_RELAY_SECONDS},
    },
    "render-missing-documents": {
        "task": "requests_app.tasks.render_missing_documents",
        "schedule": timedelta(seconds=DOCUMENT_SWEEP_SECONDS),
    },
    # Chains audit events a writer left waiting while the chain was busy (services/audit.py), when no
    # later append or commit has already done so.
    "sequence-audit": {
        "task": "requests_app.tasks.sequence_audit",
        "schedule": timedelta(seconds=AUDIT_SEQUENCE_SECONDS),
        "options": {"expires": AUDIT_SEQUENCE_SECONDS},
    },
    # Appends the audit chain's head, signed, to AUDIT_CHECKPOINT_FILE.
    "checkpoint-audit": {
        "task": "requests_app.tasks.checkpoint_audit",
        "schedule": timedelta(minutes=AUDIT_CHECKPOINT_MINUTES),
    },
    # Lists records past their retention period for the DPO; each record once, however often it runs.
    "sweep-disposals": {
        "task": "requests_app.tasks.sweep_disposals",
        "schedule": crontab(hour="1", minute="41"),
    },
    "expire-agreements": {
        "task": "requests_app.tasks.expire_agreements",
        "schedule": crontab(hour="0", minute="23"),
    },
}

# Sessions live in the database with their user, so logout and deactivation can end all of them.
SESSION_ENGINE = "igportal.accounts.session_store"
SESSION_IDLE_MINUTES = env.integer("SESSION_IDLE_MINUTES", 30, minimum=1, maximum=24 * 60)
SESSION_MAX_HOURS = env.integer("SESSION_MAX_HOURS", 10, minimum=1, maximum=24)
if SESSION_IDLE_MINUTES > SESSION_MAX_HOURS * 60:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES must not be longer than SESSION_MAX_HOURS.")
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 60 * 60
# Shared ward and office computers: closing the browser ends the session.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    # __Host- cookies are refused by browsers unless Secure, path=/ and without a Domain.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# No inline script or style anywhere: pages load only this site's own files (data: images for the
# enrolment QR code, the NHS font); nothing may frame the portal, carry plugins or move the base URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        # The NHS.UK frontend's stylesheet loads the Frutiger font from the NHS asset server.
        "font-src": [SELF, "https://assets.nhs.uk"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": PRODUCTION,
    }
}

if SSO_ENABLED:
    # Signing out goes on to the provider's end-session endpoint after our logout form's POST: browsers
    # hold that redirect to form-action, so the provider's origin is allowed there, and nothing else.
    _sso_issuer = urlsplit(SSO_ISSUER)
    _form_action = [SELF, f"{_sso_issuer.scheme}://{_sso_issuer.netloc}"]
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = _form_action

# The REST API under /api/v1/ (requests_app.api): the same selectors, getters and services as the pages.
# Bearer tokens come first so that a call without credentials is answered 401 with WWW-Authenticate.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "requests_app.api.authentication.BearerTokenAuthentication",
        "requests_app.api.authentication.PortalSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "requests_app.api.permissions.TokenScopeAllows",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["requests_app.api.parsers.StrictJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "requests_app.api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "requests_app.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "requests_app.api.schema.PortalAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IG Portal API",
    "DESCRIPTION": (
        "Sharing requests, their workflow, access requests, the audit trail and the rules engine, with the"
        " same permissions as the pages. Authenticate with a personal token (`Authorization: Bearer igp_...`,"
        " created at `/api/v1/tokens/` from a signed-in session) or, in the browser, with the session and"
        " its CSRF token. Every error is one JSON object: see the `Error` schema."
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set wherever it appears.
    "ENUM_NAME_OVERRIDES": {
        "RequestStatusEnum": "requests_app.models.sharing.RequestStatus",
        "SignOffStageEnum": "requests_app.models.sharing.SignOffStage",
        "WorkflowTransitionEnum": "requests_app.api.serializers.sharing.TRANSITION_NAMES",
        "WorkflowActionEnum": "requests_app.api.serializers.sharing.API_TRANSITIONS",
        "WizardStepEnum": "requests_app.api.serializers.sharing.STEP_NAMES",
        "EngineOutcomeEnum": "necessity.rules.enums.Outcome",
        "AccessRequestStatusEnum": "requests_app.models.access.AccessRequestStatus",
        "AccessRequestOutcomeEnum": "requests_app.models.access.AccessRequestOutcome",
        "AccessTransitionEnum": "requests_app.api.serializers.access.ACCESS_TRANSITION_NAMES",
        "IdentityMethodEnum": "requests_app.models.access.IdentityMethod",
        # The registers' own "kind" and "status" choices, each named so none collides with another.
        "AccessRequestKindEnum": "requests_app.models.access.AccessRequestKind",
        "LoggableAccessRequestKindEnum": "requests_app.models.access.LOGGABLE_KIND_CHOICES",
        "OrganisationKindEnum": "requests_app.models.organisations.OrganisationKind",
        "DisclosureKindEnum": "requests_app.models.disclosures.DisclosureKind",
        "IncidentKindEnum": "requests_app.models.incidents.IncidentKind",
        "DataFlowStatusEnum": "requests_app.models.flows.DataFlowStatus",
        "AgreementStatusEnum": "requests_app.models.isas.AgreementStatus",
        "IncidentStatusEnum": "requests_app.models.incidents.IncidentStatus",
        "AssetStatusEnum": "requests_app.models.assets.AssetStatus",
    },
    # Swagger UI is served from this site (drf-spectacular-sidecar), never from a CDN: see the CSP below.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# PDF rendering runs in a child process that is killed after this many seconds.
PDF_RENDER_TIMEOUT = env.integer("PDF_RENDER_TIMEOUT", 60, minimum=1, maximum=600)

# Every log record, whichever handler gets it, has NHS numbers, email addresses and postcodes
# replaced and line breaks encoded before it leaves the process (igportal.log_redaction).
LOGGING_CONFIG = "igportal.log_redaction.configure_logging"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_personal_data": {"()": "igportal.log_redaction.RedactPersonalData"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_personal_data"],
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env.choice("LOG_LEVEL", "info", ("debug", "info", "warning", "error")).upper(),
    },
    "loggers": {
        # Both narrate every step of every PDF at INFO, hundreds of lines per document.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Its version at every start and each successful login, which the audit trail already records;
        # lock-outs are warnings and still shown.
        "axes": {"level": "WARNING"},
        # "Watching for file changes" at every start of the development server.
        "django.utils.autoreload": {"level": "WARNING"},
    },
}
if CELERY_TASK_ALWAYS_EAGER:
    # Tasks run inline in the web process (make run): "Task ... succeeded" after each one is noise there.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}  # type: ignore[index]

# Shown in the page header and used in generated record names.
PORTAL_SERVICE_NAME = "IG Portal"
# The address people reach the portal at, for links in emails.
PORTAL_BASE_URL = env.text("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
