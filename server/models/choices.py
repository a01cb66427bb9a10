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
