from django.urls import path

from server.followthrough import views

app_name = "followthrough"

urlpatterns = [
    path("<str:token>/", views.application_page, name="application"),
]
