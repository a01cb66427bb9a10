"""The catalog organisers curate: communities of practice, roles, skills. Read-only for PMs."""

from django.contrib import admin
from django.db.models import Count
from unfold.contrib.filters.admin import RelatedDropdownFilter
from unfold.decorators import display

from server.admin.base import BaseAdmin
from server.models import CommunityOfPractice, Role, Skill
from server.resources import CommunityResource, RoleResource, SkillResource


@admin.register(CommunityOfPractice)
class CommunityOfPracticeAdmin(BaseAdmin):
    resource_classes = [CommunityResource]
    list_display = ["name", "slug", "role_count", "skill_count"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(role_total=Count("roles", distinct=True), skill_total=Count("skills", distinct=True))
        )

    @display(description="Roles", ordering="role_total")
    def role_count(self, obj):
        return obj.role_total

    @display(description="Skills", ordering="skill_total")
    def skill_count(self, obj):
        return obj.skill_total


@admin.register(Role)
class RoleAdmin(BaseAdmin):
    resource_classes = [RoleResource]
    list_display = ["title", "community_of_practice"]
    list_select_related = ["community_of_practice"]
    list_filter = [("community_of_practice", RelatedDropdownFilter)]
    search_fields = ["title", "community_of_practice__name", "description"]
    fields = ["title", "community_of_practice", "description"]


@admin.register(Skill)
class SkillAdmin(BaseAdmin):
    resource_classes = [SkillResource]
    list_display = ["name", "communities"]
    list_filter = [("communities_of_practice", RelatedDropdownFilter)]
    search_fields = ["name", "description"]
    filter_horizontal = ["communities_of_practice"]
    fields = ["name", "communities_of_practice", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("communities_of_practice")

    @display(description="Communities of practice")
    def communities(self, obj):
        return ", ".join(community.name for community in obj.communities_of_practice.all())
