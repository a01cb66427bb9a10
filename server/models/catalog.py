"""The catalog organisers curate: communities of practice, the roles in them, skills."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.text import slugify

from server.models.choices import CSV_DEFAULT_PERMISSIONS


def default_slug(name: str) -> str:
    """The slug a community or project gets when none is given (save() and the CSV import)."""
    return slugify(name)


class CommunityOfPractice(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        default_permissions = CSV_DEFAULT_PERMISSIONS
        ordering = ["name"]
        verbose_name = "community of practice"
        verbose_name_plural = "communities of practice"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = default_slug(self.name)
        super().save(*args, **kwargs)


class Role(models.Model):
    title = models.CharField(max_length=100)
    community_of_practice = models.ForeignKey(CommunityOfPractice, on_delete=models.PROTECT, related_name="roles")
    description = models.TextField(blank=True)

    class Meta:
        default_permissions = CSV_DEFAULT_PERMISSIONS
        ordering = ["title", "community_of_practice__name"]
        constraints = [
            models.UniqueConstraint(fields=["title", "community_of_practice"], name="role_title_cop_unique"),
        ]

    def __str__(self):
        return f"{self.title} ({self.community_of_practice.name})"


def skill_key(name: str) -> str:
    """How a typed skill name is compared: without surrounding spaces, ignoring case."""
    return str(name).strip().lower()


class SkillQuerySet(models.QuerySet):
    """The one way skills are found by name (CSV, API bodies and filters): by `skill_key`, in
    Python, so SQLite's ASCII-only LOWER never makes two doors disagree. The catalog is small."""

    def by_key(self) -> dict[str, int]:
        """Every skill's key → pk (the importer loads the table once per file)."""
        return {skill_key(name): pk for pk, name in self.values_list("pk", "name")}

    def finder(self):
        """A function: name → its Skill, or None. The catalog's names are read once, as plain
        rows (one query), and an instance (id and name loaded) is made only for a name found:
        a body or a filter listing several skills costs one query, not a table load per name."""
        rows = {skill_key(name): (pk, name) for pk, name in self.values_list("pk", "name")}

        def find(name):
            row = rows.get(skill_key(name))
            return None if row is None else self.model.from_db(self.db, ["id", "name"], row)

        return find

    def named(self, names) -> dict[str, "Skill"]:
        """key → Skill for those of `names` that exist; callers report the missing ones."""
        find = self.finder()
        found = {skill_key(name): find(name) for name in names}
        return {key: skill for key, skill in found.items() if skill is not None}


class Skill(models.Model):
    name = models.CharField(max_length=100)
    communities_of_practice = models.ManyToManyField(CommunityOfPractice, related_name="skills", blank=True)
    description = models.TextField(blank=True)

    objects = SkillQuerySet.as_manager()

    class Meta:
        default_permissions = CSV_DEFAULT_PERMISSIONS
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="skill_name_ci_unique")]

    def __str__(self):
        return self.name

    def validate_constraints(self, exclude=None):
        # Name the clash in words a person understands rather than the constraint name.
        if self.name and Skill.objects.filter(name__iexact=self.name).exclude(pk=self.pk).exists():
            raise ValidationError({"name": f'A skill named "{self.name}" already exists (names ignore case).'})
        super().validate_constraints(exclude=exclude)
