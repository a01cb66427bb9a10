"""Sign-in lockouts (django-axes' failed attempts), in Unfold's style, for Organizers.

Each row is one (account, client) pair's recent failures; a pair at the limit is locked
until LOGIN_LOCKOUT_MINUTES after its last failure. Unlocking is forgetting the row.
"""

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from unfold.admin import ModelAdmin


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin, ModelAdmin):
    list_display = ["attempt_time", "username", "ip_address", "path_info", "failures_since_start", "status"]
    actions = ["unlock"]
    list_filter_submit = True

    @admin.action(description="Unlock (forget these failures)", permissions=["delete"])
    def unlock(self, request, queryset):
        count, _ = queryset.delete()
        self.message_user(request, f"Unlocked {count} sign-in{'s' if count != 1 else ''}: they may try again now.")
