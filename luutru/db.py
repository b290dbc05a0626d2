"""What the database said, read the same way everywhere."""

from __future__ import annotations

from django.db import IntegrityError


def constraint_name(error: IntegrityError) -> str | None:
    """The name of the constraint an IntegrityError broke, as PostgreSQL reports it (psycopg's
    ``diag``), or None: a caller tells the race it expected from any other violation."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)
