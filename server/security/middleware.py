"""Refuse an oversized API body before anything reads it.

Django only bounds bodies at DATA_UPLOAD_MAX_MEMORY_SIZE (64 MB, for the admin's CSV
imports). No API body comes near 1 MB (the largest, an opportunity, is bounded to 20,000
characters of body text), so anything bigger under /api/ is answered 413 in JSON at once,
from the Content-Length header, without reading the body.
"""

from django.conf import settings
from django.http import JsonResponse


class ApiBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = settings.API_MAX_BODY_BYTES
            if length > limit:
                return JsonResponse(
                    {"detail": f"The request body is larger than {limit:,} bytes.", "code": "body_too_large"},
                    status=413,
                )
        return self.get_response(request)
