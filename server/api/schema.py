"""OpenAPI generation: drf-spectacular's AutoSchema plus the error responses every endpoint
can give, so that clients (and schemathesis) find each status code documented."""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

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


class AutoSchema(openapi.AutoSchema):
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
        if self.view.throttle_classes:
            errors["429"] = OpenApiResponse(ErrorSerializer, description="Too many requests; retry later.")
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response.response, code, direction=direction)
                responses[code]["description"] = response.description
        return responses
