"""The Docker image, the compose file and the documentation agree with the settings.

No Docker engine runs here, so these read the files the engine would read; CI additionally
runs `docker-compose config -q` and the entrypoint itself.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
READ_ENV = re.compile(r"""(?:env_(?:str|bool|int|list)\(\s*|environ(?:\.get)?[\[(]\s*)["']([A-Z][A-Z0-9_]+)["']""")
SHELL_ENV = re.compile(r"\$\{([A-Z][A-Z0-9_]+)[:}]")
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE", "PATH", "HOME"}


def variables_read() -> set[str]:
    names = set()
    for path in [*ROOT.joinpath("config").glob("*.py"), ROOT / "docker" / "entrypoint.sh"]:
        text = path.read_text()
        names |= set(READ_ENV.findall(text)) | set(SHELL_ENV.findall(text))
    return names - NOT_SETTINGS


def test_the_settings_read_variables():
    expected = {"DJANGO_SECRET_KEY", "DJANGO_SECURE_SSL_REDIRECT", "GUNICORN_WORKERS", "DB_WAIT_TIMEOUT"}
    assert expected <= variables_read()


@pytest.mark.parametrize("document", ["README.md", ".env.example"])
def test_every_variable_is_documented(document):
    text = (ROOT / document).read_text()
    missing = sorted(name for name in variables_read() if name not in text)
    assert not missing, f"{document} does not mention {missing}"


def test_compose_runs_postgres_16_and_the_app_with_health_checks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    db, app = compose["services"]["db"], compose["services"]["app"]
    assert db["image"] == "postgres:16"
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"], "the database lives in a named volume"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert app["build"] == {"context": ".", "dockerfile": "docker/django/Dockerfile"}
    assert app["env_file"] == ".env"
    assert app["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert app["healthcheck"]["test"] == ["CMD", "python", "/app/docker/healthcheck.py"]
    assert app["environment"]["DATABASE_URL"].startswith("postgres://")


def test_the_image_is_slim_unprivileged_and_pinned():
    dockerfile = (ROOT / "docker" / "django" / "Dockerfile").read_text()
    instructions = [
        line.split()[0] for line in dockerfile.splitlines() if line and not line[0].isspace() and line[0] != "#"
    ]
    assert "FROM python:3.11-slim" in dockerfile
    assert "pip install -r /app/requirements.txt" in dockerfile
    assert "requirements-dev" not in dockerfile
    assert "collectstatic" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    assert instructions.index("USER") < instructions.index("ENTRYPOINT")
    assert "docker/healthcheck.py" in dockerfile.split("HEALTHCHECK", 1)[1]
    assert 'ENTRYPOINT ["/app/docker/entrypoint.sh"]' in dockerfile
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert "==" in line, f"unpinned requirement: {line}"


def test_the_dockerignore_keeps_secrets_and_local_state_out():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in [".env", ".git", ".venv", "db.sqlite3", "staticfiles"]:
        assert entry in ignored


def test_the_entrypoint_waits_migrates_and_execs_the_command(tmp_path):
    entrypoint = ROOT / "docker" / "entrypoint.sh"
    assert os.access(entrypoint, os.X_OK)
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'entrypoint.sqlite3'}",
        "DJANGO_SECRET_KEY": "entrypoint-test-only-" + "x" * 40,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PATH": f"{Path(os.sys.executable).parent}:{os.environ['PATH']}",
    }
    result = subprocess.run(
        [str(entrypoint), "python", "-c", "import sys; print('command ran'); sys.exit(3)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "is ready" in result.stdout
    assert "Applying server.0001_initial... OK" in result.stdout
    assert result.stdout.strip().endswith("command ran")
    assert result.returncode == 3, "exec: the command's exit status is the container's"


def test_the_health_check_names_an_allowed_host(monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "docker" / "healthcheck.py")
    healthcheck = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(healthcheck)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", ".jobs.example.org,localhost")
    assert healthcheck.host_header() == "jobs.example.org"
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "*")
    assert healthcheck.host_header() == "localhost"


def test_gunicorn_accepts_the_configuration_and_loads_the_app(tmp_path):
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GUNICORN_"))},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "DJANGO_SECRET_KEY": "gunicorn-check-only-" + "x" * 40,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "GUNICORN_WORKERS": "3",
        "PORT": "8599",
    }
    gunicorn = Path(os.sys.executable).parent / "gunicorn"
    result = subprocess.run(
        [str(gunicorn), "--check-config", "--print-config", "--config", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    settings = {
        name.strip(): value.strip()
        for name, value in (line.split(" = ", 1) for line in result.stdout.splitlines() if " = " in line)
    }
    assert settings["workers"] == "3"
    assert settings["worker_class"] == "gthread"
    assert settings["bind"] == "['0.0.0.0:8599']"
    assert settings["control_socket_disable"] == "True"


def test_compose_runs_task_workers_from_the_app_image():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    app, worker = compose["services"]["app"], compose["services"]["worker"]
    assert worker["image"] == app["image"]
    assert worker["build"] == app["build"]
    assert worker["command"][:3] == ["python", "manage.py", "db_worker"]
    assert worker["environment"]["DATABASE_URL"] == app["environment"]["DATABASE_URL"]
    assert "ports" not in worker  # scaled with --scale worker=N, nothing to publish
