"""Small helpers shared by the reliability checks: plain HTTP on 127.0.0.1, bounded waits.

Standard library only, so the checks run wherever the app's virtualenv does.
"""

import http.client
import json
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Errors that mean "the server had already closed this kept-alive connection".
STALE_CONNECTION_ERRORS = (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected)

# Requests made as if through the TLS-terminating proxy (the server runs with DJANGO_BEHIND_PROXY=1).
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body)

    @property
    def is_json(self) -> bool:
        return self.headers.get("content-type", "").startswith("application/json")


@dataclass
class Client:
    """One keep-alive connection, reopened after any failure (like a browser or a proxy would)."""

    base_url: str
    timeout: float = 30.0
    headers: dict[str, str] = field(default_factory=lambda: dict(PROXY_HEADERS))
    retries: int = 0
    _connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body=None, headers: dict[str, str] | None = None) -> Response:
        parts = urlsplit(self.base_url)
        assert parts.hostname in {"127.0.0.1", "localhost"}, "reliability checks only talk to this machine"
        payload = None
        all_headers = {**self.headers, **(headers or {})}
        if body is not None:
            payload = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        reused = self._connection is not None
        try:
            return self._send(parts, method, path, payload, all_headers)
        except STALE_CONNECTION_ERRORS:
            if not reused:
                raise
            # The server closed an idle keep-alive connection (its keepalive timeout, or a worker
            # recycled) before reading this request: nothing reached the app, so send it again
            # on a new connection, as HTTP clients do. Counted, so a report can show it.
            self.retries += 1
            return self._send(parts, method, path, payload, all_headers)

    def _send(self, parts, method, path, payload, headers) -> Response:
        started = time.perf_counter()
        try:
            if self._connection is None:
                self._connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
            self._connection.request(method, path, body=payload, headers=headers)
            raw = self._connection.getresponse()
            data = raw.read()
            response_headers = {key.lower(): value for key, value in raw.getheaders()}
            if raw.getheader("connection", "").lower() == "close":
                self.close()
        except Exception:
            self.close()
            raise
        return Response(raw.status, response_headers, data, time.perf_counter() - started)

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body, **kwargs) -> Response:
        return self.request("POST", path, body=body, **kwargs)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def worker_command(*, interval: float = 0.2) -> list[str]:
    """The task worker as the benchmarks and checks start it (from the repository root): every
    queue, polled every `interval` seconds, no start-up delay, no autoreload."""
    return [
        sys.executable,
        "manage.py",
        "db_worker",
        "--queue-name",
        "*",
        "--interval",
        str(interval),
        "--no-startup-delay",
        "--no-reload",
    ]


def wait_until(predicate, *, timeout: float, interval: float = 0.25, what: str):
    """Poll `predicate` until it returns a truthy value; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as error:  # noqa: BLE001 - keep polling; report the last error
            last_error = error
        time.sleep(interval)
    raise TimeoutError(f"{what}: not within {timeout:g}s (last error: {last_error!r})")


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Checks:
    """Collects pass/fail lines and prints them; exit status 1 if any failed."""

    def __init__(self, name: str):
        self.name = name
        self.failures: list[str] = []

    def check(self, ok: bool, message: str) -> bool:
        print(f"  [{'ok' if ok else 'FAIL'}] {message}", flush=True)
        if not ok:
            self.failures.append(message)
        return ok

    def finish(self) -> int:
        if self.failures:
            print(f"{self.name}: {len(self.failures)} check(s) failed", file=sys.stderr, flush=True)
            return 1
        print(f"{self.name}: all checks passed", flush=True)
        return 0
