"""Who may call what. Rows are scoped by querysets (views.OpportunityViewSet.get_queryset);
these classes only decide whether a caller may write at all.
"""

from rest_framework import permissions

from server.api.selectors import is_staff

_MODEL_PERMISSION = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


class ReadAnyoneWriteStaff(permissions.BasePermission):
    """Anyone reads; writes need a staff user holding the model permission of the action
    (the same Django permissions the admin checks: project managers hold add, change and
    delete on opportunities, and reach only their projects' rows).

    The permission is checked on the object for changes and deletes, so that a row outside
    the caller's scope is a 404 (it is not in the queryset) rather than a 403.
    """

    message = "Only staff may change opportunities."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        if not is_staff(request.user):
            return False
        if request.method == "POST":
            return self._has_model_permission(request, view)
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return self._has_model_permission(request, view)

    def _has_model_permission(self, request, view):
        model = view.get_queryset().model
        action = _MODEL_PERMISSION[request.method]
        if request.user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}"):
            return True
        self.message = f"You may not {action} {model._meta.verbose_name_plural}."
        return False
