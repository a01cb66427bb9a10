"""server.security.client_ip: the connection's address, or what our own proxies recorded."""

import pytest
from django.test import RequestFactory

from server.security.client_ip import client_ip


def request(remote="198.51.100.7", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_the_connection_decides(settings):
    settings.BEHIND_PROXY = False
    assert client_ip(request(forwarded="203.0.113.1")) == "198.51.100.7"
    assert client_ip(request()) == "198.51.100.7"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "198.51.100.20", "198.51.100.20"),
        (1, "203.0.113.1, 203.0.113.2, 198.51.100.20", "198.51.100.20"),  # the client's own entries ignored
        (2, "203.0.113.1, 198.51.100.20, 10.0.0.5", "198.51.100.20"),  # the outer proxy's entry
        (2, "198.51.100.20", "10.0.0.1"),  # fewer entries than proxies: not through them, use the connection
        (1, "", "10.0.0.1"),
        (1, "203.0.113.1, not-an-address", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "203.0.113.1,198.51.100.20 ", "198.51.100.20"),
    ],
)
def test_behind_proxies_the_right_most_entry_of_ours_decides(settings, proxies, forwarded, expected):
    settings.BEHIND_PROXY, settings.NUM_PROXIES = True, proxies
    assert client_ip(request(remote="10.0.0.1", forwarded=forwarded)) == expected


def test_a_request_without_an_address_has_none(settings):
    settings.BEHIND_PROXY = False
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="")) is None
