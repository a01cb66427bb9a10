"""Turn a lost database connection into a clean, quick 503 instead of a traceback page.

When PostgreSQL restarts or is unreachable, every view that touches it raises
OperationalError / InterfaceError. API clients get a JSON body like every other API error,
the admin gets a short HTML page; both with Retry-After. Django's persistent connections
(CONN_MAX_AGE with health checks) reconnect on the next request once the database is back,
so no restart is needed.
"""

import logging

from django.http import HttpResponse, JsonResponse

# The app owns what "the database is unavailable" means and says (the API's exception handler
# answers the same); the project's middleware only uses it.
from server.unavailable import MESSAGE, RETRY_AFTER_SECONDS, UNAVAILABLE_BODY, is_database_unavailable  # noqa: F401

logger = logging.getLogger("server.database")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.error("database unavailable", extra={"path": request.path, "error": str(exception)[:200]})
        if request.path.startswith("/api/"):
            response = JsonResponse(UNAVAILABLE_BODY, status=503)
        else:
            response = HttpResponse(
                f"<!doctype html><title>Service unavailable</title><h1>Service unavailable</h1><p>{MESSAGE}</p>",
                status=503,
            )
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
