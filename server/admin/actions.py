"""Admin actions that change data only through a POST carrying Django's CSRF token.

Three ways to run an action, one confirmation form:

- **Row and detail URLs** (`<id>/<name>/`, the row "⋯" menu): a GET only shows the
  confirmation — in Unfold's modal when opened from the menu (htmx loads the page's
  `#dialog`), as a page of its own when typed or followed from elsewhere. Only the POST of
  that form, with its CSRF token, runs the action.
- **Bulk actions** (the changelist's action bar) are Django's POSTed form already; those
  marked `confirm` first render the same form on an intermediate page.
- **Submit-line buttons** on a change page submit the whole change form: the edits are saved
  first, then the action runs, so nothing typed is lost. Those marked `confirm` save and
  then open the row URL's confirmation page.

A confirmation asks with a `ConfirmForm`; to ask more (a personal note, "don't email") pass a
subclass with extra fields as `form_class`: the fields show in the modal, on the page and on
the bulk page, and the action gets the cleaned form. After an action the admin goes to
`?next=` only when it is a URL of this site (url_has_allowed_host_and_scheme), never to a
Referer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from unfold.decorators import action
from unfold.forms import BaseDialogForm


class ConfirmForm(BaseDialogForm):
    """The fields a confirmation asks for; none beyond the hidden "submitted" flag by default."""

    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["next"] = self.request.GET.get("next", "")


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation says; `form_class` may add fields."""

    title: str
    description: str = ""
    submit: str = "Confirm"
    form_class: type[ConfirmForm] = ConfirmForm
    danger: bool = False
    extra: dict = field(default_factory=dict)

    def as_dialog(self) -> dict:
        return {"title": self.title, "description": self.description, "form_submit_text": self.submit}


def safe_next(request, default: str) -> str:
    """`next` from the form or the query when it points into this site, else `default`."""
    url = request.POST.get("next") or request.GET.get("next")
    same_site = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and same_site else default


def redirect_after(request, url: str) -> HttpResponse:
    """htmx (the modal) follows HX-Redirect; a plain form post follows a 302."""
    if request.headers.get("HX-Request"):
        return HttpResponse(headers={"HX-Redirect": url})
    return HttpResponseRedirect(url)


def confirmed_row_action(
    *,
    name: str,
    description: str,
    confirmation: Confirmation,
    icon: str | None = None,
    permissions=("change",),
    follow_next: bool = True,
) -> Callable:
    """Decorate `perform(admin, request, obj, form) -> url | None` as an Unfold row/detail action
    at `<id>/<name>/` that runs only on a valid POST of its confirmation form. Afterwards the
    admin goes to a same-site `next` (when `follow_next`), else to `perform`'s URL or the row."""

    def decorator(perform):
        def view(self, request, object_id):
            obj = self.get_scoped_object_or_404(request, object_id)
            if not all(getattr(self, f"has_{p}_permission")(request, obj) for p in permissions):
                raise PermissionDenied
            data = request.POST if request.method == "POST" else None
            form = confirmation.form_class(request=request, object_id=object_id, data=data)
            if form.is_valid():
                url = perform(self, request, obj, form) or self.change_url(obj)
                return redirect_after(request, safe_next(request, url) if follow_next else url)
            return self.confirmation_page(request, obj=obj, form=form, confirmation=confirmation)

        view.__name__ = perform.__name__
        view.__doc__ = perform.__doc__
        unfold_action = action(view, description=description, permissions=list(permissions), url_path=name, icon=icon)
        # Tells Unfold's row menu to open the confirmation in its modal (htmx), not navigate.
        unfold_action.dialog = confirmation.as_dialog()
        unfold_action.confirmation = confirmation
        return unfold_action

    return decorator


class ConfirmedActionsMixin:
    """For a ModelAdmin: the confirmation page, the bulk confirmation, submit-line follow-ups."""

    confirmation_template = "admin/server/action_confirmation.html"
    bulk_confirmation_template = "admin/server/bulk_confirmation.html"

    def change_url(self, obj) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def confirmation_page(self, request, *, obj, form, confirmation: Confirmation, status=200):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "title": confirmation.title,
            "dialog": confirmation.as_dialog(),
            "confirmation": confirmation,
            "form": form,
            "back_url": safe_next(request, self.change_url(obj)),
        }
        return TemplateResponse(request, self.confirmation_template, context, status=status)

    def confirm_bulk(self, request, queryset, confirmation: Confirmation):
        """None once the person confirmed (the action goes on, `request.confirmation_form` set);
        otherwise the intermediate page that asks, with the selection carried along."""
        confirmed = request.POST.get("_confirmed") == "yes"
        form = confirmation.form_class(request=request, data=request.POST if confirmed else None)
        if confirmed and form.is_valid():
            request.confirmation_form = form
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": confirmation.title,
            "confirmation": confirmation,
            "form": form,
            "objects": list(queryset[:100]),
            "count": queryset.count(),
            "action_name": request.POST.get("action"),
            "selected": request.POST.getlist("_selected_action"),
            "select_across": request.POST.get("select_across", "0"),
            "back_url": request.get_full_path(),
        }
        return TemplateResponse(request, self.bulk_confirmation_template, context)

    def then_go_to(self, request, url: str) -> None:
        """From a submit-line action: where to go once the change form has been saved."""
        request._then_go_to = url

    def response_change(self, request, obj):
        url = getattr(request, "_then_go_to", None)
        if url is not None:
            return HttpResponseRedirect(url)
        return super().response_change(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id) if object_id else None
        badge = self.header_status(obj) if obj is not None else None
        if badge:
            extra_context["header_status"] = {"text": badge[0], "type": badge[1]}
            # The submit line holds the status buttons; "Save and add another" would crowd it.
            extra_context.setdefault("show_save_and_add_another", False)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def header_status(self, obj) -> tuple[str, str] | None:
        """(text, Unfold label colour) of the badge next to the page title; None for none."""
        return None

    def row_action_allowed(self, obj, action_name: str) -> bool:
        """Whether the row "⋯" menu offers `action_name` for `obj`; admins narrow it by status."""
        return True


class StatusActionsMixin:
    """What the opportunity and application status actions share: the change page's status
    buttons and the row menu offer only what `row_action_allowed` allows, and the header shows
    the status in the admin's `status_colours`."""

    status_colours: dict = {}

    def get_actions_submit_line(self, request, object_id):
        actions = super().get_actions_submit_line(request, object_id)
        obj = self.get_object(request, str(object_id)) if object_id else None
        if obj is None:
            return []
        return [a for a in actions if self.row_action_allowed(obj, a.method.original_function_name)]

    def header_status(self, obj):
        return obj.get_status_display(), self.status_colours[obj.status]


def status_actions(
    *,
    url_name: str,
    bulk_name: str,
    row_name: str,
    submit_name: str,
    path: str,
    confirmation: Confirmation,
    final: bool,
    apply: Callable,
    bulk_description: str,
    button: str,
    icon: str | None = None,
) -> dict:
    """The three doors of one status change, as ModelAdmin methods: the bulk action
    (`bulk_name`), the confirmed row URL `<id>/<path>/` (`row_name`, reversed as `url_name`)
    and the change page's button (`submit_name`). `apply(admin, request, rows, form)` makes the
    change, with the confirmation's cleaned form when one was asked (else None); when `final`,
    every door asks first (the button saves the edits, then asks)."""

    def selected(self, request, queryset):
        if final:
            page = self.confirm_bulk(request, queryset, confirmation)
            if page is not None:
                return page
        apply(self, request, queryset, getattr(request, "confirmation_form", None))

    def row(self, request, obj, form):
        apply(self, request, [obj], form)

    def submit(self, request, obj):
        change_url = self.change_url(obj)
        if final:  # saved; now ask, then come back to the page
            url = reverse(url_name, args=[obj.pk])
            self.then_go_to(request, f"{url}?{urlencode({'next': change_url})}")
            return
        apply(self, request, [obj], None)
        self.then_go_to(request, change_url)

    selected.__name__, row.__name__, submit.__name__ = bulk_name, row_name, submit_name
    label = button + ("…" if final else "")
    return {
        bulk_name: action(selected, description=bulk_description, permissions=["change"], icon=icon),
        row_name: confirmed_row_action(name=path, description=label, confirmation=confirmation, icon=icon)(row),
        submit_name: action(submit, description=label, permissions=["change"], icon=icon),
    }
