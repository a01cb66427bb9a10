"""Settings for Civic Tech Jobs, read from the environment.

Every variable is documented in README.md. Unset variables give a safe local setup:
SQLite in db.sqlite3, debug off.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_days, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# The organisation's home time zone: default for projects and volunteers, and for display.
ORG_TIME_ZONE = env_str("ORG_TIME_ZONE", "America/Los_Angeles")

INSTALLED_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.import_export",
    "unfold.contrib.simple_history",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "server",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "server.security.csp.ContentSecurityPolicyMiddleware",
    "server.security.middleware.ApiBodyLimitMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so it sees the sign-in views' lockout flag on the way out (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "server" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 0),
        # A persistent connection is checked before each request reuses it, so the app recovers
        # by itself after the database restarts.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast instead of hanging when the database host is unreachable; health answers 503.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DJANGO_DB_CONNECT_TIMEOUT", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The dev server and a task worker write to the same file: write transactions take the
    # lock when they begin (no "database is locked" halfway through), waiters queue for 20 s,
    # and WAL lets readers go on while one writes. Reads map the file (mmap, up to 256 MiB)
    # rather than copy its pages into each connection's own 2 MB cache, which a connection per
    # request (DJANGO_CONN_MAX_AGE=0) starts cold every time: an API list that scans the ~6,000
    # open postings (search, a sort, a deep page) costs 0.5-0.9 ms less CPU (of 4-9), a small
    # request ~0.1 ms more (the mapping is made per connection).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA mmap_size=268435456;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "server.User"
# django-axes first: a locked-out (account, client) pair is refused before any password check.
AUTHENTICATION_BACKENDS = [
    "server.security.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = ORG_TIME_ZONE
USE_I18N = True
# One date format everywhere in the admin (ISO, like the CSV files): config/formats/en/formats.py.
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
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

EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "Civic Tech Jobs <noreply@example.org>")
# SMTP, used when DJANGO_EMAIL_BACKEND is the SMTP backend (the default without debug).
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
# Short, so a slow mail server never holds a request worker for long.
EMAIL_TIMEOUT = int(env_str("DJANGO_EMAIL_TIMEOUT", "10"))

VERSION = "1.0.0"

# --- Background work (django-tasks; see server/tasks/__init__.py) ----------------------------
# The queue lives in the project's own database, so `make run` needs nothing more than SQLite
# and every worker (`python manage.py db_worker`) on every machine shares one PostgreSQL queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Absolute base of the links in emails (no trailing slash).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Seconds between attempts when the mail server refuses or times out; after the last one the
# email (and its task) is marked failed and shows on the dashboard.
EMAIL_RETRY_DELAYS = [int(s) for s in env_list("EMAIL_RETRY_DELAYS", ["30", "120", "600", "1800", "7200"])]
# An import job whose worker has not reported progress for this long is marked failed (the
# worker was killed; its transaction was rolled back, so nothing was written).
IMPORT_JOB_STALE_SECONDS = env_int("IMPORT_JOB_STALE_SECONDS", 120)

# --- Applicant follow-through (server/followthrough) ---------------------------------------
# Days after an application arrives at which its managers are reminded while it is still new:
# the first mark reminds the managers, the last one the managers with the Organizers in copy.
APPLICATION_REMINDER_DAYS = env_days("APPLICATION_REMINDER_DAYS", "3,7")
# An organisation's own email wording: templates here (e.g. emails/application_status.txt)
# are found before the built-in ones under server/templates.
EMAIL_TEMPLATES_DIR = env_str("EMAIL_TEMPLATES_DIR", "")
if EMAIL_TEMPLATES_DIR:
    TEMPLATES[0]["DIRS"].insert(0, Path(EMAIL_TEMPLATES_DIR))

# --- Production hardening -------------------------------------------------------------
# Secure by default once debug is off, so `check --deploy` is clean with only the secret key
# and the allowed hosts set. Each switch can be turned off by environment, e.g. to try the
# production start on http://localhost (DJANGO_SECURE_SSL_REDIRECT=0).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^api/health/$"]  # container and load-balancer health checks speak plain HTTP
# HSTS is only ever sent on HTTPS responses; 0 turns it off.
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
# Behind a TLS-terminating proxy that always sets X-Forwarded-Proto (never enable otherwise:
# a client could then claim HTTPS itself).
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
# How many proxies of ours append to X-Forwarded-For: the client is the N-th address from the
# right (server.security.client_ip). Without BEHIND_PROXY the connection's address is used.
NUM_PROXIES = env_int("DJANGO_NUM_PROXIES", 1)
if NUM_PROXIES < 1:
    raise ImproperlyConfigured("DJANGO_NUM_PROXIES must be 1 or more.")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env_bool("DJANGO_USE_X_FORWARDED_HOST", False)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# CSRF_COOKIE_HTTPONLY stays off: scripts (the browsable API's csrf.js) read the token from it.
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 60 * 60 * 12)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Uploads: a 100k-row CSV (about 30 MB for volunteers) must fit. Files above
# FILE_UPLOAD_MAX_MEMORY_SIZE are streamed to a temporary file instead of held in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", 64 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("DJANGO_FILE_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DJANGO_DATA_UPLOAD_MAX_NUMBER_FIELDS", 10_000)

# API bodies (never an import): at most this many bytes (server.security.middleware), JSON
# nested at most this deep (server.api.parsers). Far above any valid body, far below what
# costs the server.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 1024 * 1024)
API_MAX_JSON_DEPTH = 20

# --- Cache: throttle counters and anything else cached -------------------------------------
# With REDIS_URL every app process and container shares one cache, so each API throttle is
# one global limit; without it each process counts on its own (a per-process memory cache).
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("REDIS_KEY_PREFIX", "ctj"),
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Sign-in lockout (django-axes) on /admin/login/ and /api/auth/token/ ----------------------
# LOGIN_FAILURE_LIMIT failures for one account from one client within LOGIN_LOCKOUT_MINUTES
# lock that pair for LOGIN_LOCKOUT_MINUTES; other accounts and other clients sign in as usual.
# Attempts are stored in the database (shared by every process); Organizers unlock in the
# admin (Accounts → Sign-in lockouts) by deleting the attempt.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A locked pair stays locked LOGIN_LOCKOUT_MINUTES from the lock, however often it retries.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "server.security.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "server.security.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "server.security.lockout.lockout_response"
AXES_ENABLE_ADMIN = False  # registered by server.admin.security, in Unfold's style
AXES_VERBOSE = False

# --- Content-Security-Policy (django-csp) ---------------------------------------------------
# Everything is served from this origin (Swagger UI from drf-spectacular-sidecar, no CDN).
# The admin adds 'unsafe-eval' for Alpine.js, which Unfold uses (server.security.csp).
# Styles allow inline style attributes (Unfold's templates and Swagger UI use them); scripts
# never run inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Static files are served by whitenoise from STATIC_ROOT (collectstatic), with long cache headers.
WHITENOISE_MAX_AGE = env_int("DJANGO_STATIC_MAX_AGE", 60 * 60 * 24 * 365)

# Structured logs: one JSON object per line on stdout, for `docker compose logs` and collectors.
LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "config.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": env_str("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json"),
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}


# --- Admin (django-unfold) ----------------------------------------------------------------
# A sign-in at /admin/login/ without ?next= lands on the dashboard (Django's default is /accounts/profile/).
LOGIN_REDIRECT_URL = "admin:index"
LOGIN_URL = "admin:login"


def _can(permission):
    """Sidebar items show only to those who may open the page (the page itself still checks)."""
    return lambda request: request.user.has_perm(permission)


def _admin_link(name):
    from django.urls import reverse_lazy

    return reverse_lazy(f"admin:{name}")


def _static(path):
    from django.templatetags.static import static

    return static(path)


def _model_link(model):
    return _admin_link(f"{model.replace('.', '_')}_changelist")


UNFOLD = {
    "SITE_TITLE": "Civic Tech Jobs",
    "SITE_HEADER": "Civic Tech Jobs",
    "SITE_SUBHEADER": "Volunteer opportunities",
    "SITE_SYMBOL": "volunteer_activism",
    # Icon names are not read aloud by screen readers (server/static/server/admin-a11y.js).
    "SCRIPTS": [lambda request: _static("server/admin-a11y.js")],
    "SITE_FAVICONS": [
        {"rel": "icon", "type": "image/svg+xml", "href": lambda request: _static("server/favicon.svg")},
    ],
    "SITE_URL": "/admin/",
    "SHOW_VIEW_ON_SITE": False,
    "ENVIRONMENT": "server.admin.dashboard.environment_callback",
    "DASHBOARD_CALLBACK": "server.admin.dashboard.dashboard_callback",
    # Status tabs above the opportunity and application lists (drafts one click away).
    "TABS": "server.admin.filters.status_tabs",
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        "navigation": [
            {
                "title": "Opportunities & applications",
                "items": [
                    {"title": "Dashboard", "icon": "dashboard", "link": _admin_link("index")},
                    {
                        "title": "Opportunities",
                        "icon": "work",
                        "link": _model_link("server.opportunity"),
                        "permission": _can("server.view_opportunity"),
                    },
                    {
                        "title": "Applications",
                        "icon": "inbox",
                        "link": _model_link("server.application"),
                        "badge": "server.admin.dashboard.new_applications_badge",
                        "permission": _can("server.view_application"),
                    },
                ],
            },
            {
                "title": "People",
                "items": [
                    {
                        "title": "Volunteers",
                        "icon": "groups",
                        "link": _model_link("server.volunteer"),
                        "permission": _can("server.view_volunteer"),
                    },
                    {
                        "title": "Projects",
                        "icon": "rocket",
                        "link": _model_link("server.project"),
                        "permission": _can("server.view_project"),
                    },
                    {
                        "title": "Volunteer alerts",
                        "icon": "notifications",
                        "link": _model_link("server.alert"),
                        "permission": _can("server.view_alert"),
                    },
                    {
                        "title": "Meeting times",
                        "icon": "event",
                        "link": _model_link("server.meetingtime"),
                        "permission": _can("server.view_meetingtime"),
                    },
                ],
            },
            {
                "title": "Catalog",
                "items": [
                    {
                        "title": "Communities of practice",
                        "icon": "diversity_3",
                        "link": _model_link("server.communityofpractice"),
                        "permission": _can("server.view_communityofpractice"),
                    },
                    {
                        "title": "Roles",
                        "icon": "badge",
                        "link": _model_link("server.role"),
                        "permission": _can("server.view_role"),
                    },
                    {
                        "title": "Skills",
                        "icon": "psychology",
                        "link": _model_link("server.skill"),
                        "permission": _can("server.view_skill"),
                    },
                ],
            },
            {
                "title": "Background work",
                "items": [
                    {
                        "title": "Import jobs",
                        "icon": "upload_file",
                        "link": _model_link("server.importjob"),
                        "permission": "server.admin.background.organizers_only",
                    },
                    {
                        "title": "Task results",
                        "icon": "task_alt",
                        "link": _model_link("django_tasks_database.dbtaskresult"),
                        "permission": "server.admin.background.organizers_only",
                    },
                    {
                        "title": "Emails",
                        "icon": "mail",
                        "link": _model_link("server.outboundemail"),
                        "permission": "server.admin.background.organizers_only",
                    },
                ],
            },
            {
                "title": "Accounts",
                "items": [
                    {
                        "title": "Users",
                        "icon": "person",
                        "link": _model_link("server.user"),
                        "permission": _can("server.view_user"),
                    },
                    {
                        "title": "Groups",
                        "icon": "shield_person",
                        "link": _model_link("auth.group"),
                        "permission": _can("auth.view_group"),
                    },
                    {
                        "title": "Sign-in lockouts",
                        "icon": "lock_clock",
                        "link": _model_link("axes.accessattempt"),
                        "permission": _can("axes.view_accessattempt"),
                    },
                ],
            },
        ],
    },
}

# The REST API (server/api/). Throttle rates are per client (IP address for anonymous callers).
API_APPLICATION_RATE = env_str("API_APPLICATION_RATE", "20/hour")
API_ANON_RATE = env_str("API_ANON_RATE", "120/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["server.api.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": API_ANON_RATE, "applications": API_APPLICATION_RATE},
    "DEFAULT_PAGINATION_CLASS": "server.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["server.api.filters.FilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["server.api.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "server.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "server.api.schema.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
if DEBUG:
    # The browsable API helps while developing; production answers JSON only.
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")
SPECTACULAR_SETTINGS = {
    "TITLE": "Civic Tech Jobs API",
    "DESCRIPTION": (
        "Open volunteer opportunities, the catalog, matching and applications. Anonymous callers read open, "
        "unexpired opportunities and the catalog, and apply; staff write with `Authorization: Token <key>` "
        "(from `POST /api/auth/token/`) or a session."
    ),
    "VERSION": VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files are served from here (drf-spectacular-sidecar), not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OpportunityStatusEnum": "server.models.opportunities.Opportunity.Status",
        "ApplicationStatusEnum": "server.models.applications.Application.Status",
        "ProjectStatusEnum": "server.models.projects.Project.Status",
        "WorkEnvironmentEnum": "server.models.opportunities.Opportunity.WorkEnvironment",
        "ExperienceLevelEnum": "server.models.choices.ExperienceLevel",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "server.api.schema.strict_requests_hook",
    ],
}

# CSV import/export (django-import-export): the admin checks server.import_<model> /
# server.export_<model> (see server/models/choices.py); only Organizers hold the import ones.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"

# Public API reads (server/api/caching.py): how long a proxy or CDN may keep an anonymous
# answer (Cache-Control: public, max-age), and the shared response cache on Django's cache.
API_CACHE_MAX_AGE = env_int("DJANGO_API_CACHE_MAX_AGE", 60)
