"""What every admin page shares: Unfold styling, import/export styling, history and scoping.

Row scoping itself is decided in server.permissions; the classes here only apply it, so the
API and the exports reuse the same rules.
"""

from django import forms
from django.contrib import messages
from django.db import models
from django.db.models import Count
from django.http import Http404
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.import_export.forms import ExportForm, ImportForm, SelectableFieldsExportForm
from unfold.views import ChangeList
from unfold.widgets import UnfoldAdminTextInputWidget

from server.admin.actions import ConfirmedActionsMixin
from server.admin.imports import ImportJobMixin
from server.models.fields import MinuteOfDayField
from server.models.opportunities import skill_errors
from server.models.validators import bound_messages
from server.services import ServiceError
from server.tabular.formats import FORMATS


class BaseAdmin(ImportJobMixin, ConfirmedActionsMixin, ModelAdmin, ImportExportModelAdmin):
    """Unfold look, Unfold-styled import/export (as background jobs), POST-only confirmed actions
    (server.admin.actions), and a real 404 for rows out of scope."""

    resource_classes = []  # set on admins of models with a CSV kind (server/resources.py)
    page_counts: dict[str, tuple] = {}  # row attribute → (model, key): counted per list page
    # Streaming, bounded import; BOM'd CSV and typed XLSX export (server/tabular/formats.py).
    import_formats = export_formats = FORMATS
    import_form_class = ImportForm
    export_form_class = ExportForm
    export_form_class_selectable = SelectableFieldsExportForm
    compressed_fields = True
    warn_unsaved_form = True
    list_filter_submit = True
    list_per_page = 50
    # Every list says which filters and search are in effect (server/admin/filters.py).
    list_before_template = "admin_lists/active_filters.html"

    def in_scope(self, request, obj) -> bool:
        """Whether the user may work on this row; admins of scoped models override it."""
        return True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, MinuteOfDayField):
            # Unfold would pick a number input by the model class (a PositiveSmallIntegerField),
            # which can neither show nor take "18:00"; the field's own HH:MM form field needs text.
            kwargs.setdefault("widget", UnfoldAdminTextInputWidget(attrs={"placeholder": "18:00", "maxlength": 5}))
        # A bound's words come from the model's one home, as in the API and the CSV import.
        kwargs["error_messages"] = {**bound_messages(db_field), **kwargs.get("error_messages", {})}
        if isinstance(db_field, models.URLField):
            # A scheme-less link ("github.com/hackforla") becomes https://, as Django 6 will do.
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _scoped(self, request, obj) -> bool:
        if obj is None:
            return True
        if not isinstance(obj, models.Model):
            # Unfold's detail actions pass the object id rather than the object.
            obj = self.get_object(request, str(obj))
            if obj is None:
                return False
        return self.in_scope(request, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._scoped(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._scoped(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._scoped(request, obj)

    def get_changelist(self, request, **kwargs):
        return PageAnnotatingChangeList

    def has_import_permission(self, request):
        # Only models with a CSV kind (resource_classes from server.resources) import, and only for
        # holders of server.import_<model> (Organizers). Others would get an auto-generated resource.
        return bool(self.resource_classes) and super().has_import_permission(request)

    def has_export_permission(self, request):
        # Same for export (server.export_<model>); the rows are the admin's scoped queryset.
        return bool(self.resource_classes) and super().has_export_permission(request)

    def add_success_message(self, result, request):
        """The import's own summary; and if the data changed between preview and confirm so that
        the import refused, say so rather than "Import finished"."""
        report = getattr(result, "report", None)
        if report is None:
            return super().add_success_message(result, request)
        if report.errors:
            self.message_user(request, "Nothing was imported: " + "; ".join(report.errors[:10]), messages.ERROR)
        else:
            self.message_user(request, f"Import finished: {report.summary}.", messages.SUCCESS)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index with a message; a row outside the user's scope is a 404.
        raise Http404(f"No {opts.verbose_name} with ID “{object_id}” that you can see.")

    def get_scoped_object_or_404(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with ID “{object_id}” that you can see.")
        return obj

    def apply_to_each(self, request, rows, change, *, done: str, noun_plural: str):
        """Run `change(row)`, a service call, on each row the user may change; one message for
        the rows that changed (`done` around "{}": "Put {} on hold") and one per refused row."""
        changed, failures = [], []
        for row in rows:
            if not self.has_change_permission(request, row):
                failures.append(ServiceError(f'You may not change "{row}".'))
                continue
            try:
                changed.append(change(row))
            except ServiceError as error:
                failures.append(error)
        self.report(request, changed, failures, done, noun_plural)

    def report(self, request, changed: list, failures: list[ServiceError], done: str, noun_plural: str):
        """One success message for the rows that changed, one error per row a rule refused."""
        if changed:
            noun = self.opts.verbose_name if len(changed) == 1 else noun_plural
            self.message_user(request, done.format(f"{len(changed)} {noun}") + ".", messages.SUCCESS)
        for failure in failures:
            self.message_user(request, " ".join(failure.messages), messages.ERROR)


class HistoryAdmin(SimpleHistoryAdmin, BaseAdmin):
    """BaseAdmin plus django-simple-history's history pages (styled by unfold.contrib.simple_history)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history checks permissions on the *old* version, which may have belonged to
        # another project; the row as it is now must be in the user's scope too.
        self.get_scoped_object_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class PageAnnotatingChangeList(ChangeList):
    """Counts the admin's `page_counts` for the shown page only: one query each, not a GROUP BY
    over every row of a 100k-row table."""

    def get_results(self, request):
        super().get_results(request)
        if self.model_admin.page_counts:
            self.result_list = list(self.result_list)
            count_per_row(self.result_list, self.model_admin.page_counts)


def count_per_row(rows, counts: dict[str, tuple]) -> None:
    """For each attribute → (model, key) of `counts`, set on every row how many `model` rows
    point at it through `key`."""
    pks = [row.pk for row in rows]
    for attribute, (model, key) in counts.items():
        found = dict(
            model.objects.filter(**{f"{key}__in": pks})
            .values_list(key)
            .annotate(total=Count("pk"))
            .values_list(key, "total")
        )
        for row in rows:
            setattr(row, attribute, found.get(row.pk, 0))


class SkillListFormSet(TabularInline.formset):
    """An inline of (skill, level) rows, refused in the model's words (skill_errors) when a skill
    is listed twice: the same sentence as the API and the CSV import, where Django's own unique
    check would say something else."""

    def skill_items(self) -> list[tuple]:
        return [
            (form.cleaned_data["skill"].pk, form.cleaned_data["skill"].name)
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("skill")
            and not form.cleaned_data.get("DELETE")
        ]

    def list_errors(self) -> list[str]:
        return skill_errors(self.skill_items())

    def clean(self):
        errors = self.list_errors()
        if errors:
            raise forms.ValidationError(errors)
        super().clean()
