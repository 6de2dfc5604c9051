"""One settings module, driven by the environment.

With nothing set, Shanzhi runs a demo on SQLite under ``var/``. Production sets at least
``SHANZHI_SECRET_KEY``, ``SHANZHI_KEYRING``, ``SHANZHI_BLIND_INDEX_KEY``, ``DATABASE_URL``,
``SHANZHI_DEBUG=0`` and ``SHANZHI_ALLOWED_HOSTS``.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SHANZHI_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default):
    return os.environ.get(name, str(int(default))).lower() in ("1", "true", "yes", "on")


def env_int(name, default):
    return int(os.environ.get(name, default))


def _demo_secret(name, length=50):
    """A per-checkout random secret kept under var/, so a demo needs no configuration.

    Production must set the variable; `check --deploy` reminds whoever forgets.
    """
    path = VAR_DIR / f"{name}.dev"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(length))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("SHANZHI_DEBUG", True)
# Served over HTTPS (directly or behind a TLS-terminating proxy): redirect, secure cookies.
SHANZHI_HTTPS = env_bool("SHANZHI_HTTPS", False)
SECRET_KEY = os.environ.get("SHANZHI_SECRET_KEY") or _demo_secret("secret-key")
ALLOWED_HOSTS = os.environ.get("SHANZHI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",  # its bundled Swagger UI, instead of a CDN
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "shanzhi.core",
    "shanzhi.accounts",
    "shanzhi.registry",
    "shanzhi.appeals",
    "shanzhi.volunteering",
    "shanzhi.property",
    "shanzhi.datacentre",
    "shanzhi.coop",
    "shanzhi.project",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "shanzhi.core.csp.CSPMiddleware",  # django-csp's, its header built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The idle timeout below, renewed at most once a minute (not a session write per request).
    # ``shanzhi.core.machines``: the browser's middleware, stepping aside for a request to Open311
    # or the API that carries no cookie at all (a client with its key or token).
    "shanzhi.core.machines.Sessions",
    "shanzhi.core.locale.LocaleMiddleware",  # Django's, without looking for a prefix in the path
    "django.middleware.common.CommonMiddleware",
    "shanzhi.core.machines.Csrf",
    "shanzhi.core.machines.Authentication",
    # Before any view: NUL, control, surrogate and bidi characters and unparsable JSON are a 400.
    "shanzhi.core.inputs.InputGuardMiddleware",
    "shanzhi.core.machines.Otp",
    "shanzhi.core.machines.SecondFactor",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "shanzhi.core.machines.Messages",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # With a read replica: a browser that just wrote reads the primary for a few seconds.
    "shanzhi.core.dbrouter.ReadYourWritesMiddleware",
    # Last, so its process_exception sees a view's lost connection first: 503, not 500.
    "shanzhi.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "shanzhi.urls"
WSGI_APPLICATION = "shanzhi.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "shanzhi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shanzhi.accounts.context_processors.roles",
            ],
        },
    },
]

# --- database --------------------------------------------------------------------------
# SQLite in WAL mode with IMMEDIATE transactions, so concurrent writers queue instead of
# failing with "database is locked" half way through a transaction.
_sqlite_path = VAR_DIR / "shanzhi.sqlite3"
# Persistent connections are checked before their first use in each request (and each turn of
# the task worker's loop): after a PostgreSQL restart the dead one is replaced, not used for a 500.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{_sqlite_path}",
        conn_max_age=env_int("SHANZHI_CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("SHANZHI_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SHANZHI_TEST_SQLITE") or None}
# PostgreSQL in production: Django's own connection pool (psycopg 3 + psycopg_pool) instead of
# one persistent connection per process. A request takes a connection already open and hands it
# back at its end, with no connect, no health-check round trip of its own and no session setup
# per request (server-side prepared statements would need OPTIONS "server_side_binding", which
# changes how parameters are typed: not switched on). Each process has its own pool: a
# gunicorn sync worker or a task worker runs one request at a time, so it needs one connection,
# and the pool keeps ``min_size`` 1 open (a process's first request waits for it rather than grow
# the pool: ``core/postgresql``) and allows up to SHANZHI_DB_POOL_SIZE (default 4) for a
# threaded server (gthread: one per thread). Size it so that processes × size stays below the
# server's max_connections (100 by default): 17 gunicorn workers × 4 = 68 leaves room for the task
# workers and psql. With CONN_HEALTH_CHECKS (on unless SHANZHI_CONN_HEALTH_CHECKS=0) the pool
# tests each connection as it is taken, so after a PostgreSQL restart a dead one is replaced, not
# used for a 500; its test is ``refdata.check_connection``, which reads the reference versions in
# that round trip (Django would give the pool psycopg_pool's own, an empty query: the ENGINE
# ``shanzhi.core.postgresql``, below, gives it). Pool and CONN_MAX_AGE exclude
# each other, so the latter is 0 here. Off under pytest (the test database is created and dropped
# by the test runner on a plain connection) and when DEBUG is on, unless SHANZHI_DB_POOL says so.
_testing = "PYTEST_VERSION" in os.environ
_PG_ENGINES = ("django.db.backends.postgresql", "shanzhi.core.postgresql")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "SHANZHI_DB_POOL", not DEBUG and not _testing
):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env_int("SHANZHI_DB_POOL_SIZE", 4),
        "timeout": env_int("SHANZHI_DB_POOL_TIMEOUT", 10),
    }
# Every PostgreSQL connection of ``default``, pooled or not (the tests' too), through the project's
# backend: Django's, with the pool's check above and a time loader written once (its docstring).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "shanzhi.core.postgresql"
# Prepared statements allowed (psycopg prepares none while this is None, Django's default). Django's
# own cursors bind on the client and never prepare; the few statements that ask for it do
# (``appeals.services.numbering``: the intake's INSERT, planned once per connection). A pooler
# in transaction mode (PgBouncer before 1.21) would need this off: set SHANZHI_DB_PREPARE=0.
if DATABASES["default"]["ENGINE"] in _PG_ENGINES and env_bool("SHANZHI_DB_PREPARE", True):
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A read replica (a PostgreSQL physical standby of ``default``), optional: with
# DATABASE_REPLICA_URL set, the data centre's dashboards, map layers, reports and their downloads
# read from it, writes and everything else stay on ``default``, and a browser that has just
# written reads the primary for SHANZHI_REPLICA_PIN_SECONDS (core/dbrouter.py). Same pool and
# connection settings as ``default``; never migrated (a standby is read-only).
SHANZHI_REPLICA_PIN_SECONDS = env_int("SHANZHI_REPLICA_PIN_SECONDS", 10)
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **DATABASES["default"],
        **dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"],
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=DATABASES["default"].get("CONN_HEALTH_CHECKS", True),
        ),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        # The test runner makes no database of its own for it: it reads the default's test database.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["shanzhi.core.dbrouter.ReplicaRouter"]

# --- background work ---------------------------------------------------------------------
# "db" (default): tasks live in the application's database, enqueued in the same transaction as
# the move that made them; `manage.py run_worker` runs them on the machine beside the database.
# "rq": tasks go to Redis (SHANZHI_REDIS_URL) after the move commits, and `manage.py rqworker`
# runs them on as many machines as needed. A dotted path names any other django-tasks backend.
_TASK_BACKENDS = {"db": "shanzhi.core.taskrows.DatabaseBackend", "rq": "shanzhi.core.taskqueue.RQBackend"}
SHANZHI_TASK_BACKEND = os.environ.get("SHANZHI_TASK_BACKEND", "db")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS.get(SHANZHI_TASK_BACKEND, SHANZHI_TASK_BACKEND)}}
# The data centre's monthly reports, made by the sweep on the first working day of each month.
SHANZHI_MONTHLY_REPORTS = env_bool("SHANZHI_MONTHLY_REPORTS", True)
# Red property's quarterly disclosure (公示), published by the sweep on the first working day of a quarter.
SHANZHI_QUARTERLY_DISCLOSURE = env_bool("SHANZHI_QUARTERLY_DISCLOSURE", True)
SHANZHI_REDIS_URL = os.environ.get("SHANZHI_REDIS_URL", "redis://127.0.0.1:6379/0")
if TASKS["default"]["BACKEND"].endswith("RQBackend"):
    INSTALLED_APPS.append("django_rq")
    # One RQ queue per django-tasks queue name; the project enqueues on "default" only.
    RQ_QUEUES = {
        "default": {"URL": SHANZHI_REDIS_URL, "DEFAULT_TIMEOUT": env_int("SHANZHI_TASK_TIMEOUT", 600)}
    }

# --- authentication and sessions --------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, the account and its grants read in one statement (accounts/backends.py).
    "shanzhi.accounts.backends.AccountBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("SHANZHI_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "shanzhi.accounts.passwords.CharacterClassValidator",
        "OPTIONS": {"min_classes": env_int("SHANZHI_PASSWORD_MIN_CLASSES", 3)},
    },
    {
        "NAME": "shanzhi.accounts.passwords.HistoryValidator",
        "OPTIONS": {"keep": env_int("SHANZHI_PASSWORD_HISTORY", 5)},
    },
]
# Password rotation for staff and administrators (0 = off): an older password must be changed.
SHANZHI_PASSWORD_MAX_AGE_DAYS = env_int("SHANZHI_PASSWORD_MAX_AGE_DAYS", 0)
# Idle timeout: the session expires SESSION_COOKIE_AGE seconds after the last request,
# enforced server-side because the expiry is stored with the session row; renewed at most once a
# minute by shanzhi.core.sessions (not SESSION_SAVE_EVERY_REQUEST: a write on every page view).
SESSION_COOKIE_AGE = env_int("SHANZHI_IDLE_TIMEOUT", 30 * 60)
SESSION_ENGINE = "shanzhi.core.sessions"  # Django's database store, its read compiled once
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Secure cookies follow HTTPS, not DEBUG: the demo runs with DEBUG off on plain http://127.0.0.1,
# where a browser would drop a Secure cookie and no one could log in.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SHANZHI_HTTPS

AXES_FAILURE_LIMIT = env_int("SHANZHI_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = env_int("SHANZHI_LOCKOUT_MINUTES", 15) / 60  # hours
# Per username, as 等保 asks: an office behind one NAT address must not lock everyone out
# because one person mistyped; per-IP throttling belongs to the reverse proxy.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("SHANZHI_AXES_ENABLED", True)

OTP_TOTP_ISSUER = "善治 Shanzhi"

# --- personal data ------------------------------------------------------------------------
# Key ring for AES-256-GCM field encryption: "id:base64key,id:base64key", the first is the one
# new values are written with. The blind-index key is separate and never rotates with it.
SHANZHI_KEYRING = os.environ.get("SHANZHI_KEYRING") or f"1:{_demo_secret('keyring-1', 32)}"
SHANZHI_BLIND_INDEX_KEY = os.environ.get("SHANZHI_BLIND_INDEX_KEY") or _demo_secret("blind-index", 32)
# Signs the exported heads of the audit and ledger chains (manage.py export_audit_head).
SHANZHI_AUDIT_SIGNING_KEY = os.environ.get("SHANZHI_AUDIT_SIGNING_KEY") or _demo_secret("audit-signing", 32)

# --- internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "shanzhi" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media ---------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
STATICFILES_DIRS = [BASE_DIR / "shanzhi" / "static"]
MEDIA_ROOT = Path(os.environ.get("SHANZHI_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"  # never served directly: every file goes through a permission-checked view
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

# --- transport security -------------------------------------------------------------------
# HSTS stays off unless asked for: a browser remembers it for SHANZHI_HSTS_SECONDS and refuses
# plain HTTP meanwhile, which an operator must choose knowingly (start small, then a year).
SECURE_SSL_REDIRECT = SHANZHI_HTTPS
SECURE_HSTS_SECONDS = env_int("SHANZHI_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SHANZHI_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SHANZHI_HSTS_PRELOAD", False)
if env_bool("SHANZHI_BEHIND_PROXY", False):
    # Only behind a proxy that sets this header itself: otherwise a client could forge it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp): only our own files. No inline scripts or style attributes
# (layout helpers live in shanzhi.css, progress widths are set by shanzhi.js through the CSSOM,
# which the policy allows, as it does ECharts' and Leaflet's); images also from data: and blob:
# URLs (Bootstrap's SVG icons, photo previews). Refusals are logged by shanzhi.core.csp.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": ["/csp-report"],
    }
}
# Map tiles (issue 13 §2): none by default, the registry's own layers are the base map. With a
# tile server, its URL template ({z}/{x}/{y}, {s} for subdomains), the attribution it requires, and
# the coordinate system its tiles are drawn in: wgs84 (also CGCS2000, e.g. 天地图) or gcj02 (高德,
# 腾讯); conversion happens on the server (shanzhi.registry.maps). Its host joins the CSP's img-src.
SHANZHI_MAP_TILES = os.environ.get("SHANZHI_MAP_TILES", "")
SHANZHI_MAP_ATTRIBUTION = os.environ.get("SHANZHI_MAP_ATTRIBUTION", "")
SHANZHI_MAP_CRS = os.environ.get("SHANZHI_MAP_CRS", "wgs84")
_tiles = urlsplit(SHANZHI_MAP_TILES.replace("{s}", "*"))
if _tiles.scheme in ("http", "https") and _tiles.netloc:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# --- domain settings ----------------------------------------------------------------------
SHANZHI_GRID_HOUSEHOLDS_MIN = env_int("SHANZHI_GRID_HOUSEHOLDS_MIN", 300)
SHANZHI_GRID_HOUSEHOLDS_MAX = env_int("SHANZHI_GRID_HOUSEHOLDS_MAX", 500)
# Love-bank points validity in months (0: never expire). Only the default: district staff set the
# standard in force, with its effective date, on the points rates page (/v/rates/).
SHANZHI_POINTS_EXPIRE_MONTHS = env_int("SHANZHI_POINTS_EXPIRE_MONTHS", 0)
# Where appeal notifications go: the in-app inbox always; add
# "shanzhi.appeals.services.sms.HttpSmsBackend" (comma-separated) to text residents through an SMS
# gateway (SHANZHI_SMS_GATEWAY_URL, SHANZHI_SMS_GATEWAY_TOKEN).
SHANZHI_NOTIFICATION_BACKENDS = [
    b.strip()
    for b in os.environ.get(
        "SHANZHI_NOTIFICATION_BACKENDS", "shanzhi.appeals.services.notify.DatabaseBackend"
    ).split(",")
    if b.strip()
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SHANZHI_LOG_LEVEL", "WARNING")},
}
