"""What "the database is unavailable" means and how it is answered: shared by the API's
exception handler and the project's middleware (config/middleware.py), owned by the app so
the app never imports the project."""

from django.db import DatabaseError, InterfaceError, OperationalError

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
