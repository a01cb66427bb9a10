"""Container health check: GET /api/health/ on this container, exit 0 only on 200.

The slim image has no curl. The request carries a Host the app accepts (the first of
DJANGO_ALLOWED_HOSTS), so a deployment that allows only its public name stays healthy.
"""

import http.client
import os
import sys


def host_header() -> str:
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main() -> int:
    connection = http.client.HTTPConnection("127.0.0.1", int(os.environ.get("PORT", "8000")), timeout=4)
    try:
        connection.request("GET", "/api/health/", headers={"Host": host_header()})
        status = connection.getresponse().status
    except OSError as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"unhealthy: /api/health/ answered {status}", file=sys.stderr)
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
