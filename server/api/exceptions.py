"""JSON errors everywhere under /api/.

DRF already answers its own exceptions as JSON; this handler adds the cases it leaves to
Django: a business rule's ValidationError (services.ServiceError) becomes a 400 naming the
field, a lost database connection a JSON 503 with Retry-After (as /api/health/ answers then),
and an unexpected exception a JSON 500 (logged) instead of an HTML page.
"""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from server.unavailable import RETRY_AFTER_SECONDS, UNAVAILABLE_BODY, is_database_unavailable

logger = logging.getLogger(__name__)


def as_drf_validation_error(error: DjangoValidationError, *, field: str | None = None) -> exceptions.ValidationError:
    """Django's ValidationError in DRF's shape; `field` names the input when the error has none."""
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.message_dict)
    if field:
        return exceptions.ValidationError({field: error.messages})
    return exceptions.ValidationError({"detail": error.messages[0] if len(error.messages) == 1 else error.messages})


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = as_drf_validation_error(exc)
    response = drf_exception_handler(exc, context)
    if response is None and is_database_unavailable(exc):
        logger.error("Database unavailable in %s: %s", context.get("view").__class__.__name__, exc)
        return Response(
            UNAVAILABLE_BODY, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": RETRY_AFTER_SECONDS}
        )
    if response is None:
        logger.exception("Unhandled error in %s", context.get("view").__class__.__name__, exc_info=exc)
        response = Response({"detail": "Internal server error."}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    return response


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([])
@throttle_classes([])
def not_found(request, *args, **kwargs):
    """Any /api/ path no endpoint claims: a JSON 404 rather than Django's HTML page."""
    raise exceptions.NotFound(f'No API endpoint at "{request.path}". See /api/docs/ for the list.')
