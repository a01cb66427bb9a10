"""The one answer to "which client sent this request?", for the API throttles and the sign-in
lockout alike.

By default it is the connection's address (REMOTE_ADDR): a header is something anyone can
send. Behind reverse proxies (DJANGO_BEHIND_PROXY) the connection is the nearest proxy, so the
client is the address the outermost of our DJANGO_NUM_PROXIES proxies appended to
X-Forwarded-For: the N-th entry from the right. Entries further left were written by the
client and are ignored, so a spoofed header changes nothing.
"""

import ipaddress

from django.conf import settings


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address as a string; None only when the server gave none (a request made
    in code, e.g. the test client's force_login), which the lockout stores as no address."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.NUM_PROXIES if settings.BEHIND_PROXY else 0
    if proxies <= 0:
        return remote
    forwarded = [entry for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if len(forwarded) < proxies:
        # Fewer entries than proxies: the request did not come through all of them (or a proxy
        # does not set the header). What is there cannot be trusted; the connection can.
        return remote
    return _valid_ip(forwarded[-proxies]) or remote
