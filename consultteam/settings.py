"""ConsultTeam settings: the one settings module, read from the environment.

Every variable is documented in docs/configuration.md (a test checks that the list is complete).
Unset DATABASE_URL and REDIS_URL give the embedded defaults: a SQLite file and a Celery broker on
the filesystem, both under DATA_DIR, so a laptop needs no server.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from consultteam import env, error_reporting
from consultteam.logs import logging_config
from consultteam.version import VERSION

# Lets classes be written as ModelAdmin[Team] for the type checker without failing at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env.string("DATA_DIR", str(BASE_DIR / "data"))).resolve()
# The site's templates and static files: at the top of a source tree (manage.py, an editable
# install), inside the package once installed from the wheel (setup.py maps them there), so an
# installed service needs no source tree. The package's copy is looked for first: a stray
# `templates` folder in site-packages is no source tree.
_SHIPPED_SITE = Path(__file__).resolve().parent / "site"
SITE_DIR = _SHIPPED_SITE if _SHIPPED_SITE.is_dir() else BASE_DIR

DEBUG = env.boolean("DEBUG", False)


def _secret_key() -> str:
    key = env.optional("SECRET_KEY")
    if key is not None:
        if len(key) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) is required when DEBUG is off. "
            "For local development set DEBUG=true and a key is generated for you."
        )
    # Development only: generate once and keep it, so sign-ins survive a restart.
    key_file = DATA_DIR / "dev-secret-key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        key_file.chmod(0o600)
        logging.getLogger("consultteam").warning(
            "DEBUG is on and SECRET_KEY is unset: generated a development key in %s", key_file
        )
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.string_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.string_list("CSRF_TRUSTED_ORIGINS", [])
# The reverse proxies in front (addresses and CIDR networks): only a request from one of them
# has its X-Forwarded-For and X-Forwarded-Proto believed (consultteam/client_address.py).
TRUSTED_PROXIES = env.networks("TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "consultteam",
    "consultteam.accounts",
    "consultteam.teams",
    "consultteam.reference",
    "consultteam.audit",
    "consultteam.health",
    "consultteam.textcheck",
    "cases",
    "agendas",
    "reminders",
    "clinic",
]

MIDDLEWARE = [
    # Before everything: the request id every log line of the request carries, then the access
    # line and metrics, timing all that follows (consultteam/request_ids.py, observe.py).
    "consultteam.request_ids.RequestIdMiddleware",
    "consultteam.observe.ObserveRequestsMiddleware",
    # Answers a load balancer's probe of /healthz whatever its Host and scheme: before host
    # validation, the SSL redirect and sessions (consultteam/health/middleware.py).
    "consultteam.health.middleware.HealthzMiddleware",
    # Before anything reads them: forwarded headers count only from TRUSTED_PROXIES.
    "consultteam.client_address.ForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "consultteam.security.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The session, authentication, messages and session-limit middleware, each skipped
    # for an API call that carries no session cookie (a token client), which needs none of
    # them; a browser's session calling the API passes them all (consultteam/pages_only.py).
    "consultteam.pages_only.SessionForPages",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "consultteam.pages_only.AuthenticationForPages",
    "consultteam.audit.middleware.AuditContextMiddleware",
    "consultteam.pages_only.MessagesForPages",
    # Ends idle and overlong sessions; needs the user, the audit context and messages.
    "consultteam.pages_only.SessionLimitsForPages",
    # After the session limits (an expired session is anonymous by then): holds a person who
    # owes a second factor, or must enrol one, to the two-factor pages.
    "consultteam.accounts.middleware.TwoFactorRequiredMiddleware",
    # A write sent twice (a double click, a retried API call with an Idempotency-Key) takes
    # effect once; the second gets the first answer (consultteam/accounts/once.py).
    "consultteam.accounts.once.OnceMiddleware",
    # The person's own time zone for their pages (their setting); UTC otherwise.
    "consultteam.accounts.middleware.PersonTimeZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "consultteam.urls"
WSGI_APPLICATION = "consultteam.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.navigation",
                "consultteam.context_processors.version",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {
    "default": env.database("DATABASE_URL", sqlite_default=DATA_DIR / "consultteam.sqlite3")
}
# On PostgreSQL, a query text seen this many times on a connection is prepared: planned once and
# the plan reused. The visibility rules are compiled to one stable text per shape
# (consultteam/compiled.py), so their planning (0.5 to 1.5 ms a request) is paid once per
# connection (docs/performance.md). It needs server-side parameters; 0 turns both off, as a
# pooler in transaction mode (PgBouncer) requires.
DATABASE_PREPARE_AFTER = env.integer("DATABASE_PREPARE_AFTER", 5, minimum=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DATABASE_PREPARE_AFTER:
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": DATABASE_PREPARE_AFTER,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Each gunicorn sync worker serves one request at a time and keeps its connection for this
    # many seconds (0: a new one per request). No health check (`CONN_HEALTH_CHECKS`): it is a
    # `SELECT 1` round trip before every request, and it buys nothing here. Django already
    # closes, at the end of a request, a connection that raised a database error, and one
    # past its age; a connection dropped while idle (a database restart) fails the one request
    # that finds it broken, which closes it, and the next request opens a fresh one.
    DATABASES["default"]["CONN_MAX_AGE"] = env.integer("DATABASE_CONN_MAX_AGE", 600, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
# The role the running service connects as, when `DATABASE_URL` above is the owner's and this
# process runs migrations: after each `migrate`, that role is given the rows, never the schema,
# and may only add to the audit trail (consultteam/database_roles.py, docs/deployment.md).
DATABASE_RUNTIME_ROLE = env.optional("DATABASE_RUNTIME_ROLE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- People and sign-in -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    # First: counts failed sign-ins and refuses a locked-out attempt before any password check.
    "axes.backends.AxesStandaloneBackend",
    # Then: refuses every attempt from an address that failed too often across accounts.
    "consultteam.accounts.lockout.AddressCeiling",
    "django.contrib.auth.backends.ModelBackend",
    # Per-object exceptions (a co-therapist on one case, an outside reviewer of one analysis),
    # read from direct foreign-key tables; see consultteam/access.py.
    "guardian.backends.ObjectPermissionBackend",
]
# Our users sign in by email and have no username; guardian's anonymous user is not needed.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
# Lockout (django-axes): this many failures for one email from one address lock that pair out
# for the cool-off. Unknown emails are counted the same way, so a lockout reveals no account.
AXES_FAILURE_LIMIT = env.integer("LOGIN_FAILURE_LIMIT", 5, minimum=1)
# Axes reads a float as hours.
AXES_COOLOFF_TIME = env.integer("LOGIN_LOCKOUT_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Spraying: this many failures from one address within the cool-off, whatever emails were
# tried, refuse every sign-in from it (form and API alike) until they age out.
LOGIN_ADDRESS_FAILURE_LIMIT = env.integer("LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
AXES_RESET_ON_SUCCESS = True
# Sign-ins and sign-outs are in the audit trail; axes need not keep a second log of them.
AXES_DISABLE_ACCESS_LOG = True
# The sign-in form's field, and the name the token endpoint passes its email under.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "consultteam.accounts.lockout.attempted_email"
AXES_LOCKOUT_CALLABLE = "consultteam.accounts.lockout.lockout_response"
# The same client address as the audit trail: the peer, or the client a trusted proxy names.
AXES_CLIENT_IP_CALLABLE = "consultteam.client_address.client_ip"
# Sessions end after this long without a request, and after this long in all.
SESSION_IDLE_MINUTES = env.integer("SESSION_IDLE_MINUTES", 15, minimum=1)
SESSION_MAX_HOURS = env.integer("SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
# Emergency (break-glass) access to a case one cannot normally see lasts this many hours.
BREAK_GLASS_HOURS = env.integer("BREAK_GLASS_HOURS", 4, minimum=1)
# An API token ends this many days after it was issued, and after this many days unused. A
# password change, deactivation or a two-factor reset ends it at once (docs/access.md).
API_TOKEN_DAYS = env.integer("API_TOKEN_DAYS", 30, minimum=1)
API_TOKEN_IDLE_DAYS = env.integer("API_TOKEN_IDLE_DAYS", 7, minimum=1)
# Editors ask for a live text check at every pause in typing; this bounds one person's calls.
TEXT_CHECKS_PER_MINUTE = env.integer("TEXT_CHECKS_PER_MINUTE", 120, minimum=1)
# An invitation's link works this many days; one inviter sends at most this many an hour
# (sending and resending both count), so a taken-over leader account cannot mail the world.
INVITATION_DAYS = env.integer("INVITATION_DAYS", 7, minimum=1)
INVITATIONS_PER_HOUR = env.integer("INVITATIONS_PER_HOUR", 30, minimum=1)
# Password-reset emails asked for in an hour, per address typed and per client address.
PASSWORD_RESETS_PER_HOUR = env.integer("PASSWORD_RESETS_PER_HOUR", 5, minimum=1)
# How long a password-reset link works (Django's own token generator reads this).
PASSWORD_RESET_TIMEOUT = 60 * 60
# Two-factor sign-in (TOTP, django-otp). Whoever has confirmed an authenticator gives a code
# after the password, always. With REQUIRE_TWO_FACTOR, everyone with access to clinical records
# (an active team member, or staff) must enrol before any other page or API call; off by default
# only with DEBUG, so the demo accounts sign in with a password.
REQUIRE_TWO_FACTOR = env.boolean("REQUIRE_TWO_FACTOR", not DEBUG)
OTP_TOTP_ISSUER = "ConsultTeam"
# Wrong codes wait 1, 2, 4, 8... seconds before the next attempt is even checked.
OTP_TOTP_THROTTLE_FACTOR = 1
# Administrators may reset a lost authenticator (delete the device) but never see its secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation: stored in UTC, shown in the team's or the user's zone ----------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
# collectstatic's output. The image sets it to a folder inside the image, so an upgrade serves
# the new release's files, never a data volume's old ones; locally it sits under DATA_DIR.
STATIC_ROOT = Path(env.optional("STATIC_ROOT") or DATA_DIR / "static").resolve()
STATICFILES_DIRS = [SITE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security ---------------------------------------------------------------------------------
# Behind a TLS-terminating proxy set SECURE_COOKIES=true: X-Forwarded-Proto is then believed,
# from TRUSTED_PROXIES only (the header is dropped from anyone else, consultteam/client_address.py).
SECURE_COOKIES = env.boolean("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", False)
# Health probes come from inside the network over plain HTTP (and are answered before this).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_COOKIES else None
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# The header only permits preloading; the domain's owner still decides whether to submit it.
SECURE_HSTS_PRELOAD = env.boolean("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS >= 31_536_000)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: every script and stylesheet is a vendored file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its challenge (WWW-Authenticate: Token) makes unauthenticated requests
        # 401, as a client with a bad token needs; the session keeps DRF's CSRF check.
        "consultteam.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: every view names the rule that lets a request through.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["consultteam.renderers.FastJSONRenderer"],
    # DRF's three, the JSON one answering a body nested too deeply with 400 (not a 500).
    "DEFAULT_PARSER_CLASSES": [
        "consultteam.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "consultteam.errors.api_exception_handler",
    # Counted in the default cache, so per web process: a bound on a runaway editor or script,
    # not an exact quota.
    "DEFAULT_THROTTLE_RATES": {"text-checks": f"{TEXT_CHECKS_PER_MINUTE}/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ConsultTeam API",
    "DESCRIPTION": (
        "The REST API of ConsultTeam, a workspace for DBT consultation teams. Every list is "
        "limited to what the caller may see; an object outside that answers 404."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "consultteam.web.schema.idempotency_key_on_posts",
        "consultteam.web.schema.error_answers",
    ],
}

# --- Celery -----------------------------------------------------------------------------------
# REDIS_URL: the shared cache, Celery's results and, unless BROKER_URL names another, its
# broker. BROKER_URL: a broker of its own (Redis over TLS, Redis through Sentinel, RabbitMQ).
REDIS_URL = env.redis_url("REDIS_URL")
BROKER_URL = env.broker_url("BROKER_URL") or REDIS_URL
BROKER_SENTINEL_MASTER = env.optional("BROKER_SENTINEL_MASTER")
BROKER_DIR = DATA_DIR / "broker"
if BROKER_URL:
    CELERY_BROKER_URL = BROKER_URL
    # An unacknowledged task comes back after this long (Redis and Sentinel; RabbitMQ returns
    # it when the worker's connection drops). Tasks here are short, and reminders live as rows,
    # so ten minutes is plenty and never lets a task run twice in practice.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 600}
    if BROKER_URL.startswith("sentinel://"):
        if not BROKER_SENTINEL_MASTER:
            raise ImproperlyConfigured(
                "BROKER_URL names Sentinel: set BROKER_SENTINEL_MASTER to the master's name."
            )
        CELERY_BROKER_TRANSPORT_OPTIONS["master_name"] = BROKER_SENTINEL_MASTER
    # Results (kept only for tasks that ask, such as the health ping) go to Redis when there is
    # one, else back over the broker's own connection (RabbitMQ).
    CELERY_RESULT_BACKEND = REDIS_URL or "rpc://"
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 600}
else:
    # The embedded broker: kombu's filesystem transport (see bench/broker.py for the measurement
    # that chose it over the SQLAlchemy transport). Messages are files; delivered ones are removed.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "polling_interval": 0.1,
    }
    CELERY_RESULT_BACKEND = f"file://{BROKER_DIR / 'results'}"
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Delivery is recorded on our own rows; results are kept only for tasks that ask for them.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Celery's file-backed scheduler that also records beat's heartbeat (consultteam/health/beat.py).
CELERY_BEAT_SCHEDULER = "consultteam.health.beat:HeartbeatScheduler"
# Beat records its heartbeat and sends the worker's heartbeat task this often; /healthz and
# `manage.py health` call a heartbeat older than HEARTBEAT_STALE_SECONDS down.
HEARTBEAT_SECONDS = env.integer("HEARTBEAT_SECONDS", 30, minimum=1)
HEARTBEAT_STALE_SECONDS = env.integer("HEARTBEAT_STALE_SECONDS", 180, minimum=1)
if HEARTBEAT_STALE_SECONDS < 2 * HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "HEARTBEAT_STALE_SECONDS must be at least twice HEARTBEAT_SECONDS, or a process that "
        "is alive would be reported down between two heartbeats."
    )
CELERY_TIMEZONE = "UTC"

# --- Cache -----------------------------------------------------------------------------------
# With Redis, one cache for every process: rate limits count each person once whatever process
# answers, and a language rule's edit reaches every process at once (textcheck/engine.py).
# Without it, each process keeps its own (the embedded default: one machine, few processes).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "consultteam",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Reminders and mail ------------------------------------------------------------------------
# Links in reminders point here (no trailing slash needed).
SITE_URL = env.string("SITE_URL", "http://localhost:8000")
# Beat runs the reminder sweep this often; a claimed batch is held this long before another
# sweep may take it again (longer than a batch takes to send); a reminder is given up (FAILED)
# after this many attempts with backoff.
REMINDER_SWEEP_SECONDS = env.integer("REMINDER_SWEEP_SECONDS", 60, minimum=1)
REMINDER_LEASE_SECONDS = env.integer("REMINDER_LEASE_SECONDS", 300, minimum=5)
REMINDER_MAX_ATTEMPTS = env.integer("REMINDER_MAX_ATTEMPTS", 5, minimum=1)
# The first retry waits this long; each next one twice as long, at most an hour.
REMINDER_RETRY_SECONDS = env.integer("REMINDER_RETRY_SECONDS", 60, minimum=1)
REMINDER_BATCH_SIZE = env.integer("REMINDER_BATCH_SIZE", 100, minimum=1)
# Beat's schedule. A sweep that waited longer than one interval is dropped, since the next one
# does the same work.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "reminders-sweep": {
        "task": "reminders.sweep",
        "schedule": float(REMINDER_SWEEP_SECONDS),
        "options": {"expires": float(REMINDER_SWEEP_SECONDS)},
    },
    # Kept answers of once-keys may hold clinical text: none outlives its key by an hour.
    "once-keys-expire": {"task": "consultteam.once_keys_expire", "schedule": 3600.0},
    # The worker's heartbeat travels beat -> broker -> worker (consultteam/health/tasks.py).
    # Dropped unless taken within one interval: a worker back from an outage runs one, not all.
    "worker-heartbeat": {
        "task": "consultteam.worker_heartbeat",
        "schedule": float(HEARTBEAT_SECONDS),
        "options": {"expires": float(HEARTBEAT_SECONDS)},
    },
}
# Unset EMAIL_HOST: mail is written to the worker's console (development only).
EMAIL_HOST = env.string("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env.integer("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.string("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.boolean("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
# Seconds before a silent mail server counts as unreachable (the reminder is retried later).
EMAIL_TIMEOUT = env.integer("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "ConsultTeam <reminders@localhost>")

# --- Logging ----------------------------------------------------------------------------------
LOG_LEVEL = env.choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})
# plain: one readable line each; json: one JSON object a line, for a log shipper. Both carry the
# request id, in web, worker and beat alike (consultteam/logs.py).
LOG_FORMAT = env.choice("LOG_FORMAT", "plain", {"plain", "json"})
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)

# --- Monitoring -------------------------------------------------------------------------------
# /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; unset, it answers 404.
METRICS_TOKEN = env.optional("METRICS_TOKEN")
if METRICS_TOKEN is not None and len(METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("METRICS_TOKEN must be at least 32 characters long.")
# prometheus_client reads this itself (and must see it before it is imported): the folder where
# gunicorn's worker processes keep their counts, so a scrape adds them all up. Read here only
# to fail loudly at start when it names no folder.
PROMETHEUS_MULTIPROC_DIR = env.optional("PROMETHEUS_MULTIPROC_DIR")
if PROMETHEUS_MULTIPROC_DIR is None:
    # Set but empty (an unfilled line of .env) would make prometheus_client write its files
    # into the working folder: empty means unset, as for every other variable.
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
elif not Path(PROMETHEUS_MULTIPROC_DIR).is_dir():
    raise ImproperlyConfigured(
        f"PROMETHEUS_MULTIPROC_DIR={PROMETHEUS_MULTIPROC_DIR!r} is not an existing folder."
    )
# Gauges computed from the data at scrape time, one collector class per app (dotted paths: the
# core names no app in code).
METRICS_COLLECTORS = ["reminders.metrics.ReminderBacklog"]
# Error reports (optional): exception types, stack frames, route and request id only; never a
# request's body, headers, cookies or query, a local variable or any message text
# (consultteam/error_reporting.py says how).
SENTRY_DSN = env.optional("SENTRY_DSN")
SENTRY_ENVIRONMENT = env.string("SENTRY_ENVIRONMENT", "production")
if SENTRY_DSN:
    error_reporting.start(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, release=VERSION)

# --- Demo -------------------------------------------------------------------------------------
DEMO_PASSWORD = env.string("DEMO_PASSWORD", "consultteam-demo")
