"""Session engine: Django's database store, with the user's id on the row."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.db import router, transaction


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from .models import Session

        return Session

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        try:
            obj.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            obj.user_id = None
        return obj

    def save(self, must_create: bool = False) -> None:
        # A session row is not worth a disk flush of its own: after a crash of PostgreSQL the
        # worst lost is a flash message or a login. Without this, a check-in waited for three
        # WAL flushes (the filing, the "Filed" message stored, the message shown); now for one.
        # Only when the save is a transaction of its own: inside a larger one (a filing), SET
        # LOCAL would make that transaction's commit asynchronous too.
        connection = transaction.get_connection(router.db_for_write(self.model))
        if connection.in_atomic_block:
            return super().save(must_create)
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            return super().save(must_create)
