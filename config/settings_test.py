"""Settings for the test suite: the real settings with a throwaway key and a fast hasher.

DATABASE_URL still selects the database, so the same suite runs on SQLite and PostgreSQL.
"""
import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Memory; a real `db_worker` subprocess of the tests sends to a local aiosmtpd server instead
# (server/tests/worker_settings.py).
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than memory, so a real `db_worker` subprocess can open the test database.
    (BASE_DIR / "test-output").mkdir(exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-output" / f"test-db-{os.getpid()}.sqlite3")}  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# The test client and the browser tests' live server speak plain HTTP on localhost; the
# production defaults (HTTPS redirect, secure cookies) are tested through subprocesses with
# production variables in server/tests/test_production.py.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# No collectstatic before tests: WhiteNoise finds files through the finders, as in development.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
if REDIS_URL:  # noqa: F405
    # A prefix of this run's own, so parallel runs on one Redis never see each other's
    # counters (server/tests/caching.py deletes only these keys).
    import uuid

    CACHES["default"]["KEY_PREFIX"] = f"ctj-test-{uuid.uuid4().hex[:12]}"  # noqa: F405
