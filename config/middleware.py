"""Turn a lost database connection into a clean, quick 503 instead of a traceback page.

When PostgreSQL restarts or is unreachable, every view that touches it raises
OperationalError / InterfaceError. API clients get a JSON body like every other API error,
the admin gets a short HTML page; both with Retry-After. Django's persistent connections
(CONN_MAX_AGE with health checks) reconnect on the next request once the database is back,
so no restart is needed.
"""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger("server.database")

RETRY_AFTER_SECONDS = "5"
MESSAGE = "The database is unavailable. Please try again shortly."
# The JSON body of every such answer under /api/ (this middleware and the API's exception handler).
UNAVAILABLE_BODY = {"detail": MESSAGE, "code": "database_unavailable"}


def is_database_unavailable(exception: BaseException) -> bool:
    """A connection problem (not a bad query): OperationalError/InterfaceError, possibly wrapped."""
    seen = exception
    while seen is not None:
        if isinstance(seen, OperationalError | InterfaceError):
            return True
        if not isinstance(seen, DatabaseError):
            # e.g. DRF or a template wrapping the original error
            seen = seen.__cause__ or seen.__context__
            continue
        return False
    return False


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
