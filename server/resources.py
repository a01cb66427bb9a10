"""One django-import-export resource per CSV kind of DESIGN.md, with exactly its headers.

The resources own the columns and the cell formats (their widgets, server/widgets.py).
Export is django-import-export's own (so the admin offers CSV, XLSX and JSON), with every
cell that looks like a formula escaped. Import goes through server.importing, which reads
each cell with these same widgets but checks the whole file before writing anything and
writes in bulk: `import_data` is overridden to call it and to answer with
django-import-export's `Result`, so the admin's preview/confirm flow works unchanged while
showing only a summary, the errors and at most a page of rows.
"""

from __future__ import annotations

from django.db.models import Prefetch
from import_export import resources
from import_export.fields import Field
from import_export.results import Error, Result, RowResult

from server.importing import KINDS, run_import
from server.models import (
    Application,
    CommunityOfPractice,
    MeetingTime,
    Opportunity,
    OpportunitySkill,
    Project,
    Role,
    Skill,
    Volunteer,
)
from server.models.choices import ExperienceLevel
from server.models.validators import value_bounds
from server.widgets import (
    CellError,
    ChoiceWidget,
    DateWidget,
    EmailWidget,
    IntegerWidget,
    NameListWidget,
    NaturalKeyWidget,
    ScheduleWidget,
    SkillLevelsWidget,
    SlugWidget,
    TextWidget,
    TimeZoneWidget,
    URLWidget,
    UUIDWidget,
    escape_formula,
)

ADMIN_ERRORS_SHOWN = 200


def text(model, name, widget=TextWidget):
    """A text cell bounded by the model field's own max_length (the one home of the bound)."""
    return widget(max_length=model._meta.get_field(name).max_length)


def whole(model, name):
    """A whole-number cell bounded by the model field's validators."""
    minimum, maximum = value_bounds(model._meta.get_field(name))
    return IntegerWidget(minimum=minimum, maximum=maximum)


def column(name, widget, attribute=None):
    return Field(attribute=attribute or name, column_name=name, widget=widget)


class CSVResource(resources.ModelResource):
    """Base: the kind's name, formula escaping on export, import through server.importing."""

    kind: str = ""

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def filter_export(self, queryset, **kwargs):
        return self.optimise(queryset)

    def optimise(self, queryset):
        """select_related / prefetch_related so export costs a few queries per chunk, not per row."""
        return queryset

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        rows = ((number, list(cells)) for number, cells in enumerate(dataset, start=2))
        report = run_import(
            kind=self.kind,
            headers=list(dataset.headers or []),
            rows=rows,
            user=kwargs.get("user"),
            dry_run=dry_run,
            resource=self,
        )
        return report_to_result(report)

    @classmethod
    def get_display_name(cls):
        return cls.kind


def report_to_result(report) -> Result:
    """django-import-export's Result for an ImportReport: totals, errors, and a page of rows."""
    result = Result()
    result.report = report
    result.diff_headers = list(report.columns)
    for error in report.errors[:ADMIN_ERRORS_SHOWN]:
        result.append_base_error(Error(CellError(error)))
    if len(report.errors) > ADMIN_ERRORS_SHOWN:
        result.append_base_error(Error(CellError(f"… and {len(report.errors) - ADMIN_ERRORS_SHOWN} more errors")))
    result.totals[RowResult.IMPORT_TYPE_NEW] = report.new
    result.totals[RowResult.IMPORT_TYPE_UPDATE] = report.updated
    result.totals[RowResult.IMPORT_TYPE_SKIP] = report.unchanged
    result.total_rows = report.new + report.updated + report.unchanged
    result.summary_items = [
        ("new", report.new),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
        ("errors", len(report.errors)),
    ]
    result.preview_hidden = max(result.total_rows - len(report.preview), 0) if report.dry_run else 0
    if report.dry_run:
        types = {"new": RowResult.IMPORT_TYPE_NEW, "updated": RowResult.IMPORT_TYPE_UPDATE}
        for preview in report.preview:
            row = RowResult()
            row.import_type = types.get(preview.action, RowResult.IMPORT_TYPE_SKIP)
            row.diff = [str(cell)[:80] for cell in preview.cells]
            row.number = preview.number
            result.append_row_result(row)
    return result


class CommunityResource(CSVResource):
    kind = "communities"
    name = column("name", text(CommunityOfPractice, "name"))
    slug = column("slug", text(CommunityOfPractice, "slug", SlugWidget))
    description = column("description", TextWidget())

    class Meta:
        model = CommunityOfPractice
        fields = export_order = KINDS["communities"].columns
        import_id_fields = ("name",)


class RoleResource(CSVResource):
    kind = "roles"
    title = column("title", text(Role, "title"))
    community_of_practice = column("community_of_practice", NaturalKeyWidget(resolver="community"))
    description = column("description", TextWidget())

    class Meta:
        model = Role
        fields = export_order = KINDS["roles"].columns
        import_id_fields = ("title", "community_of_practice")

    def optimise(self, queryset):
        return queryset.select_related("community_of_practice")


class SkillResource(CSVResource):
    kind = "skills"
    name = column("name", text(Skill, "name"))
    communities_of_practice = column(
        "communities_of_practice", NameListWidget(resolver="community", label="community of practice")
    )
    description = column("description", TextWidget())

    class Meta:
        model = Skill
        fields = export_order = KINDS["skills"].columns
        import_id_fields = ("name",)

    def optimise(self, queryset):
        return queryset.prefetch_related("communities_of_practice")


class ProjectResource(CSVResource):
    kind = "projects"
    name = column("name", text(Project, "name"))
    slug = column("slug", text(Project, "slug", SlugWidget))
    status = column("status", ChoiceWidget(Project.Status))
    website_url = column("website_url", text(Project, "website_url", URLWidget))
    repository_url = column("repository_url", text(Project, "repository_url", URLWidget))
    slack_channel = column("slack_channel", text(Project, "slack_channel"))
    timezone = column("timezone", TimeZoneWidget())
    managers = column("managers", NameListWidget(resolver="manager", label="manager", attribute="email"))
    meeting_times = column(
        "meeting_times", ScheduleWidget(label_max_length=MeetingTime._meta.get_field("label").max_length)
    )

    class Meta:
        model = Project
        fields = export_order = KINDS["projects"].columns
        import_id_fields = ("name",)

    def optimise(self, queryset):
        return queryset.prefetch_related("managers", "meeting_times")


class SkillRequirementsWidget(SkillLevelsWidget):
    """Required or preferred skills of an opportunity: the skill list, filtered by kind on export."""

    def __init__(self, kind, **kwargs):
        self.kind = kind
        super().__init__(**kwargs)

    def render(self, value, obj=None, **kwargs):
        items = [item for item in value.all() if item.kind == self.kind] if value is not None else []
        return super().render(items)


class OpportunityResource(CSVResource):
    kind = "opportunities"
    id = column("id", UUIDWidget())
    project = column("project", NaturalKeyWidget(resolver="project"))
    role = column("role", NaturalKeyWidget(resolver="role", attribute="title"))
    community_of_practice = column(
        "community_of_practice", NaturalKeyWidget(resolver="community"), attribute="role__community_of_practice"
    )
    title = column("title", text(Opportunity, "title"))
    status = column("status", ChoiceWidget(Opportunity.Status))
    experience_level = column("experience_level", ChoiceWidget(ExperienceLevel))
    min_hours_per_week = column("min_hours_per_week", whole(Opportunity, "min_hours_per_week"))
    work_environment = column("work_environment", ChoiceWidget(Opportunity.WorkEnvironment))
    positions = column("positions", whole(Opportunity, "positions"))
    required_skills = column(
        "required_skills", SkillRequirementsWidget(OpportunitySkill.Kind.REQUIRED), attribute="skill_requirements"
    )
    preferred_skills = column(
        "preferred_skills", SkillRequirementsWidget(OpportunitySkill.Kind.PREFERRED), attribute="skill_requirements"
    )
    body = column("body", text(Opportunity, "body"))
    expires_on = column("expires_on", DateWidget())

    class Meta:
        model = Opportunity
        fields = export_order = KINDS["opportunities"].columns
        import_id_fields = ("id",)

    def optimise(self, queryset):
        return queryset.select_related("project", "role__community_of_practice").prefetch_related(
            Prefetch("skill_requirements", queryset=OpportunitySkill.objects.select_related("skill"))
        )


class VolunteerResource(CSVResource):
    kind = "volunteers"
    email = column("email", text(Volunteer, "email", EmailWidget))
    name = column("name", text(Volunteer, "name"))
    community_of_practice = column("community_of_practice", NaturalKeyWidget(resolver="community"))
    roles = column("roles", NameListWidget(resolver="role", label="role", attribute="title"))
    experience_level = column("experience_level", ChoiceWidget(ExperienceLevel))
    max_hours_per_week = column("max_hours_per_week", whole(Volunteer, "max_hours_per_week"))
    timezone = column("timezone", TimeZoneWidget())
    availability = column("availability", ScheduleWidget())
    skills = column("skills", SkillLevelsWidget(), attribute="skill_levels")
    status = column("status", ChoiceWidget(Volunteer.Status))

    class Meta:
        model = Volunteer
        fields = export_order = KINDS["volunteers"].columns
        import_id_fields = ("email",)

    def optimise(self, queryset):
        return queryset.select_related("community_of_practice").prefetch_related(
            "roles", "availability", Prefetch("skill_levels", queryset=_volunteer_skills())
        )


def _volunteer_skills():
    from server.models import VolunteerSkill

    return VolunteerSkill.objects.select_related("skill")


class ApplicationResource(CSVResource):
    kind = "applications"
    opportunity_id = column("opportunity_id", UUIDWidget())
    volunteer_email = column("volunteer_email", EmailWidget(), attribute="volunteer__email")
    status = column("status", ChoiceWidget(Application.Status))
    message = column("message", text(Application, "message"))

    class Meta:
        model = Application
        fields = export_order = KINDS["applications"].columns
        import_id_fields = ("opportunity_id", "volunteer_email")

    def optimise(self, queryset):
        return queryset.select_related("volunteer")


RESOURCES: dict[str, type[CSVResource]] = {
    resource.kind: resource
    for resource in (
        CommunityResource,
        RoleResource,
        SkillResource,
        ProjectResource,
        OpportunityResource,
        VolunteerResource,
        ApplicationResource,
    )
}
# Import order for a whole data set: each kind refers only to kinds before it.
KIND_ORDER = tuple(RESOURCES)
