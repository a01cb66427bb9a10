"""The page behind the application link: `/applications/<token>/`, a plain server-rendered
Django template (no JavaScript) with the application's status and a Withdraw button.

GET never changes anything (mail scanners open links); withdrawing is a POST with Django's
CSRF token, through services.application_withdraw (the API's rule too), then a redirect back
to the page. Any bad, tampered or expired token is the same 404. The page is never cached and
sends its URL as Referer to no other site (Referrer-Policy same-origin; "no-referrer" would
make browsers send `Origin: null` and fail the CSRF check of the Withdraw form), since its URL
is the volunteer's credential.
"""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from server import services
from server.followthrough.tokens import application_for_token
from server.models import Application

Status = Application.Status
WITHDRAWABLE = (Status.NEW, Status.CONTACTED, Status.INTERVIEWING, Status.ONBOARDED)
STATUS_WORDS = {
    Status.NEW: "Received: the project's managers have not answered yet.",
    Status.CONTACTED: "Contacted: a manager has read it and will be in touch.",
    Status.INTERVIEWING: "Interviewing: the team would like to talk with you.",
    Status.ONBOARDED: "Onboarded: welcome to the team.",
    Status.DECLINED: "Declined: the team did not go further with it this time.",
    Status.WITHDRAWN: "Withdrawn: you withdrew this application.",
}


@never_cache
@require_http_methods(["GET", "POST"])
@csrf_protect
def application_page(request, token):
    queryset = Application.objects.select_related("opportunity__project")
    application = application_for_token(token, queryset=queryset)
    if application is None:
        raise Http404("This link is not valid (any more).")
    if request.method == "POST":
        try:
            services.application_withdraw(application=application)
        except services.ServiceError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Your application is withdrawn. The project's managers have been told.")
        return HttpResponseRedirect(request.path)
    context = {
        "application": application,
        "opportunity": application.opportunity,
        "project": application.opportunity.project,
        "status_words": STATUS_WORDS[application.status],
        "can_withdraw": application.status in WITHDRAWABLE,
    }
    response = render(request, "followthrough/application.html", context)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response
