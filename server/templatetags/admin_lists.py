"""Template tags of the admin lists (server/admin/filters.py does the work)."""

from django import template

register = template.Library()


@register.simple_tag
def active_filters(changelist):
    """The filters and search in effect on a changelist, each with a link that drops it."""
    # Imported here: template libraries load while unfold.admin itself is still importing.
    from server.admin.filters import active_filters as describe

    return describe(changelist)
