"""The two database roles: the owner, which migrations run as, and the application's role,
which the web processes, the Celery worker and beat connect as.

The application's role owns nothing and is no superuser, so it cannot turn off what protects
the access log: ``ALTER TABLE … DISABLE TRIGGER`` needs the table's owner,
``session_replication_role`` needs a superuser, and on the log table it has no UPDATE, DELETE
or TRUNCATE privilege at all, so ``SET LOCAL pgtrigger.ignore`` (which only tells the trigger
to step aside) leaves nothing to step aside for. On every other table it may read and write
rows, which is all the portal does; it creates no table and changes no schema.

The grants are made by the owner, after each ``migrate`` (a post_migrate receiver, when
``DATABASE_APP_ROLE`` names the role), so a table added by a migration is granted in the same
run. ``manage.py grant_app_role`` makes them by hand.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import sql


def append_only_tables() -> list[str]:
    """Tables the application may add rows to and read, never change: the access log."""
    return [apps.get_model("wards", "AccessLog")._meta.db_table]


def grant_statements(role: str, *, append_only: Iterable[str]) -> list[sql.Composed]:
    who = sql.Identifier(role)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(who),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            who
        ),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(who),
        # Nothing beyond rows: no new tables in the schema, no TRUNCATE, no triggers.
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(who),
        sql.SQL(
            "REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {}"
        ).format(who),
    ]
    statements += [
        sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(sql.Identifier(table), who)
        for table in append_only
    ]
    return statements


def grant_app_role(role: str, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Give ``role`` what the application needs on the database ``using`` connects to (as
    the owner of its tables), and no more. Safe to run again."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            raise ValueError(f"no database role {role!r}: create it first (see the README)")
        if row[0]:
            raise ValueError(f"{role!r} is a superuser: the application's role must not be")
        for statement in grant_statements(role, append_only=append_only_tables()):
            cursor.execute(statement.as_string(cursor.connection))


def grant_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate receiver: re-grant after the migrations, when DATABASE_APP_ROLE is set."""
    role = settings.DATABASE_APP_ROLE
    if role:
        grant_app_role(role, using=using)
