"""Routes under /api/ (DESIGN.md "REST API"). Anything else under /api/ is a JSON 404."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from server.api import alerts, application_links, views
from server.api.exceptions import not_found

app_name = "api"

router = SimpleRouter()
router.register("opportunities", views.OpportunityViewSet, basename="opportunity")
router.register("communities", views.CommunityViewSet, basename="community")
router.register("roles", views.RoleViewSet, basename="role")
router.register("skills", views.SkillViewSet, basename="skill")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("applications", views.ApplicationViewSet, basename="application")

urlpatterns = [
    path("health/", views.HealthView.as_view(), name="health"),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("match/", views.MatchView.as_view(), name="match"),
    path("applications/<str:token>/", application_links.ApplicationLinkView.as_view(), name="application-link"),
    path(
        "applications/<str:token>/withdraw/",
        application_links.ApplicationWithdrawView.as_view(),
        name="application-withdraw",
    ),
    path("alerts/", alerts.AlertView.as_view(), name="alerts"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script under the CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
    re_path(r"^[\s\S]*$", not_found, name="not-found"),  # any path, newlines included
]
