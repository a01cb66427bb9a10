"""The two staff groups of DESIGN.md and the model permissions each one holds.

Permissions decide which admin pages a group reaches; which *rows* a project manager sees
is decided by querysets (see server.permissions).
"""

from django.contrib.auth.models import Group, Permission

from server.permissions import ORGANIZERS, PROJECT_MANAGERS

_CATALOG = ("communityofpractice", "role", "skill", "project")
PROJECT_MANAGER_PERMISSIONS = (
    [f"view_{model}" for model in _CATALOG]
    + [
        f"{action}_{model}"
        for model in ("opportunity", "opportunityskill", "requiredskill", "preferredskill")
        for action in ("view", "add", "change")
    ]
    # DESIGN.md lists DELETE among the opportunity writes a PM makes within their projects.
    + ["delete_opportunity", "delete_opportunityskill", "delete_requiredskill", "delete_preferredskill"]
    + [f"{action}_meetingtime" for action in ("view", "add", "change", "delete")]
    + ["view_application", "change_application", "view_volunteer"]
    # CSV export of what they can see (the admin's scoped querysets decide which rows); never import.
    + [f"export_{model}" for model in (*_CATALOG, "opportunity", "application")]
)


def ensure_groups() -> tuple[Group, Group]:
    """Create or refresh both groups. Safe to call again: it only sets permissions."""
    organizers, _ = Group.objects.get_or_create(name=ORGANIZERS)
    # "axes": the sign-in lockouts, which Organizers may unlock.
    organizers.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["server", "auth", "authtoken", "axes"])
    )
    managers, _ = Group.objects.get_or_create(name=PROJECT_MANAGERS)
    managers.permissions.set(
        Permission.objects.filter(content_type__app_label="server", codename__in=PROJECT_MANAGER_PERMISSIONS)
    )
    return organizers, managers
