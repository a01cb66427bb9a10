"""Choices shared by several models (the names and values are part of the public contract)."""

from django.db import models


class Weekday(models.IntegerChoices):
    MON = 0, "Monday"
    TUE = 1, "Tuesday"
    WED = 2, "Wednesday"
    THU = 3, "Thursday"
    FRI = 4, "Friday"
    SAT = 5, "Saturday"
    SUN = 6, "Sunday"


class ExperienceLevel(models.TextChoices):
    BEGINNER = "beginner", "Beginner"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


SKILL_LEVEL_MIN, SKILL_LEVEL_MAX = 1, 5
HOURS_MIN, HOURS_MAX = 1, 40

# Models with a CSV kind (DESIGN.md) get two more permissions, import_<model> and export_<model>,
# which django-import-export's admin checks (IMPORT_EXPORT_*_PERMISSION_CODE in settings).
CSV_DEFAULT_PERMISSIONS = ("add", "change", "delete", "view", "import", "export")
