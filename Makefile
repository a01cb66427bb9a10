# Civic Tech Jobs. `make run` to try it, `make test` to test it. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=
SERVE_HOST ?= 127.0.0.1

.PHONY: run test install install-dev lint serve worker clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found; set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

# axe-core (pinned in package.json / package-lock.json), injected by the browser tests.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is required for the accessibility tests (apt-get install npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev node_modules/axe-core/axe.min.js

run: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo
	@echo "  Civic Tech Jobs: http://127.0.0.1:$(PORT)/admin/"
	@echo "  Organizer:        admin@example.org / civictech"
	@echo "  Project managers: pm@example.org / civictech (Civic Tech Jobs, Food Oasis)"
	@echo "                    pm2@example.org / civictech (VRMS)"
	@echo "  Task worker:      one, next to the server (emails, imports, expiry)"
	@echo
	@# The worker runs in the background of this shell; Ctrl-C (or the server stopping) stops both.
	@DJANGO_DEBUG=1 $(BIN)/python manage.py db_worker --queue-name '*' --no-reload & worker=$$!; \
		trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
		DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The production start without Docker: debug off, gunicorn + whitenoise, against DATABASE_URL
# (DJANGO_SECRET_KEY required). Migrates and collects static files first, like the container.
serve: install
	DJANGO_DEBUG=0 $(BIN)/python manage.py wait_for_db --timeout $${DB_WAIT_TIMEOUT:-60}
	DJANGO_DEBUG=0 $(BIN)/python manage.py migrate_with_lock
	DJANGO_DEBUG=0 $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	DJANGO_DEBUG=0 GUNICORN_BIND=$${GUNICORN_BIND:-$(SERVE_HOST):$(PORT)} \
		exec $(BIN)/gunicorn --config config/gunicorn.conf.py config.wsgi

# The task worker for `make serve` (emails, admin imports, expiry): run one or more next to it,
# on any machine that reaches the same DATABASE_URL.
worker: install
	DJANGO_DEBUG=0 $(BIN)/python manage.py wait_for_db --timeout $${DB_WAIT_TIMEOUT:-60}
	DJANGO_DEBUG=0 exec $(BIN)/python manage.py db_worker --queue-name '*' --no-reload --interval $${WORKER_INTERVAL:-1}

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-output .pytest_cache node_modules
