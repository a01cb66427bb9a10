"""POST /api/alerts/ (DESIGN.md "Volunteer alerts"): ask to hear about new matching openings.

The profile is validated by the match request's own fields (one home for "unknown skill",
"bad availability", time zone, hours, roles), plus the alert's email, name, frequency and
min_score. The answer never says whether the address was known: always 202.
"""

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from server.alerts.services import alert_subscribe
from server.api.serializers import MatchRequestSerializer, model_bounded
from server.api.throttling import ApplicationRateThrottle
from server.api.validation import RejectNulCharacters
from server.models import Alert
from server.models.alerts import MIN_SCORE_DEFAULT


class AlertRequestSerializer(MatchRequestSerializer):
    """The qualifier's answers (as POST /api/match/) plus where and how often to send."""

    limit = None  # not an alert's: a digest carries at most 10
    email = model_bounded(Alert, "email", serializers.EmailField)
    name = model_bounded(Alert, "name", required=False, allow_blank=True, default="")
    frequency = serializers.ChoiceField(choices=Alert.Frequency.choices, default=Alert.Frequency.WEEKLY)
    min_score = serializers.FloatField(min_value=0, max_value=100, default=MIN_SCORE_DEFAULT)

    def subscribe(self) -> Alert:
        data = self.validated_data
        return alert_subscribe(
            email=data["email"],
            name=data["name"],
            community_of_practice=data.get("community_of_practice"),
            roles=data.get("roles", []),
            skills=[(item["name"], item["level"]) for item in data["skills"]],
            max_hours_per_week=data.get("max_hours_per_week"),
            timezone_name=data.get("timezone") or settings.ORG_TIME_ZONE,
            availability=data.get("availability", ()),
            frequency=data["frequency"],
            min_score=data["min_score"],
        )


class AlertAcceptedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["confirmation sent"], read_only=True)


class AlertView(RejectNulCharacters, APIView):
    """Subscribe to a digest; double opt-in: the only email before confirming is the link."""

    throttle_classes = [ApplicationRateThrottle]

    @extend_schema(
        summary="Ask for a digest of new matching opportunities",
        description=(
            "Stores the profile and emails a confirmation link; nothing else is sent until it is confirmed. "
            "The same email again replaces the profile and sends a new confirmation. Throttled like applications."
        ),
        request=AlertRequestSerializer,
        responses={202: OpenApiResponse(AlertAcceptedSerializer, description="Confirmation sent.")},
        auth=[],
    )
    def post(self, request):
        serializer = AlertRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.subscribe()
        return Response({"status": "confirmation sent"}, status=status.HTTP_202_ACCEPTED)
