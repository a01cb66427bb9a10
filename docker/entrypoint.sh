#!/bin/sh
# Container start: wait (bounded) for the database, apply migrations, then exec the command
# (gunicorn by default) so it runs as PID 1 and receives the container's stop signal.
# Migrations run under a PostgreSQL advisory lock, so scaled-out app containers starting
# together apply them once, one after the other. DJANGO_SKIP_MIGRATE=1 skips them.
set -eu

python manage.py wait_for_db --timeout "${DB_WAIT_TIMEOUT:-60}"

if [ "${DJANGO_SKIP_MIGRATE:-0}" != "1" ]; then
    python manage.py migrate_with_lock --verbosity 1
fi

exec "$@"
