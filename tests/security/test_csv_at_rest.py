"""Uploaded CSV files at rest: what a dump of ``guests_importbatch`` holds, read with raw SQL
as whoever stole it would, at each step of a batch's life."""

from __future__ import annotations

import hashlib
import importlib
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from guests import documents, tasks
from guests.imports import rows as import_rows
from guests.imports import services as imports
from guests.models import IMPORT_FILE_AAD, Declaration, ImportBatch, ImportStatus
from tests import factories as f
from tests.guests.helpers import CITIZEN, FOREIGNER, NOW, make_csv  # noqa: F401 - NOW: frozen_clock

pytestmark = pytest.mark.usefixtures("english", "frozen_clock")

# What must never be readable in the table: the guests' names and document numbers.
SECRETS = [
    FOREIGNER["full_name"].encode(),
    FOREIGNER["document_number"].encode(),
    CITIZEN["full_name"].encode(),
    CITIZEN["document_number"].encode(),
]

migration = importlib.import_module("guests.migrations.0008_import_content_encrypted")


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.run_import, "delay", lambda *args: calls.append(args))
    return calls


def stored(pk: int) -> dict[str, object]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT content, sha256, status, filename, errors::text FROM guests_importbatch "
            "WHERE id = %s",
            [pk],
        )
        content, sha256, status, filename, errors = cursor.fetchone()
    return {
        "content": bytes(content),
        "sha256": sha256,
        "status": status,
        "text": f"{filename} {sha256} {errors}".encode(),
    }


def assert_nothing_in_clear(pk: int) -> dict[str, object]:
    row = stored(pk)
    for secret in SECRETS:
        assert secret not in row["content"], secret
        assert secret not in row["text"], secret
    return row


def upload(establishment, user, content: bytes) -> ImportBatch:
    return imports.create_import_batch(
        establishment=establishment, uploaded_by=user, filename="guests.csv", content=content
    )


def test_an_uploaded_file_waits_for_its_worker_as_ciphertext(client, rita, enqueued):
    content = make_csv(FOREIGNER, CITIZEN)
    f.login(client, rita).post(
        reverse("guests:import"), {"file": SimpleUploadedFile("guests.csv", content, "text/csv")}
    )

    batch = ImportBatch.objects.get()
    row = assert_nothing_in_clear(batch.pk)
    assert row["status"] == ImportStatus.QUEUED
    assert row["content"].startswith(b"v1:")
    # The code still reads the file as uploaded.
    assert bytes(batch.content) == content


def test_the_stored_hash_cannot_confirm_a_guessed_file(establishment, rita):
    content = make_csv(CITIZEN)
    batch = upload(establishment, rita, content)

    assert stored(batch.pk)["sha256"] != hashlib.sha256(content).hexdigest()


def test_the_file_is_not_in_clear_while_its_rows_are_checked(establishment, rita, monkeypatch):
    batch = upload(establishment, rita, make_csv(FOREIGNER, CITIZEN))
    seen = []
    check_rows = import_rows.check_rows

    def checking(**kwargs):
        seen.append(assert_nothing_in_clear(batch.pk)["status"])
        return check_rows(**kwargs)

    monkeypatch.setattr(import_rows, "check_rows", checking)
    imports.run_import(batch_id=batch.pk, language="en")

    assert seen == [ImportStatus.CHECKING]


def test_the_file_is_emptied_when_its_batch_is_filed(establishment, rita):
    batch = upload(establishment, rita, make_csv(FOREIGNER, CITIZEN))
    imports.run_import(batch_id=batch.pk, language="en")

    row = assert_nothing_in_clear(batch.pk)
    assert row["status"] == ImportStatus.FILED
    assert row["content"] == b""
    assert Declaration.objects.filter(establishment=establishment).count() == 2


def test_the_file_is_emptied_when_its_batch_is_refused_and_the_errors_still_show(
    client, establishment, rita
):
    batch = upload(establishment, rita, make_csv(FOREIGNER | {"sex": "Q"}, CITIZEN))
    imports.run_import(batch_id=batch.pk, language="en")

    row = assert_nothing_in_clear(batch.pk)
    assert row["status"] == ImportStatus.FAILED
    assert row["content"] == b""
    page = f.login(client, rita).get(reverse("guests:import_detail", args=[batch.pk]))
    assert page.status_code == 200
    assert b"<code>sex</code>" in page.content


def test_a_file_filed_and_emptied_is_still_refused_when_uploaded_again(establishment, rita):
    content = make_csv(FOREIGNER, CITIZEN)
    first = upload(establishment, rita, content)
    imports.run_import(batch_id=first.pk, language="en")

    with pytest.raises(imports.ImportAlreadyUploaded) as caught:
        upload(establishment, rita, content)

    assert caught.value.earlier == first
    assert ImportBatch.objects.count() == 1


def test_a_tampered_file_fails_loudly_and_files_nothing(establishment, rita):
    batch = upload(establishment, rita, make_csv(FOREIGNER, CITIZEN))
    with connection.cursor() as cursor:
        # One bit of the last byte (the authentication tag) flipped.
        cursor.execute(
            "UPDATE guests_importbatch SET content = overlay(content placing "
            "set_byte(substring(content from length(content)), 0, "
            "get_byte(substring(content from length(content)), 0) # 1) "
            "from length(content)) WHERE id = %s",
            [batch.pk],
        )

    with pytest.raises(documents.DocumentKeyError, match="altered"):
        imports.run_import(batch_id=batch.pk, language="en")

    assert not Declaration.objects.exists()
    assert stored(batch.pk)["status"] == ImportStatus.QUEUED


def test_a_file_ciphertext_does_not_decrypt_as_anything_else(establishment, rita):
    batch = upload(establishment, rita, make_csv(CITIZEN))
    sealed = stored(batch.pk)["content"]

    assert documents.decrypt_bytes(sealed, aad=IMPORT_FILE_AAD) == make_csv(CITIZEN)
    with pytest.raises(documents.DocumentKeyError):
        documents.decrypt_bytes(sealed, aad=documents.AAD)


def insert_clear(establishment, user, *, status: str, content: bytes) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO guests_importbatch (establishment_id, uploaded_by_id, uploaded_at, "
            "filename, sha256, content, status, total_rows, processed_rows, filed, errors) "
            "VALUES (%s, %s, %s, 'old.csv', %s, %s, %s, 0, 0, 0, '[]') RETURNING id",
            [
                establishment.pk,
                user.pk,
                timezone.now(),
                hashlib.sha256(content).hexdigest(),
                content,
                status,
            ],
        )
        return cursor.fetchone()[0]


def test_the_migration_encrypts_waiting_files_and_empties_finished_ones(establishment, rita):
    waiting_file, filed_file = make_csv(FOREIGNER), make_csv(CITIZEN)
    waiting = insert_clear(establishment, rita, status="queued", content=waiting_file)
    filed = insert_clear(establishment, rita, status="filed", content=filed_file)
    editor = SimpleNamespace(connection=connection)

    migration.encrypt(None, editor)

    assert assert_nothing_in_clear(waiting)["content"].startswith(b"v1:")
    assert bytes(ImportBatch.objects.get(pk=waiting).content) == waiting_file
    assert assert_nothing_in_clear(filed)["content"] == b""
    # Its keyed hash was computed before the file went: a second upload is still refused.
    with pytest.raises(imports.ImportAlreadyUploaded):
        upload(establishment, rita, filed_file)

    migration.decrypt(None, editor)

    assert stored(waiting)["content"] == waiting_file
    assert stored(waiting)["sha256"] == hashlib.sha256(waiting_file).hexdigest()
    # What was emptied stays empty: it cannot be restored.
    assert stored(filed)["content"] == b""
