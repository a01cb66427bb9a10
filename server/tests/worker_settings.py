"""Settings of the `db_worker` subprocesses the tests start (server/tests/conftest.py): the test
settings, sending through the test's aiosmtpd server when it gives one."""

import os

from config.settings_test import *  # noqa: F403

if os.environ.get("TEST_EMAIL_BACKEND"):
    EMAIL_BACKEND = os.environ["TEST_EMAIL_BACKEND"]
