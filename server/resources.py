"""One django-import-export resource per CSV kind of DESIGN.md, with exactly its headers.

The columns and their cell formats are declared once in server/tabular/cells.py; the
resources add what export needs (the attribute each column reads, the prefetching). Export
is django-import-export's own (so the admin offers CSV, XLSX and JSON), with every cell that
looks like a formula escaped. Import goes through server.importing, which reads each cell
with the same widgets but checks the whole file before writing anything and writes in bulk:
`import_data` is overridden to call it and to answer with
django-import-export's `Result`, so the admin's preview/confirm flow works unchanged while
showing only a summary, the errors and at most a page of rows.
"""

from __future__ import annotations

from django.db.models import Prefetch
from import_export import resources
from import_export.fields import Field
from import_export.results import Error, Result, RowResult

from server.csv_columns import COLUMNS
from server.importing import import_file, run_import
from server.models import (
    Application,
    CommunityOfPractice,
    Opportunity,
    OpportunitySkill,
    Project,
    Role,
    Skill,
    Volunteer,
)
from server.tabular.cells import CELLS
from server.tabular.formats import RawFile
from server.widgets import CellError, DateWidget, IntegerWidget, escape_formula

ADMIN_ERRORS_SHOWN = 200
TYPED_WIDGETS = (IntegerWidget, DateWidget)


def column(kind, name, attribute=None):
    """The resource field of a CSV column: its cell format from server.tabular.cells."""
    return Field(attribute=attribute or name, column_name=name, widget=CELLS[kind][name])


class CSVResource(resources.ModelResource):
    """Base: the kind's name, formula escaping on export, import through server.importing."""

    kind: str = ""

    def export_field(self, field, instance, **kwargs):
        if isinstance(field.widget, TYPED_WIDGETS):
            # Numbers and dates stay typed: XLSX stores them as such, CSV writes str() (ISO dates).
            value = field.get_value(instance)
            return "" if value is None else value
        return escape_formula(super().export_field(field, instance, **kwargs))

    def export(self, *args, **kwargs):
        dataset = super().export(*args, **kwargs)
        dataset.title = self.kind  # the XLSX sheet's name
        return dataset

    def filter_export(self, queryset, **kwargs):
        return self.optimise(queryset)

    def optimise(self, queryset):
        """select_related / prefetch_related so export costs a few queries per chunk, not per row."""
        return queryset

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        if isinstance(dataset, RawFile):  # CSV and XLSX uploads: read as a stream, with limits
            report = import_file(kind=self.kind, data=dataset.data, user=kwargs.get("user"), dry_run=dry_run)
            return report_to_result(report)
        rows = ((number, list(cells)) for number, cells in enumerate(dataset, start=2))
        report = run_import(
            kind=self.kind,
            headers=list(dataset.headers or []),
            rows=rows,
            user=kwargs.get("user"),
            dry_run=dry_run,
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
    if report.error_count > ADMIN_ERRORS_SHOWN:
        result.append_base_error(Error(CellError(f"… and {report.error_count - ADMIN_ERRORS_SHOWN} more errors")))
    result.totals[RowResult.IMPORT_TYPE_NEW] = report.new
    result.totals[RowResult.IMPORT_TYPE_UPDATE] = report.updated
    result.totals[RowResult.IMPORT_TYPE_SKIP] = report.unchanged
    result.total_rows = report.new + report.updated + report.unchanged
    result.summary_items = [
        ("new", report.new),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
        ("errors", report.error_count),
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
    name = column(kind, "name")
    slug = column(kind, "slug")
    description = column(kind, "description")

    class Meta:
        model = CommunityOfPractice
        fields = export_order = COLUMNS["communities"]
        import_id_fields = ("name",)


class RoleResource(CSVResource):
    kind = "roles"
    title = column(kind, "title")
    community_of_practice = column(kind, "community_of_practice")
    description = column(kind, "description")

    class Meta:
        model = Role
        fields = export_order = COLUMNS["roles"]
        import_id_fields = ("title", "community_of_practice")

    def optimise(self, queryset):
        return queryset.select_related("community_of_practice")


class SkillResource(CSVResource):
    kind = "skills"
    name = column(kind, "name")
    communities_of_practice = column(kind, "communities_of_practice")
    description = column(kind, "description")

    class Meta:
        model = Skill
        fields = export_order = COLUMNS["skills"]
        import_id_fields = ("name",)

    def optimise(self, queryset):
        return queryset.prefetch_related("communities_of_practice")


class ProjectResource(CSVResource):
    kind = "projects"
    name = column(kind, "name")
    slug = column(kind, "slug")
    status = column(kind, "status")
    website_url = column(kind, "website_url")
    repository_url = column(kind, "repository_url")
    slack_channel = column(kind, "slack_channel")
    timezone = column(kind, "timezone")
    managers = column(kind, "managers")
    meeting_times = column(kind, "meeting_times")

    class Meta:
        model = Project
        fields = export_order = COLUMNS["projects"]
        import_id_fields = ("name",)

    def optimise(self, queryset):
        return queryset.prefetch_related("managers", "meeting_times")


class OpportunityResource(CSVResource):
    kind = "opportunities"
    id = column(kind, "id")
    project = column(kind, "project")
    role = column(kind, "role")
    community_of_practice = column(kind, "community_of_practice", attribute="role__community_of_practice")
    title = column(kind, "title")
    status = column(kind, "status")
    experience_level = column(kind, "experience_level")
    min_hours_per_week = column(kind, "min_hours_per_week")
    work_environment = column(kind, "work_environment")
    positions = column(kind, "positions")
    required_skills = column(kind, "required_skills", attribute="skill_requirements")
    preferred_skills = column(kind, "preferred_skills", attribute="skill_requirements")
    body = column(kind, "body")
    expires_on = column(kind, "expires_on")

    class Meta:
        model = Opportunity
        fields = export_order = COLUMNS["opportunities"]
        import_id_fields = ("id",)

    def optimise(self, queryset):
        return queryset.select_related("project", "role__community_of_practice").prefetch_related(
            Prefetch("skill_requirements", queryset=OpportunitySkill.objects.select_related("skill"))
        )


class VolunteerResource(CSVResource):
    kind = "volunteers"
    email = column(kind, "email")
    name = column(kind, "name")
    community_of_practice = column(kind, "community_of_practice")
    roles = column(kind, "roles")
    experience_level = column(kind, "experience_level")
    max_hours_per_week = column(kind, "max_hours_per_week")
    timezone = column(kind, "timezone")
    availability = column(kind, "availability")
    skills = column(kind, "skills", attribute="skill_levels")
    status = column(kind, "status")

    class Meta:
        model = Volunteer
        fields = export_order = COLUMNS["volunteers"]
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
    opportunity_id = column(kind, "opportunity_id")
    volunteer_email = column(kind, "volunteer_email", attribute="volunteer__email")
    status = column(kind, "status")
    message = column(kind, "message")

    class Meta:
        model = Application
        fields = export_order = COLUMNS["applications"]
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
