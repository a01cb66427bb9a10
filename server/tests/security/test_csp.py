"""The Content-Security-Policy header (server.security.csp): strict everywhere, with
'unsafe-eval' only on admin pages (Alpine.js); never 'unsafe-inline' for scripts. The browser
check that pages work under it is server/tests/browser/test_csp.py."""

import pytest


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "script_src"),
    [
        ("/admin/login/", ["'self'", "'unsafe-eval'"]),
        ("/api/docs/", ["'self'"]),
        ("/api/health/", ["'self'"]),
        ("/api/nope/", ["'self'"]),
    ],
)
def test_every_answer_carries_the_policy(client, path, script_src):
    policy = directives(client.get(path))
    assert policy["script-src"] == script_src
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
