"""Background work: Django's task framework (django-tasks backport, `TASKS` setting) with the
database backend, run by `python manage.py db_worker`.

Modules: `mail` (every email: stored once per event, delivered by a worker with retries),
`expiry` (opportunities that close themselves at the end of `expires_on`), `imports` (admin
CSV imports as jobs with progress), `status` (queue figures for `tasks_status`, the health
check and the dashboard).

How to add a task: write a plain function in a module here, decorate it with
`@task()` (from `django_tasks`; Django 6 has the same as `django.tasks`), give it only
JSON-able keyword arguments (ids, not objects) and make it idempotent: it re-reads the rows
and does nothing when its work is already done, because a task can run twice (a retry, a
worker killed after the work but before recording success). Enqueue it with
`my_task.enqueue(id=...)` — inside the transaction of the change that causes it, so the task
row is committed with the change or not at all — and `my_task.using(run_after=when)` for
later. How to add an email: build its subject, plain text (and HTML) where the event happens
and call `server.tasks.mail.queue_email(key=..., to=[...], subject=..., body=..., html=...)`
with a key naming the event (`"application:42:managers"`); the same key never sends twice,
links come from `absolute_url(path)` (`SITE_URL`), and the worker retries with back-off when
the mail server refuses or times out. Tests: `run_tasks` (in process, any test) and
`db_worker` (a real `db_worker` subprocess, transactional tests) plus `smtp_server` (a real
aiosmtpd server) in server/tests/conftest.py.
"""
