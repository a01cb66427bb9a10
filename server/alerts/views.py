"""The pages behind the links of alert emails: plain server-rendered Django templates.

GET never changes anything (mail scanners open links): each page shows one button that POSTs
with Django's CSRF token. The unsubscribe URL also takes RFC 8058's one-click POST
(`List-Unsubscribe=One-Click` in the body, sent by mail clients without any page or cookie),
which is why that view checks CSRF itself for every other POST.
"""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from server.alerts import services
from server.alerts.tokens import alert_for_confirm_token, alert_for_unsubscribe_token

ONE_CLICK = "One-Click"


def _or_404(alert):
    # One answer for a bad, expired or superseded token: it says nothing about the address.
    if alert is None:
        raise Http404("This link is not valid (any more).")
    return alert


@require_http_methods(["GET", "POST"])
@csrf_protect
def confirm(request, token):
    alert = _or_404(alert_for_confirm_token(token))
    if request.method == "POST":
        alert = services.alert_confirm(alert=alert)
        return render(request, "alerts/confirmed.html", {"alert": alert})
    return render(request, "alerts/confirm.html", {"alert": alert})


@csrf_protect
def _unsubscribe_page(request, token):
    alert = _or_404(alert_for_unsubscribe_token(token))
    if request.method == "POST":
        alert = services.alert_unsubscribe(alert=alert)
        return render(request, "alerts/unsubscribed.html", {"alert": alert})
    return render(request, "alerts/unsubscribe.html", {"alert": alert})


@require_http_methods(["GET", "POST"])
@csrf_exempt
def unsubscribe(request, token):
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == ONE_CLICK:
        alert = _or_404(alert_for_unsubscribe_token(token))
        services.alert_unsubscribe(alert=alert)
        return render(request, "alerts/unsubscribed.html", {"alert": alert})
    return _unsubscribe_page(request, token)
