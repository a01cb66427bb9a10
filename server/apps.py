from django.apps import AppConfig


class ServerConfig(AppConfig):
    name = "server"
    verbose_name = "Civic Tech Jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from server.security import lockout  # noqa: F401  (connects the lockout log line)
