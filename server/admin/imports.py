"""The admin's CSV import as a background job, on top of django-import-export's pages.

Upload → preview → Confirm → the import job's page. The upload is stored in the database
(server.tasks.imports), never on the app container's disk. The preview stays small and fast
for any file: a file of up to FULL_PREVIEW_ROWS rows is checked whole (so its errors show at
once, and an unchanged re-import says so and offers no Confirm); a larger one shows its first
rows only, and the job checks every row before writing any. The import page also offers a
sample file of the kind and says in which order the kinds import.
"""

import csv
import io
import itertools

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from server.csv_columns import COLUMNS
from server.importing import run_import
from server.models.imports import IMPORT_KINDS, ImportUpload
from server.resources import report_to_result
from server.tabular.reading import read_file
from server.tasks.imports import create_job, estimate_rows, store_upload
from server.widgets import CellError

FULL_PREVIEW_ROWS = 2000
PREVIEW_ROWS = 20
PREVIEW_COLUMNS = 6  # wide kinds (projects, opportunities, volunteers) preview their main columns
CELL_SHOWN = 60
MAIN_COLUMNS = {
    "projects": ["name", "status", "timezone", "managers", "meeting_times"],
    "opportunities": ["id", "project", "role", "title", "status", "required_skills"],
    "volunteers": ["email", "name", "community_of_practice", "roles", "availability", "skills"],
}
IMPORT_ORDER = " → ".join(IMPORT_KINDS)

SAMPLES = {
    "communities": [["Data Science", "data-science", "Analysis, statistics and machine learning"]],
    "roles": [["Data Analyst", "Data Science", "Turns data into answers"]],
    "skills": [["Python", "Engineering; Data Science; DevOps", ""]],
    "projects": [
        [
            "Food Oasis",
            "food-oasis",
            "active",
            "https://foodoasis.la",
            "https://github.com/hackforla/food-oasis",
            "#food-oasis",
            "America/Los_Angeles",
            "pm@example.org",
            "Tue 18:00-19:00 (All team); Sat 10:00-11:00",
        ]
    ],
    "opportunities": [
        [
            "",
            "Food Oasis",
            "Data Analyst",
            "Data Science",
            "Data Analyst",
            "draft",
            "intermediate",
            "6",
            "remote",
            "1",
            "Python:3; SQL:3",
            "Tableau:2",
            "Help us understand food access in LA.",
            "2030-12-31",
        ]
    ],
    "volunteers": [
        [
            "ana@example.org",
            "Ana Silva",
            "Data Science",
            "Data Analyst; Data Engineer",
            "intermediate",
            "8",
            "America/Los_Angeles",
            "Mon 18:00-20:00; Wed 09:00-12:30",
            "Python:4; SQL:3",
            "active",
        ]
    ],
    "applications": [["00000000-0000-0000-0000-000000000000", "ana@example.org", "new", "I would love to help."]],
}


def sample_csv(kind: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS[kind])
    writer.writerows(SAMPLES[kind])
    return out.getvalue()


def _dataset_rows(data: bytes, file_format: str):
    """Header and numbered rows: CSV and XLSX streamed by the importer's reader, JSON by tablib."""
    if file_format == "json":
        from import_export.formats.base_formats import JSON

        dataset = JSON().create_dataset(data)
        return list(dataset.headers or []), ((n, list(cells)) for n, cells in zip(itertools.count(2), dataset))
    return read_file(data)


def preview_report(*, kind: str, data: bytes, file_format: str, user):
    """(report, whole, rows): the dry run shown before Confirm, of the whole file when it has at
    most FULL_PREVIEW_ROWS rows, else of its first PREVIEW_ROWS (the rest is never read here)."""
    headers, rows = _dataset_rows(data, file_format)
    if not headers:
        return run_import(kind=kind, headers=[], rows=[], user=user, dry_run=True), True, 0
    first = list(itertools.islice(rows, FULL_PREVIEW_ROWS + 1))
    whole = len(first) <= FULL_PREVIEW_ROWS
    shown = first if whole else first[:PREVIEW_ROWS]
    report = run_import(kind=kind, headers=headers, rows=shown, user=user, dry_run=True)
    estimate = len(first) if whole else (estimate_rows(data) if file_format == "csv" else None)
    return report, whole, estimate


def _short(value: str) -> str:
    """A long cell cut at a list boundary ("; "), never in the middle of a value."""
    if len(value) <= CELL_SHOWN:
        return value
    kept = ""
    for part in value.split("; "):
        candidate = f"{kept}; {part}" if kept else part
        if len(candidate) > CELL_SHOWN:
            break
        kept = candidate
    return (kept or value[:CELL_SHOWN]) + " …"


def narrow_preview(result, report) -> None:
    """Main columns only for wide kinds, whole values (lists cut between items)."""
    columns = list(report.columns)
    shown = MAIN_COLUMNS.get(report.kind, columns)[:PREVIEW_COLUMNS]
    indexes = [columns.index(column) for column in shown if column in columns]
    result.diff_headers = [columns[index] for index in indexes]
    for row, preview in zip(result.valid_rows(), report.preview, strict=False):
        row.diff = [_short(str(preview.cells[index])) for index in indexes]
    result.hidden_columns = len(columns) - len(indexes)


class ImportJobMixin:
    """For BaseAdmin: preview small, Confirm starts an import job (server.tasks.imports)."""

    import_template_name = "admin/import_export/import.html"

    def _url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self):
        return [
            path(
                "import/sample.csv",
                self.admin_site.admin_view(self.import_sample_view),
                name=self._url_name("import_sample"),
            ),
            *super().get_urls(),
        ]

    def import_sample_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        kind = self.resource_classes[0].kind
        response = HttpResponse(sample_csv(kind), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{kind}-sample.csv"'
        return response

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        if self.resource_classes:
            context["import_kind"] = self.resource_classes[0].kind
            context["import_order"] = IMPORT_ORDER
            context["import_sample_url"] = reverse(f"admin:{self._url_name('import_sample')}")
        return context

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return super().import_action(request, **kwargs)
        import_form = self.create_import_form(request)
        if not import_form.is_valid():
            return super().import_action(request, **kwargs)
        input_format = self.get_import_formats()[int(import_form.cleaned_data["format"])]()
        import_file_ = import_form.cleaned_data["import_file"]
        kind = self.resource_classes[0].kind
        data = b"".join(import_file_.chunks())
        file_format = input_format.get_title().lower()
        context = self.get_import_context_data()
        try:
            report, whole, rows = preview_report(kind=kind, data=data, file_format=file_format, user=request.user)
        except (CellError, ValueError) as error:
            import_form.add_error("import_file", f"The file cannot be read as {input_format.get_title()}: {error}")
            report = None
        else:
            result = report_to_result(report)
            narrow_preview(result, report)
            result.partial_preview = None if whole else {"shown": len(report.preview), "rows": rows}
            result.nothing_to_do = whole and report.ok and not (report.new or report.updated)
            context["result"] = result
            if report.ok and not result.nothing_to_do:
                upload = store_upload(data=data, file_name=import_file_.name, user=request.user)
                import_file_.tmp_storage_name = str(upload.pk)
                context["confirm_form"] = self.create_confirm_form(request, import_form=import_form)
        context.update(self.admin_site.each_context(request))
        context.update(
            title=_("Import"),
            form=import_form,
            opts=self.model._meta,
            media=self.media + import_form.media,
            fields_list=[(kind, list(COLUMNS[kind]))],
            import_error_display=self.import_error_display,
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def process_import(self, request, **kwargs):
        """Confirm: the stored upload becomes a queued job; its page shows the progress."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            return super().process_import(request, **kwargs)
        upload = ImportUpload.objects.filter(
            pk=confirm_form.cleaned_data["import_file_name"], uploaded_by=request.user
        ).first()
        if upload is None or upload.jobs.exists():
            self.message_user(request, "That upload is gone or already imported; upload the file again.", "error")
            return HttpResponseRedirect(reverse(f"admin:{self._url_name('import')}"))
        input_format = self.get_import_formats()[int(confirm_form.cleaned_data["format"])]()
        job = create_job(
            upload=upload,
            kind=self.resource_classes[0].kind,
            file_format=input_format.get_title().lower(),
            user=request.user,
        )
        return HttpResponseRedirect(reverse("admin:server_importjob_change", args=[job.pk]))
