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
from import_export.declarative import ModelDeclarativeMetaclass
from import_export.fields import Field
from import_export.results import Error, Result, RowResult

from server.importing import KINDS, import_file, run_import
from server.models import OpportunitySkill, VolunteerSkill
from server.tabular.cells import CELLS
from server.tabular.formats import RawFile
from server.widgets import CellError, DateWidget, IntegerWidget, escape_formula

ADMIN_ERRORS_SHOWN = 200
TYPED_WIDGETS = (IntegerWidget, DateWidget)


class KindDeclarativeMetaclass(ModelDeclarativeMetaclass):
    """Declares a resource's fields from its `kind`: one per contract column, in order, read
    with the column's cell format (server.tabular.cells), on the kind's model and key
    (server.tabular.kinds). A resource names only what export needs besides: the attribute a
    column reads where it is not the column's name (`attributes`), and `optimise`."""

    def __new__(cls, name, bases, attrs):
        kind = attrs.get("kind")
        if kind:
            handler, attributes = KINDS[kind], attrs.get("attributes", {})
            for column in handler.columns:
                attrs[column] = Field(
                    attribute=attributes.get(column, column), column_name=column, widget=CELLS[kind][column]
                )
            attrs["Meta"] = type(
                "Meta",
                (),
                {
                    "model": handler.model,
                    "fields": handler.columns,
                    "export_order": handler.columns,
                    "import_id_fields": handler.key_columns,
                },
            )
        return super().__new__(cls, name, bases, attrs)


class CSVResource(resources.ModelResource, metaclass=KindDeclarativeMetaclass):
    """Base: the kind's name, formula escaping on export, import through server.importing."""

    kind: str = ""
    attributes: dict[str, str] = {}  # column → the attribute it reads on export, where they differ

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


class RoleResource(CSVResource):
    kind = "roles"

    def optimise(self, queryset):
        return queryset.select_related("community_of_practice")


class SkillResource(CSVResource):
    kind = "skills"

    def optimise(self, queryset):
        return queryset.prefetch_related("communities_of_practice")


class ProjectResource(CSVResource):
    kind = "projects"

    def optimise(self, queryset):
        return queryset.prefetch_related("managers", "meeting_times")


class OpportunityResource(CSVResource):
    kind = "opportunities"
    attributes = {
        "community_of_practice": "role__community_of_practice",
        "required_skills": "skill_requirements",
        "preferred_skills": "skill_requirements",
    }

    def optimise(self, queryset):
        return queryset.select_related("project", "role__community_of_practice").prefetch_related(
            Prefetch("skill_requirements", queryset=OpportunitySkill.objects.select_related("skill"))
        )


class VolunteerResource(CSVResource):
    kind = "volunteers"
    attributes = {"skills": "skill_levels"}

    def optimise(self, queryset):
        return queryset.select_related("community_of_practice").prefetch_related(
            "roles", "availability", Prefetch("skill_levels", queryset=VolunteerSkill.objects.select_related("skill"))
        )


class ApplicationResource(CSVResource):
    kind = "applications"
    attributes = {"volunteer_email": "volunteer__email"}

    def optimise(self, queryset):
        return queryset.select_related("volunteer")


# Every kind has its resource, in the kinds' order (a KeyError here names a missing one).
_DECLARED = {resource.kind: resource for resource in CSVResource.__subclasses__()}
RESOURCES: dict[str, type[CSVResource]] = {kind: _DECLARED[kind] for kind in KINDS}
# Import order for a whole data set: each kind refers only to kinds before it.
KIND_ORDER = tuple(KINDS)
