"""Who hears of an application: the project's active managers, or the Organizers when the
project has none (an application nobody is told of is the silence this feature ends).
"""

from django.contrib.auth import get_user_model

from server.models import Project
from server.permissions import ORGANIZERS


def _emails(users) -> list[str]:
    return sorted({email.lower() for email in users.exclude(email="").values_list("email", flat=True)})


def active_managers(project: Project) -> list[str]:
    """Emails of the project's managers who may still sign in."""
    return _emails(project.managers.filter(is_active=True))


def organizers() -> list[str]:
    """Emails of the active members of the Organizers group."""
    return _emails(get_user_model().objects.filter(is_active=True, groups__name=ORGANIZERS))


def managers_or_organizers(project: Project) -> tuple[list[str], bool]:
    """(recipients, fell_back): the active managers, else the Organizers (fell_back True)."""
    managers = active_managers(project)
    return (managers, False) if managers else (organizers(), True)


def escalation(project: Project) -> tuple[list[str], list[str]]:
    """(to, cc) of the last reminder: the managers with the Organizers in copy; the Organizers
    alone when there is no active manager. Nobody is both in to and in cc."""
    managers = active_managers(project)
    everyone_else = [email for email in organizers() if email not in managers]
    return (managers, everyone_else) if managers else (everyone_else, [])
