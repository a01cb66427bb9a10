"""The sign-in lockout's pieces that are ours; counting and locking is django-axes'.

- lockout_username: the account an attempt is for, as the account is named (emails are
  stored lower-case), whether it came from the admin's form (`username`) or the token
  endpoint (`email`). "Ada@Example.org" and "ada@example.org" are one account.
- lockout_response: what a locked-out client is told: a JSON 429 under /api/, the admin's
  sign-in page with the message otherwise; both with Retry-After.
- a log line for every lockout (axes' own lines mask the account and the address).
"""

import logging
import math

from axes.backends import AxesStandaloneBackend
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

logger = logging.getLogger("server.security")


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check before the password is tried. A sign-in always carries its request
    (the admin's form, the token endpoint); code calling authenticate() without one (a shell,
    a script) has no client to lock, so it is not checked rather than refused."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    minutes = lockout_minutes()
    return (
        f"Too many failed sign-ins for this account from your address. Signing in is blocked for "
        f"{minutes} minute{'s' if minutes != 1 else ''}; try again later, or ask an organizer to unlock it."
    )


def lockout_username(request, credentials=None) -> str | None:
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if value is None:
        data = getattr(request, "data", None) or request.POST
        value = data.get("email") or data.get("username")
    if not isinstance(value, str):
        return None
    # Bounded: the attempt row keeps it, and nobody's email is longer than 254 characters.
    return value.strip().lower()[:254] or None


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """A 429 with Retry-After: JSON under /api/; elsewhere the admin's sign-in page (the one
    that was answered, so its context is the admin's) with the message and an empty form, so
    another account can still sign in from here."""
    context = getattr(original_response, "context_data", None)
    if request.path.startswith("/api/") or context is None:
        response = JsonResponse({"detail": lockout_message(), "code": "locked_out"}, status=429)
    else:
        username = lockout_username(request, credentials) or ""
        context = {
            **context,
            # The page's own form class (Unfold's styled one), unbound: no "wrong password" error.
            "form": type(context.get("form", AdminAuthenticationForm(request)))(
                request, initial={"username": username}
            ),
            "lockout_message": lockout_message(),
        }
        response = render(request, "security/lockout.html", context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


@receiver(user_locked_out)
def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    logger.warning(
        "sign-in locked for %s minutes: account %s from %s (%s)",
        lockout_minutes(),
        username,
        ip_address,
        getattr(request, "path", ""),
        extra={"event": "login_lockout", "account": username, "client_ip": ip_address},
    )
