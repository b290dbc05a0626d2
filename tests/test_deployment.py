"""docker-compose.yml cannot be run here (no Docker engine), so it is read."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_whole_production_stack():
    services = compose()["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    assert services["web"]["command"][0] == "gunicorn"
    assert services["worker"]["command"][:4] == ["celery", "-A", "luutru", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "luutru", "beat"]


def test_compose_services_have_health_checks():
    services = compose()["services"]
    for name in ("postgres", "redis", "web", "worker"):
        assert services[name]["healthcheck"]["test"], name


def test_app_services_share_one_definition_and_production_settings():
    services = compose()["services"]
    images = {services[name]["image"] for name in ("web", "worker", "beat", "migrate")}
    assert images == {"luutru:latest"}
    env = services["web"]["environment"]
    assert env["DEBUG"] == "0"
    assert env["DATABASE_URL"].startswith("postgresql://")
    assert env["REDIS_URL"].startswith("redis://")
    # The image collects static files for whitenoise at build time.
    assert "collectstatic" in services["web"]["build"]["dockerfile_inline"]


def test_app_services_wait_for_migrations():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )


def test_static_files_are_vendored_not_fetched_from_a_cdn():
    for template in (ROOT / "templates").rglob("*.html"):
        assert not re.search(r'(src|href)="(https?:)?//', template.read_text()), template


def user_of(url: str) -> str:
    return url.removeprefix("postgresql://").split(":", 1)[0]


def test_only_migrations_connect_as_the_owner_and_the_app_as_its_own_role():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert user_of(env["DATABASE_URL"]) == "luutru_app", name
        assert env["PROXY_COUNT"] == "1"
    migrate = services["migrate"]["environment"]
    assert user_of(migrate["DATABASE_URL"]) == "luutru_owner"
    assert migrate["DATABASE_APP_ROLE"] == "luutru_app"
    # The image's superuser is no one's connection: it only runs the init script.
    postgres = services["postgres"]
    assert postgres["environment"]["POSTGRES_USER"] not in {"luutru_app", "luutru_owner"}
    (mount,) = [v for v in postgres["volumes"] if "docker-entrypoint-initdb.d" in v]
    script = (ROOT / mount.split(":")[0]).read_text()
    assert "CREATE ROLE luutru_app LOGIN NOSUPERUSER" in script
    assert "ALTER DATABASE luutru OWNER TO luutru_owner" in script
