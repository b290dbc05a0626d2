"""A session row is saved without waiting for a WAL flush, and never makes a larger
transaction (a filing) asynchronous."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from luutru.models import Session
from luutru.sessions import SessionStore

ASYNC = "SET LOCAL synchronous_commit TO OFF"


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_session_of_its_own_is_saved_without_a_flush_and_kept():
    store = SessionStore()
    store["greeting"] = "xin chào"
    with CaptureQueriesContext(connection) as queries:
        store.save()
    assert ASYNC in [q["sql"] for q in queries.captured_queries]
    # The setting ended with the session's own transaction.
    assert synchronous_commit() == "on"
    assert SessionStore(store.session_key)["greeting"] == "xin chào"
    assert Session.objects.filter(session_key=store.session_key).exists()


@pytest.mark.django_db(transaction=True)
def test_inside_a_larger_transaction_the_commit_stays_synchronous():
    with transaction.atomic():
        store = SessionStore()
        store["greeting"] = "xin chào"
        with CaptureQueriesContext(connection) as queries:
            store.save()
        assert ASYNC not in [q["sql"] for q in queries.captured_queries]
        assert synchronous_commit() == "on"
    assert SessionStore(store.session_key)["greeting"] == "xin chào"
