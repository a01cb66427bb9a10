from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView

urlpatterns = [
    # The admin is the app: the site root and the browsers' default icon request lead there.
    path("", RedirectView.as_view(url=reverse_lazy("admin:index")), name="home"),
    path("favicon.ico", lambda request: redirect(static("server/favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("api/", include("server.api.urls")),
    path("applications/", include("server.followthrough.urls")),
    path("alerts/", include("server.alerts.urls")),
]
