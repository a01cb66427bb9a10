from django.apps import AppConfig


class ServerConfig(AppConfig):
    name = "server"
    verbose_name = "Civic Tech Jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from server.alerts import digests  # noqa: F401  (connects the publish receiver of alerts)
        from server.security import lockout  # noqa: F401  (connects the lockout log line)
        from server.tasks import expiry  # noqa: F401  (connects the expiry receivers)

        post_migrate.connect(_install_matching_triggers, sender=self)


def _install_matching_triggers(sender, using="default", **kwargs):
    """SQLite drops a table's triggers when a migration rebuilds it: put them back (idempotent)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from server.matching import triggers

    connection = connections[using]
    if MigrationRecorder(connection).migration_qs.filter(app="server", name="0006_matching_change_log").exists():
        triggers.install(connection)
