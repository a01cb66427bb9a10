"""OpenAPI generation: drf-spectacular's AutoSchema plus the error responses every endpoint
can give, so that clients (and schemathesis) find each status code documented, and a schema
that says exactly what the server accepts (schemathesis' every check, issue 12):

- list caps (`max_length` of a many=True serializer) appear as maxItems;
- reads open to anyone say that no credentials are needed;
- request strings say they may not hold a NUL character (PostgreSQL cannot store one, so the
  API refuses it), and request objects that they take no other properties;
- the public reads (server.api.caching) document their HTTP caching: `If-None-Match`, the
  304 without a body, and the `ETag`, `Cache-Control` and `Vary` headers.
"""

from django.conf import settings
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import permissions, serializers

from server.api.caching import VARY, PublicReadCaching
from server.api.permissions import ReadAnyoneWriteStaff

NO_NUL = "^[^\\u0000]*$"

ErrorSerializer = inline_serializer(
    name="Error",
    fields={"detail": serializers.CharField(help_text="What went wrong, for a person to read.")},
)

ValidationErrorSerializer = inline_serializer(
    name="ValidationError",
    fields={
        "detail": serializers.CharField(required=False, help_text="A problem with the request as a whole."),
        "non_field_errors": serializers.ListField(child=serializers.CharField(), required=False),
    },
)


def _http_caching_parameters() -> list[OpenApiParameter]:
    header = OpenApiParameter.HEADER
    return [
        OpenApiParameter(
            "If-None-Match",
            str,
            header,
            description="The `ETag` of an earlier anonymous answer: while it is current, a 304 without a body.",
        ),
        OpenApiParameter(
            "ETag",
            str,
            header,
            response=[200, 304],
            description="Anonymous callers only. Changes as soon as a write that can change the answer "
            "commits (opportunities, their skills, projects, meeting times, the catalog), and with the date.",
        ),
        OpenApiParameter(
            "Cache-Control",
            str,
            header,
            response=[200],
            description=f"`public, max-age={settings.API_CACHE_MAX_AGE}` for anonymous callers "
            "(`DJANGO_API_CACHE_MAX_AGE`); `private, no-cache` for signed-in and token callers.",
        ),
        OpenApiParameter("Vary", str, header, response=[200], description=f"Includes `{', '.join(VARY)}`."),
    ]


class AutoSchema(openapi.AutoSchema):
    def _caches_publicly(self) -> bool:
        return self.method == "GET" and isinstance(self.view, PublicReadCaching)

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self._caches_publicly():
            parameters = [*parameters, *_http_caching_parameters()]
        return parameters

    def get_auth(self):
        auths = super().get_auth()
        anyone_reads = any(isinstance(p, ReadAnyoneWriteStaff) for p in self.view.get_permissions())
        if anyone_reads and self.method in permissions.SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions=bypass_extensions)
        if isinstance(field, serializers.ListSerializer) and field.max_length is not None:
            schema["maxItems"] = field.max_length
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        errors = {
            "400": OpenApiResponse(
                ValidationErrorSerializer,
                description="Bad input. Besides `detail` or `non_field_errors`, each bad field is a key "
                "whose value lists what is wrong with it.",
            ),
            "404": OpenApiResponse(ErrorSerializer, description="Not found, or not visible to the caller."),
        }
        if self.view.authentication_classes:
            errors["401"] = OpenApiResponse(
                ErrorSerializer, description="Staff credentials are needed, or the token given is not valid."
            )
        if self.method not in ("GET", "HEAD"):
            errors["403"] = OpenApiResponse(ErrorSerializer, description="The caller may not do this.")
            errors["413"] = OpenApiResponse(ErrorSerializer, description="The request body is larger than 1 MB.")
        if self.view.throttle_classes:
            errors["429"] = OpenApiResponse(ErrorSerializer, description="Too many requests; retry later.")
        if self._caches_publicly():
            errors["304"] = OpenApiResponse(description="Not modified: `If-None-Match` holds the current `ETag`.")
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response.response, code, direction=direction)
                responses[code]["description"] = response.description
        return responses


def _strict_request_schema(schema) -> None:
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not {"enum", "format", "pattern"} & schema.keys():
        schema["pattern"] = NO_NUL
    if schema.get("type") == "object" and "properties" in schema:
        schema.setdefault("additionalProperties", False)
    for key in ("properties",):
        for value in schema.get(key, {}).values():
            _strict_request_schema(value)
    for key in ("items", "additionalProperties"):
        _strict_request_schema(schema.get(key))
    for key in ("allOf", "anyOf", "oneOf"):
        for value in schema.get(key, []):
            _strict_request_schema(value)


def strict_requests_hook(result, generator, request, public):
    """drf-spectacular postprocessing hook: request bodies' strings refuse NUL, their objects
    unknown properties (DRF would ignore them; saying so keeps generated bodies meaningful);
    string query parameters refuse NUL too."""
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _strict_request_schema(schema)
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") == "query":
                    _strict_request_schema(parameter.get("schema"))
                    items = parameter.get("schema", {}).get("items")
                    _strict_request_schema(items)
    return result
