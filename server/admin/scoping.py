"""Project scoping in the admin (server.permissions.manages_project): the rows of an inline are
editable only by someone who manages the parent's project (the skill inlines), and a row that
belongs to a project (an opportunity, a meeting time) is in scope only for its managers."""

from server.permissions import manages_project, projects_managed_by


class ProjectRowMixin:
    """For the admin of a model with a `project`: a row is in scope when the user manages its
    project, and the project picker offers only those projects."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "project":
            kwargs["queryset"] = projects_managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def in_scope(self, request, obj):
        return manages_project(request.user, obj.project)


class ManagedProjectInlineMixin:
    """Add, change and delete in the inline need the parent's project in the user's scope.
    `project_of(parent)` says which project that is (the parent itself for a Project)."""

    @staticmethod
    def project_of(parent):
        return parent.project

    def _may_edit(self, request, parent) -> bool:
        return parent is None or manages_project(request.user, self.project_of(parent))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)
