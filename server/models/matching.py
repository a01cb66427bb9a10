from django.db import models


class MatchChange(models.Model):
    """One row per candidate changed, written by database triggers (migration
    0006_matching_change_log), never by Python code.

    The rankings keep a compact in-memory copy of every candidate (server.matching.compact);
    this log tells each process which candidates to read again. Triggers see every write —
    ORM saves, bulk_create, QuerySet.update, the CSV importer's raw executemany, cascades — so
    no write path can forget to report one. `kind` is "v" (a volunteer, its skills, slots or
    roles) or "o" (an opportunity or its skills); `token` is random so a reader notices a
    rolled-back log (tests, failed imports) even when ids are reused.
    """

    kind = models.CharField(max_length=1)
    object_id = models.CharField(max_length=64)
    token = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["kind", "id"], name="match_change_kind_id")]

    def __str__(self):
        return f"{self.kind}:{self.object_id}#{self.pk}"
