"""The production start answers like production: health, the admin login page and a static
file, each with the security headers, debug off, HTTPS enforced.

    python bench/reliability/smoke.py --base-url http://127.0.0.1:8500

The server must run with DJANGO_BEHIND_PROXY=1 (requests here carry X-Forwarded-Proto: https,
as the TLS proxy would add) and SSL redirect on (the default without debug).
"""

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.reliability.common import Checks, Client  # noqa: E402

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


def check_security_headers(checks: Checks, response, what: str) -> None:
    for header, expected in SECURITY_HEADERS.items():
        checks.check(response.headers.get(header) == expected, f"{what}: {header}: {response.headers.get(header)}")
    hsts = response.headers.get("strict-transport-security", "")
    checks.check("max-age=" in hsts and "max-age=0" not in hsts, f"{what}: strict-transport-security: {hsts}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True)
    args = parser.parse_args()
    checks = Checks("smoke")
    client = Client(args.base_url, timeout=10)

    health = client.get("/api/health/")
    checks.check(health.status == 200 and health.is_json, f"/api/health/ -> {health.status}")
    if health.is_json:
        checks.check(health.json().get("database") == "ok", f"health body: {health.json()}")

    plain = Client(args.base_url, timeout=10, headers={})
    redirect = plain.get("/admin/login/")
    checks.check(
        redirect.status == 301 and redirect.headers.get("location", "").startswith("https://"),
        f"plain http /admin/login/ -> {redirect.status} {redirect.headers.get('location')}",
    )
    plain_health = plain.get("/api/health/")
    checks.check(plain_health.status == 200, f"plain http /api/health/ is not redirected -> {plain_health.status}")

    login = client.get("/admin/login/")
    checks.check(login.status == 200, f"/admin/login/ -> {login.status}")
    frame_options = login.headers.get("x-frame-options")
    checks.check(frame_options == "DENY", f"x-frame-options: {frame_options}")
    check_security_headers(checks, login, "/admin/login/")
    cookies = login.headers.get("set-cookie", "")
    checks.check("csrftoken=" in cookies and "Secure" in cookies, f"csrf cookie is Secure: {cookies[:120]}")
    html = login.body.decode("utf-8", "replace")
    checks.check("Traceback" not in html and "DEBUG = True" not in html, "no debug output in the page")

    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', html)
    hashed = [href for href in stylesheets if re.search(r"\.[0-9a-f]{12}\.css$", href)]
    checks.check(bool(hashed), f"the admin links hashed static files (manifest storage): {stylesheets[:3]}")
    if hashed:
        static = client.get(hashed[0], headers={"Accept-Encoding": "gzip"})
        checks.check(static.status == 200, f"{hashed[0]} -> {static.status}")
        checks.check(static.headers.get("content-type", "").startswith("text/css"), "static file is text/css")
        checks.check(
            static.headers.get("content-encoding") in {"gzip", "br"},
            f"static file is served compressed: {static.headers.get('content-encoding')}",
        )
        checks.check(
            "immutable" in static.headers.get("cache-control", ""),
            f"hashed static file is cached for good: {static.headers.get('cache-control')}",
        )
        check_security_headers(checks, static, "static file")

    missing = client.get("/no-such-page/")
    checks.check(missing.status == 404 and b"Traceback" not in missing.body, f"/no-such-page/ -> {missing.status}")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
