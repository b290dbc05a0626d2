"""The application's database role cannot rewrite the access log.

Each attack is tried as the app's role, through a connection of its own to the test database,
after the grants that ``migrate`` makes (luutru/dbroles.py). As the superuser the portal used
to connect as, every one of them worked."""

from __future__ import annotations

import secrets

import psycopg
import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from psycopg import errors

from guests.models import Declaration
from tests import factories as f
from tests.guests.helpers import FOREIGNER_URL, NOW, foreigner, management, stay
from wards.models import AccessLog

ROLE = "luutru_test_app"
PASSWORD = secrets.token_urlsafe(16)
LOG = AccessLog._meta.db_table


@pytest.fixture(scope="session")
def app_role(django_db_setup, django_db_blocker) -> str:
    """The role, created once in the cluster (roles are not per database) and granted on the
    test database as migrate would grant it."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE])
        verb = "ALTER" if cursor.fetchone() else "CREATE"
        cursor.execute(
            f"{verb} ROLE {ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %s", [PASSWORD]
        )
        cursor.execute(f'GRANT CONNECT ON DATABASE "{connection.settings_dict["NAME"]}" TO {ROLE}')
        call_command("grant_app_role", ROLE)
    return ROLE


def connect_as(role: str) -> psycopg.Connection:
    settings = connection.settings_dict
    # A unix socket (the embedded PostgreSQL) comes as ?host= in DATABASE_URL: in OPTIONS.
    options = settings.get("OPTIONS", {})
    return psycopg.connect(
        dbname=settings["NAME"],
        host=settings["HOST"] or options.get("host"),
        port=settings["PORT"] or options.get("port"),
        user=role,
        password=PASSWORD,
    )


@pytest.fixture
def app(app_role):
    with connect_as(app_role) as conn:
        yield conn
        conn.rollback()


def refused(conn: psycopg.Connection, *statements: str) -> bool:
    """Whether PostgreSQL refuses the statements for want of a privilege."""
    try:
        for statement in statements:
            conn.execute(statement)
    except errors.InsufficientPrivilege:
        return True
    finally:
        conn.rollback()
    return False


def test_the_app_role_cannot_truncate_the_access_log(app):
    assert refused(app, f"TRUNCATE {LOG}")
    assert refused(app, f"TRUNCATE {LOG} CASCADE")


def test_telling_the_trigger_to_step_aside_leaves_no_update_or_delete(app):
    ignore = f"SET LOCAL pgtrigger.ignore = '{{{LOG}:access_log_append_only}}'"
    assert refused(app, ignore, f"UPDATE {LOG} SET query = 'rewritten'")
    assert refused(app, ignore, f"DELETE FROM {LOG}")


def test_the_app_role_cannot_turn_triggers_off_for_its_session(app):
    assert refused(app, "SET session_replication_role = replica")
    assert refused(app, "SET LOCAL session_replication_role = replica")


def test_the_app_role_cannot_disable_the_trigger(app):
    assert refused(app, f"ALTER TABLE {LOG} DISABLE TRIGGER ALL")
    assert refused(app, f"ALTER TABLE {LOG} DISABLE TRIGGER USER")


def test_the_app_role_changes_no_schema(app):
    assert refused(app, "CREATE TABLE mine (id int)")
    assert refused(app, "ALTER TABLE guests_declaration ADD COLUMN note text")
    assert refused(app, "DROP TABLE guests_declaration")


def test_the_app_role_is_no_superuser_and_owns_nothing(app):
    assert app.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone() == (
        False,
    )
    owned = app.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
        "WHERE r.rolname = current_user"
    ).fetchone()
    assert owned == (0,)


@pytest.mark.django_db
def test_the_app_role_adds_to_and_reads_the_log(app, omar):
    # Added and read back in the app role's own transaction, rolled back by the fixture.
    ward_id = omar.officer.ward_id
    app.execute(
        f"INSERT INTO {LOG} (user_id, ward_id, action, query, query_hash, user_agent) "
        "VALUES (%s, %s, 'search', 'x', '', '')",
        [omar.pk, ward_id],
    )
    assert app.execute(f"SELECT count(*) FROM {LOG} WHERE query = 'x'").fetchone() == (1,)


@pytest.mark.django_db
def test_the_grant_refuses_a_superuser_role():
    with pytest.raises(Exception, match="superuser"):
        call_command("grant_app_role", connection.settings_dict["USER"] or "postgres")


@pytest.mark.django_db
def test_the_portal_works_as_the_app_role(app_role, client, establishment, rita, omar):
    """A filing through the desk form, a check-out, an officer's opening of the declaration
    and a search (both logged): all with the privileges of the app's role only."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {app_role}")
    try:
        with time_machine.travel(NOW, tick=False):
            f.login(client, rita)
            data = {**management(1), **stay(), **foreigner(0)}
            assert client.post(FOREIGNER_URL, data).status_code == 302
            declaration = Declaration.objects.get(establishment=establishment)
            # The check-out's confirmation step with its departure time (issue 16, item 13).
            departed = timezone.localtime(NOW).strftime("%Y-%m-%dT%H:%M")
            response = client.post(
                reverse("guests:check_out"),
                {"declaration": declaration.pk, "departed_at": departed},
            )
            assert response.status_code == 302

            f.login(client, omar)
            opened = client.get(reverse("wards:declaration", args=[declaration.pk]))
            assert opened.status_code == 200
            searched = client.post(reverse("wards:search"), {"q": "Eriksson"})
            assert searched.status_code == 200
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (app_role,)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    declaration.refresh_from_db()
    assert declaration.departed_at is not None
    assert AccessLog.objects.filter(declaration=declaration, action="view").exists()
    assert AccessLog.objects.filter(action="search", results=1).exists()
