"""The REST API views: thin over server.services (writes, applications) and the scoped
querysets of the models (reads)."""

from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, filters, mixins, parsers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from server import services
from server.api import serializers
from server.api.caching import PublicReadCaching, cached_match
from server.api.exceptions import as_drf_validation_error
from server.api.filters import OpportunityFilter, RoleFilter, SearchFilter, SkillFilter
from server.api.items import ItemPages, items_by_pk, match_results, opportunity_items
from server.api.parsers import JSONParser
from server.api.permissions import ReadAnyoneWriteStaff
from server.api.selectors import is_staff, opportunities_for
from server.api.throttling import ApplicationRateThrottle
from server.api.validation import RejectNulCharacters
from server.matching import rank_opportunities
from server.models import CommunityOfPractice, MeetingTime, Opportunity, Project, Role, Skill
from server.permissions import manages_project, opportunities_managed_by
from server.tasks.status import waiting_figures


@contextmanager
def _status_errors():
    """The services refuse only status changes here: name the `status` field in the 400."""
    try:
        yield
    except services.ServiceError as error:
        raise as_drf_validation_error(error, field="status") from None


class StableOrderingFilter(filters.OrderingFilter):
    """The asked ordering, then newest first and the id, so pages never overlap or skip rows.
    An unknown field is a 400 (DRF would silently ignore it)."""

    def get_ordering(self, request, queryset, view):
        asked = request.query_params.get(self.ordering_param)
        if asked is not None:
            allowed = view.ordering_fields
            for term in asked.split(","):
                if term.strip().lstrip("-") not in allowed:
                    choices = ", ".join(f"{field}, -{field}" for field in allowed)
                    raise exceptions.ValidationError({self.ordering_param: [f'"{term}" is not one of: {choices}.']})
        ordering = list(super().get_ordering(request, queryset, view) or [])
        for tiebreaker in ("-created_at", "id"):
            if tiebreaker.lstrip("-") not in {field.lstrip("-") for field in ordering}:
                ordering.append(tiebreaker)
        return ordering


@extend_schema_view(
    list=extend_schema(
        summary="List opportunities",
        description="Anonymous callers see open, unexpired ones.",
        parameters=[
            OpenApiParameter(
                "ordering",
                str,
                enum=["published_at", "-published_at", "min_hours_per_week", "-min_hours_per_week"],
                description="Sort order (default: newest published first).",
            ),
            # django-filter's bounds do not reach the schema: say them, as the filter refuses others.
            OpenApiParameter(
                "max_hours",
                {"type": "number", "minimum": 0, "maximum": 168},
                description="Only opportunities asking at most this many hours per week.",
            ),
        ],
    ),
    retrieve=extend_schema(summary="One opportunity", description="404 for anything the caller may not see."),
    create=extend_schema(
        summary="Create an opportunity (staff)",
        description="Project managers only for projects they manage (403 otherwise).",
        request=serializers.OpportunityWriteSerializer,
        responses={201: serializers.OpportunitySerializer},
    ),
    update=extend_schema(
        summary="Replace an opportunity (staff)",
        request=serializers.OpportunityWriteSerializer,
        responses={200: serializers.OpportunitySerializer},
    ),
    partial_update=extend_schema(
        summary="Change an opportunity (staff)",
        description="A new `status` goes through the usual transition rules (400 when not allowed).",
        request=serializers.OpportunityWriteSerializer,
        responses={200: serializers.OpportunitySerializer},
    ),
    destroy=extend_schema(
        summary="Delete an opportunity (staff)",
        description="Organizers, and project managers for the projects they manage (404 for any other row).",
    ),
)
class OpportunityViewSet(PublicReadCaching, RejectNulCharacters, viewsets.ModelViewSet):
    serializer_class = serializers.OpportunitySerializer
    permission_classes = [ReadAnyoneWriteStaff]
    filter_backends = [*viewsets.ModelViewSet.filter_backends, SearchFilter, StableOrderingFilter]
    filterset_class = OpportunityFilter
    lookup_value_regex = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
    search_fields = ["title", "body", "role__title", "project__name"]
    ordering_fields = ["published_at", "min_hours_per_week"]
    ordering = ["-published_at", "-created_at", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular inspecting the view
            return Opportunity.objects.none()
        queryset = opportunities_for(self.request.user)
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            # Writes reach only rows the caller manages: anything else is a 404.
            queryset = opportunities_managed_by(self.request.user)
        return queryset

    # Reads build plain items (server.api.items), not a serializer per row; answers to
    # anonymous callers go through the validators and the shared cache (PublicReadCaching).

    def list(self, request, *args, **kwargs):
        def build():
            page = self.paginate_queryset(ItemPages(self.filter_queryset(self.get_queryset())))
            return self.get_paginated_response(page)

        return self.handle_cached(request, build)

    def retrieve(self, request, *args, **kwargs):
        def build():
            queryset = self.filter_queryset(self.get_queryset())
            found = opportunity_items(queryset.filter(pk=self.kwargs[self.lookup_field]))
            if not found:
                raise Http404
            return Response(found[0])

        return self.handle_cached(request, build)

    def get_serializer_class(self):
        if self.request is not None and self.request.method in ("POST", "PUT", "PATCH"):
            return serializers.OpportunityWriteSerializer
        return serializers.OpportunitySerializer

    def create(self, request, *args, **kwargs):
        data = self._validated(request)
        with _status_errors():
            opportunity = services.opportunity_create(by=request.user, **data)
        return Response(self._item(opportunity), status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        opportunity = self.get_object()
        data = self._validated(request, instance=opportunity, partial=partial)
        with _status_errors():
            opportunity = services.opportunity_update(opportunity=opportunity, by=request.user, **data)
        return Response(self._item(opportunity))

    def perform_destroy(self, instance):
        instance.delete()

    def _validated(self, request, instance=None, partial=False) -> dict:
        serializer = serializers.OpportunityWriteSerializer(
            instance, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project = data.get("project")
        if project is not None and not manages_project(request.user, project):
            raise exceptions.PermissionDenied(f'You do not manage the project "{project.slug}".')
        for field in ("required_skills", "preferred_skills"):
            if field in data:
                data[field] = [(item["name"], item["level"]) for item in data[field]]
        return data

    def _item(self, opportunity):
        return items_by_pk([opportunity.pk])[0]


@extend_schema_view(
    list=extend_schema(summary="List communities of practice"),
    retrieve=extend_schema(summary="One community of practice"),
)
class CommunityViewSet(PublicReadCaching, RejectNulCharacters, viewsets.ReadOnlyModelViewSet):
    queryset = CommunityOfPractice.objects.order_by("name")
    serializer_class = serializers.CommunitySerializer
    lookup_field = "slug"


@extend_schema_view(list=extend_schema(summary="List roles"), retrieve=extend_schema(summary="One role"))
class RoleViewSet(PublicReadCaching, RejectNulCharacters, viewsets.ReadOnlyModelViewSet):
    queryset = Role.objects.select_related("community_of_practice").order_by("title", "community_of_practice__name")
    serializer_class = serializers.RoleSerializer
    filterset_class = RoleFilter


@extend_schema_view(list=extend_schema(summary="List skills"), retrieve=extend_schema(summary="One skill"))
class SkillViewSet(PublicReadCaching, RejectNulCharacters, viewsets.ReadOnlyModelViewSet):
    queryset = Skill.objects.prefetch_related(
        Prefetch("communities_of_practice", queryset=CommunityOfPractice.objects.order_by("name"))
    ).order_by("name")
    serializer_class = serializers.SkillSerializer
    filterset_class = SkillFilter
    filter_backends = [*viewsets.ReadOnlyModelViewSet.filter_backends, SearchFilter]
    search_fields = ["name"]


@extend_schema_view(list=extend_schema(summary="List projects"), retrieve=extend_schema(summary="One project"))
class ProjectViewSet(PublicReadCaching, RejectNulCharacters, viewsets.ReadOnlyModelViewSet):
    queryset = Project.objects.prefetch_related(
        Prefetch("meeting_times", queryset=MeetingTime.objects.order_by("weekday", "start", "end"))
    ).order_by("name")
    serializer_class = serializers.ProjectSerializer
    lookup_field = "slug"


# Flat bodies may also come as an HTML form posts them (and as `obtain_auth_token` takes them).
FLAT_BODY_PARSERS = [JSONParser, parsers.FormParser, parsers.MultiPartParser]


class ApplicationViewSet(RejectNulCharacters, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = serializers.ApplicationCreateSerializer
    parser_classes = FLAT_BODY_PARSERS
    throttle_classes = [ApplicationRateThrottle]

    @extend_schema(
        summary="Apply to an open opportunity",
        description=(
            "Creates or updates the volunteer by email. Applying again to the same opportunity returns the "
            "existing application with 200, never a duplicate."
        ),
        request=serializers.ApplicationCreateSerializer,
        responses={
            201: OpenApiResponse(serializers.ApplicationSerializer, description="Application recorded."),
            200: OpenApiResponse(serializers.ApplicationSerializer, description="Already applied: the existing one."),
        },
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            application, created = services.application_apply(
                opportunity=data["opportunity"], email=data["email"], name=data["name"], message=data["message"]
            )
        except services.ServiceError as error:
            raise exceptions.ValidationError({"opportunity": error.messages}) from None
        body = serializers.ApplicationSerializer(application).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class MatchView(RejectNulCharacters, APIView):
    """The qualifier flow: rank open opportunities for a volunteer's answers (stores nothing)."""

    @extend_schema(
        summary="Best open opportunities for a volunteer's answers",
        description=(
            'Scores as in DESIGN.md "Matching"; best first, ties newest first. Postings that list skills '
            "come back only when the volunteer holds one of them, so fewer than `limit` results may come "
            "back. Each result explains its `breakdown` in words in `explanation`. Nothing is stored."
        ),
        request=serializers.MatchRequestSerializer,
        responses={200: serializers.MatchResultsSerializer},
    )
    def post(self, request):
        serializer = serializers.MatchRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile, limit = serializer.to_profile(), serializer.validated_data["limit"]

        def build():
            # The winners' items are built from their ids (items.match_results): the ranking
            # need not load whole rows.
            ranked = rank_opportunities(profile=profile, limit=limit, queryset=Opportunity.objects.only("pk"))
            return {"results": match_results(ranked)}

        return Response(cached_match(request, profile=profile, limit=limit, build=build))


class TokenView(RejectNulCharacters, APIView):
    """Exchange a staff user's email and password for an API token."""

    authentication_classes = []
    permission_classes = []
    parser_classes = FLAT_BODY_PARSERS

    @extend_schema(
        summary="Get an API token (staff)",
        request=serializers.TokenRequestSerializer,
        responses={200: serializers.TokenSerializer},
        auth=[],
    )
    def post(self, request):
        serializer = serializers.TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Django's request, not DRF's: the sign-in lockout (django-axes) marks it, and its
        # middleware answers a locked-out client 429 (server.security.lockout).
        user = authenticate(
            request._request,
            email=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        if user is None or not is_staff(user):
            raise exceptions.ValidationError(
                {"non_field_errors": ["No staff account matches this email and password."]}
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class HealthView(APIView):
    """For load balancers and `docker compose`: is the app up and can it reach its database?

    Also how many tasks wait and for how long; a busy queue is reported, never a failure.
    """

    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    @extend_schema(
        summary="Health check",
        responses={
            200: serializers.HealthSerializer,
            503: OpenApiResponse(serializers.HealthSerializer, description="The database is unreachable."),
        },
        auth=[],
    )
    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            return Response(
                {"status": "error", "database": "unavailable", "version": settings.VERSION},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        try:
            tasks = waiting_figures()
        except DatabaseError:  # e.g. the worker's tables are not migrated yet: still healthy
            tasks = {"queued": 0, "oldest_seconds": 0}
        return Response({"status": "ok", "database": "ok", "version": settings.VERSION, "tasks": tasks})
