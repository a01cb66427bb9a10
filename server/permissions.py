"""Who may see what. The one place the Organizer / Project manager split is decided."""

ORGANIZERS = "Organizers"
PROJECT_MANAGERS = "Project managers"


def can_see_all_projects(user) -> bool:
    """Superusers and Organizers work on every project; everyone else only on those they manage."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Cached on the user object: a request asks this many times.
    if not hasattr(user, "_is_organizer"):
        user._is_organizer = user.groups.filter(name=ORGANIZERS).exists()
    return user._is_organizer


def manages_project(user, project) -> bool:
    """True when the user may work on this project's postings, meeting times and applicants."""
    if project is None:
        return False
    if can_see_all_projects(user):
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return project.managers.filter(pk=user.pk).exists()


def projects_managed_by(user):
    """Projects whose rows the user may change: all for organizers, their own for PMs."""
    from server.models import Project

    if can_see_all_projects(user):
        return Project.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Project.objects.none()
    return Project.objects.filter(managers=user)


def applications_managed_by(user, queryset=None):
    """Applications the user may see: all for organizers, those to their projects for PMs."""
    from server.models import Application

    queryset = Application.objects.all() if queryset is None else queryset
    if can_see_all_projects(user):
        return queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(opportunity__project__managers=user)


def meeting_times_managed_by(user, queryset=None):
    from server.models import MeetingTime

    queryset = MeetingTime.objects.all() if queryset is None else queryset
    if can_see_all_projects(user):
        return queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(project__managers=user)
