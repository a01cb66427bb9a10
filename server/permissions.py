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
