"""Project scope: Organizers (and superusers) work on every project, everyone else only on the
projects they manage. The one statement of that rule; server.permissions is its public face
for the admin, the API and the commands, and the model querysets use it without importing
anything above the models.
"""

ORGANIZERS = "Organizers"
PROJECT_MANAGERS = "Project managers"


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_see_all_projects(user) -> bool:
    """Superusers and Organizers work on every project; everyone else only on those they manage."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    # Cached on the user object: a request asks this many times.
    if not hasattr(user, "_is_organizer"):
        user._is_organizer = user.groups.filter(name=ORGANIZERS).exists()
    return user._is_organizer


def scoped_to_managed(queryset, user, *, project: str):
    """The rows of `queryset` whose project (reached by the lookup path `project`, "" for the
    Project table itself) the user manages: all of them for organizers, none for anonymous."""
    if can_see_all_projects(user):
        return queryset
    if not _active(user):
        return queryset.none()
    return queryset.filter(**{f"{project}__managers" if project else "managers": user})


def manages_project(user, project) -> bool:
    """True when the user may work on this project's postings, meeting times and applicants."""
    if project is None:
        return False
    if can_see_all_projects(user):
        return True
    if not _active(user):
        return False
    return project.managers.filter(pk=user.pk).exists()
