"""Settings for Civic Tech Jobs, read from the environment.

Every variable is documented in README.md. Unset variables give a safe local setup:
SQLite in db.sqlite3, debug off.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_list, env_str

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
    "import_export",
    "simple_history",
    "server",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
        conn_max_age=int(env_str("DJANGO_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "server.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = ORG_TIME_ZONE
USE_I18N = True
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

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Civic Tech Jobs API",
    "DESCRIPTION": "Open volunteer opportunities, the catalog, matching and applications.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

VERSION = "1.0.0"


# --- Admin (django-unfold) ----------------------------------------------------------------
def _can(permission):
    """Sidebar items show only to those who may open the page (the page itself still checks)."""
    return lambda request: request.user.has_perm(permission)


def _admin_link(name):
    from django.urls import reverse_lazy

    return reverse_lazy(f"admin:{name}")


def _model_link(model):
    return _admin_link(f"{model.replace('.', '_')}_changelist")


UNFOLD = {
    "SITE_TITLE": "Civic Tech Jobs",
    "SITE_HEADER": "Civic Tech Jobs",
    "SITE_SUBHEADER": "Volunteer opportunities",
    "SITE_SYMBOL": "volunteer_activism",
    "SITE_URL": "/admin/",
    "SHOW_VIEW_ON_SITE": False,
    "ENVIRONMENT": "server.admin.dashboard.environment_callback",
    "DASHBOARD_CALLBACK": "server.admin.dashboard.dashboard_callback",
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
                ],
            },
        ],
    },
}
