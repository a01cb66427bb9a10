"""Throttles for anonymous callers. Rates come from settings (API_ANON_RATE, API_APPLICATION_RATE).

The rate is read when a request is throttled, not when the module is imported, so a changed
setting (an environment variable at start-up, override_settings in tests) always applies.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _RateFromSettings:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class AnonRateThrottle(_RateFromSettings, throttling.AnonRateThrottle):
    """Every anonymous call: `API_ANON_RATE` (default 120/minute) per client."""

    scope = "anon"


class ApplicationRateThrottle(_RateFromSettings, throttling.AnonRateThrottle):
    """Anonymous applications: `API_APPLICATION_RATE` (default 20/hour) per client.

    Staff recording an application on someone's behalf are not throttled.
    """

    scope = "applications"
