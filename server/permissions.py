"""Who may see what: the public face of the project-scope rule (server/models/scope.py), so
the admin, the API, the exports and the commands scope rows the same way."""

from server.models import Application, MeetingTime, Opportunity, Project
from server.models.scope import (  # noqa: F401  (re-exported: callers import them from here)
    ORGANIZERS,
    PROJECT_MANAGERS,
    can_see_all_projects,
    manages_project,
    scoped_to_managed,
)


def projects_managed_by(user):
    """Projects whose rows the user may change: all for organizers, their own for PMs."""
    return scoped_to_managed(Project.objects.all(), user, project="")


def opportunities_managed_by(user, queryset=None):
    """Opportunities the user may change (any status): all for organizers, their projects' for PMs."""
    return scoped_to_managed(Opportunity.objects.all() if queryset is None else queryset, user, project="project")


def applications_managed_by(user, queryset=None):
    """Applications the user may see: all for organizers, those to their projects for PMs."""
    queryset = Application.objects.all() if queryset is None else queryset
    return scoped_to_managed(queryset, user, project="opportunity__project")


def meeting_times_managed_by(user, queryset=None):
    queryset = MeetingTime.objects.all() if queryset is None else queryset
    return scoped_to_managed(queryset, user, project="project")
