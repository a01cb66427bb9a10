"""gunicorn settings shared by `make serve` and the Docker image, all from the environment.

GUNICORN_WORKERS   processes (default 2 x CPU cores + 1)
GUNICORN_THREADS   threads per process (default 4): requests mostly wait on PostgreSQL
GUNICORN_TIMEOUT   seconds without a heartbeat before a wedged worker process is replaced (default 30).
                   With threads the heartbeat continues while a request runs, so a long admin
                   import (100k rows: about a minute) is not cut short.
PORT / GUNICORN_BIND  where to listen (default 0.0.0.0:8000)
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or 20)
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 2000)
max_requests_jitter = max_requests // 10
# Logs to stdout/stderr for the container runtime; access lines in one greppable format.
accesslog = "-"
errorlog = "-"
access_log_format = '{"remote": "%(h)s", "request": "%(r)s", "status": %(s)s, "bytes": "%(B)s", "ms": %(M)s}'
# Trust X-Forwarded-* only from these proxy addresses (comma-separated; "*" in a private network).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Keep the worker heartbeat file in memory, not on a possibly slow container filesystem.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# No control socket: it lives in $HOME by default, where several servers on one machine (or a
# read-only container home) would collide. Manage workers with signals instead.
control_socket_disable = True
# gunicorn's own messages as JSON lines too (the same formatter as Django's logs, times in UTC);
# access lines are already JSON through access_log_format and are written as they are.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "config.logging.JsonFormatter"},
        "raw": {"format": "%(message)s"},
    },
    "handlers": {
        "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        "console": {"class": "logging.StreamHandler", "formatter": "raw", "stream": "ext://sys.stdout"},
    },
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
    "root": {"level": "INFO", "handlers": []},
}
