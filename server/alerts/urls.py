"""/alerts/<token>/confirm/ and /alerts/<token>/unsubscribe/ (the links in alert emails)."""

from django.urls import path

from server.alerts import views

app_name = "alerts"

urlpatterns = [
    path("<str:token>/confirm/", views.confirm, name="confirm"),
    path("<str:token>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
]
