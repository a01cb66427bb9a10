"""Volunteer alerts for Organizers (DESIGN.md "Volunteer alerts"). Project managers see none of it:
they hold no alert permission (server.groups), so neither the page nor the sidebar item shows.

Read-only but deletable: an alert is the volunteer's own consent, so nobody adds or edits one
here; an Organizer may delete a volunteer's alert data (the whole row, address included) when
asked to. Export lists what the page lists (no profile details beyond the frequency and score).
"""

from django.contrib import admin
from django.db.models import Count
from import_export import fields, resources
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import display
from unfold.paginator import InfinitePaginator

from server.admin.base import BaseAdmin
from server.admin.filters import DayRangeFilter
from server.models import Alert, AlertSkill, AlertSlot, Digest


class AlertExportResource(resources.ModelResource):
    digests = fields.Field(attribute="digest_total", column_name="digests")

    class Meta:
        model = Alert
        fields = export_order = (
            "email",
            "name",
            "frequency",
            "min_score",
            "created_at",
            "confirmed_at",
            "last_sent_at",
            "unsubscribed_at",
            "digests",
        )

    def filter_export(self, queryset, **kwargs):
        return queryset.annotate(digest_total=Count("digests"))


class _YesNoFilter(admin.SimpleListFilter):
    """Whether a timestamp is set: "confirmed", "unsubscribed"."""

    field = ""

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(**{f"{self.field}__isnull": self.value() == "no"})
        return queryset


class ConfirmedFilter(_YesNoFilter):
    title = "confirmed"
    parameter_name = "confirmed"
    field = "confirmed_at"


class UnsubscribedFilter(_YesNoFilter):
    title = "unsubscribed"
    parameter_name = "unsubscribed"
    field = "unsubscribed_at"


class _ReadOnlyTab(TabularInline):
    """A tab of the alert page that shows rows and changes none (the volunteer's own data)."""

    extra = 0
    tab = True
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class AlertSkillInline(_ReadOnlyTab):
    model = AlertSkill
    fields = ["skill", "level"]
    verbose_name_plural = "skills"


class AlertSlotInline(_ReadOnlyTab):
    model = AlertSlot
    fields = ["weekday", "start", "end"]
    verbose_name_plural = "availability (alert's time zone)"


class DigestInline(_ReadOnlyTab):
    model = Digest
    fields = ["sent_at", "opportunity_count"]
    verbose_name_plural = "digests sent"


@admin.register(Alert)
class AlertAdmin(BaseAdmin):
    resource_classes = [AlertExportResource]
    page_counts = {"digest_total": (Digest, "alert")}
    list_display = ["email", "frequency", "confirmed", "last_sent", "unsubscribed", "digest_count"]
    list_filter = [
        ("frequency", ChoicesDropdownFilter),
        ConfirmedFilter,
        UnsubscribedFilter,
        ("last_sent_at", DayRangeFilter),
    ]
    search_fields = ["email", "name"]
    ordering = ["-created_at", "email"]
    show_full_result_count = False
    paginator = InfinitePaginator
    fieldsets = [
        (None, {"fields": ["email", "name", "frequency", "min_score"]}),
        ("Profile", {"fields": ["community_of_practice", "roles", "max_hours_per_week", "timezone"]}),
        (
            "Consent",
            {"fields": ["created_at", "confirmation_sent_at", "confirmed_at", "unsubscribed_at", "last_sent_at"]},
        ),
    ]
    readonly_fields = [name for _, options in fieldsets for name in options["fields"]]
    inlines = [AlertSkillInline, AlertSlotInline, DigestInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        return False  # an alert needs its owner's confirmation; it is never imported

    @display(description="Confirmed", boolean=True, ordering="confirmed_at")
    def confirmed(self, obj):
        return obj.confirmed_at is not None

    @display(description="Last sent", ordering="last_sent_at")
    def last_sent(self, obj):
        return obj.last_sent_at or "—"

    @display(description="Unsubscribed", ordering="unsubscribed_at")
    def unsubscribed(self, obj):
        return obj.unsubscribed_at or "—"

    @display(description="Digests")
    def digest_count(self, obj):
        return getattr(obj, "digest_total", 0)


def dashboard_alert_figures(request) -> dict | None:
    """The dashboard's alert card, for those who may see alerts (Organizers): confirmed alerts
    (active now) and digests sent in the last 7 days. None for everyone else."""
    if not request.user.has_perm("server.view_alert"):
        return None
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from server.alerts.digests import active_alerts

    since = timezone.now() - timedelta(days=7)
    changelist = reverse("admin:server_alert_changelist")
    return {
        "confirmed": active_alerts().count(),
        "digests_last_7_days": Digest.objects.filter(sent_at__gte=since).count(),
        "href": f"{changelist}?confirmed=yes&unsubscribed=no",
    }
