"""Reads behind the opportunity endpoints: who sees which rows (the items themselves are
built in server.api.items)."""

from django.db.models import Q

from server.models import Opportunity
from server.permissions import can_see_all_projects, projects_managed_by


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def opportunities_for(user):
    """What a caller may read: organizers everything; project managers their projects'
    opportunities in any status plus everyone's public ones; anyone else the public ones."""
    queryset = Opportunity.objects.all()
    if not is_staff(user):
        return queryset.public()
    if can_see_all_projects(user):
        return queryset
    managed = projects_managed_by(user).values("pk")
    public = Opportunity.objects.public().values("pk")
    return queryset.filter(Q(project__in=managed) | Q(pk__in=public))
