"""Inline scoping: the rows of an inline are editable only by someone who manages the parent's
project (server.permissions.manages_project). One mixin for the skill and meeting-time inlines."""

from server.permissions import manages_project


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
