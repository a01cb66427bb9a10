"""Throttles for anonymous callers. Rates come from settings (API_ANON_RATE, API_APPLICATION_RATE).

The rate is read when a request is throttled, not when the module is imported, so a changed
setting (an environment variable at start-up, override_settings in tests) always applies.
The client is server.security.client_ip (the connection, or the address our own proxies
recorded), never a header the client chose. Counters live in Django's cache: shared by every
process and container when REDIS_URL is set, per process otherwise.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings

from server.security.client_ip import client_ip


class _ClientThrottle:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_ident(self, request):
        return client_ip(request)


class AnonRateThrottle(_ClientThrottle, throttling.AnonRateThrottle):
    """Every anonymous call: `API_ANON_RATE` (default 120/minute) per client."""

    scope = "anon"


class ApplicationRateThrottle(_ClientThrottle, throttling.AnonRateThrottle):
    """Anonymous applications: `API_APPLICATION_RATE` (default 20/hour) per client.

    Staff recording an application on someone's behalf are not throttled.
    """

    scope = "applications"
