from django.db import migrations


def install(apps, schema_editor):
    from server.matching import triggers

    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    """The change-log triggers on the public catalog tables too (server.api.caching)."""

    dependencies = [("server", "0007_merge_matching")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
