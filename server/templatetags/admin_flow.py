"""Template helpers for the admin's row "⋯" menu."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def row_actions_for(context, actions):
    """The row actions the model admin allows for this row (ConfirmedActionsMixin.row_action_allowed),
    e.g. no "Publish" on an open posting, no "Mark new" on a new application."""
    cl, result = context.get("cl"), context.get("result")
    obj = getattr(result, "instance", None)
    allowed = getattr(getattr(cl, "model_admin", None), "row_action_allowed", None)
    if obj is None or allowed is None:
        return actions
    prefix = f"{cl.model_admin.admin_site.name}:{cl.opts.app_label}_{cl.opts.model_name}_"
    return [a for a in actions if allowed(obj, a["raw_path"].removeprefix(prefix))]


@register.simple_tag(takes_context=True)
def changelist_url(context):
    """This list with its filters, search and page: where a row action returns (?next=)."""
    cl = context.get("cl")
    if cl is None:
        return ""
    return reverse(f"{cl.model_admin.admin_site.name}:{cl.opts.app_label}_{cl.opts.model_name}_changelist") + (
        cl.get_query_string()
    )
