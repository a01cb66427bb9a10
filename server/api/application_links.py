"""The application link through the API: `GET /api/applications/<token>/` and
`POST /api/applications/<token>/withdraw/` (DESIGN.md "Applicant follow-through").

The token is the whole credential (no login); any token that is not a valid, unexpired link
to an existing application is the same JSON 404, saying nothing about whether it exists.
The rules are services.application_withdraw's, shared with the page at /applications/<token>/.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from server import services
from server.api.validation import RejectNulCharacters
from server.followthrough.tokens import application_for_token
from server.models import Application

NOT_FOUND = "No application has this link, or the link has expired."


class _Named(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    title = serializers.CharField(read_only=True)


class _Project(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


class ApplicationLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=Application.Status.choices, read_only=True)
    opportunity = _Named(read_only=True)
    project = _Project(source="opportunity.project", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


def _application(token: str) -> Application:
    application = application_for_token(token, queryset=Application.objects.select_related("opportunity__project"))
    if application is None:
        raise exceptions.NotFound(NOT_FOUND)
    return application


class ApplicationLinkView(RejectNulCharacters, APIView):
    """Anyone holding the link; throttled like every anonymous call (API_ANON_RATE)."""

    permission_classes = []
    authentication_classes = []  # the token is the credential; no session, so no CSRF either

    @extend_schema(
        summary="An application, by the link emailed to its volunteer",
        responses={200: ApplicationLinkSerializer, 404: OpenApiResponse(description=NOT_FOUND)},
    )
    def get(self, request, token):
        return Response(ApplicationLinkSerializer(_application(token)).data)


class ApplicationWithdrawView(RejectNulCharacters, APIView):
    permission_classes = []
    authentication_classes = []

    @extend_schema(
        summary="Withdraw an application, by the link emailed to its volunteer",
        description="Sets the status to withdrawn and tells the project's managers. Withdrawing again is a "
        "no-op (200); a declined application cannot be withdrawn (409).",
        request=None,
        responses={
            200: ApplicationLinkSerializer,
            404: OpenApiResponse(description=NOT_FOUND),
            409: OpenApiResponse(description="The application was declined."),
        },
    )
    def post(self, request, token):
        try:
            application = services.application_withdraw(application=_application(token))
        except services.ServiceError as error:
            return Response({"detail": " ".join(error.messages)}, status=status.HTTP_409_CONFLICT)
        return Response(ApplicationLinkSerializer(application).data)
