"""Uploaded CSV files encrypted at rest, kept only until their batch is filed or refused, and
recognised by a keyed hash instead of a plain SHA-256.

Forward, with the DOCUMENT_KEY of the environment that runs the migration: every batch's hash
becomes ``documents.file_hash`` of its file (so that a second upload of a file filed before
this migration is still refused), then a queued or checking batch's file is encrypted and a
filed or failed one's is emptied.

Backward: a file still kept is decrypted and its plain SHA-256 put back. What was emptied
cannot come back, nor can the plain SHA-256 of those files: their batches keep the keyed hash,
which the older code never computes, so a second upload of one of them is no longer refused
as a duplicate (its guests still staying are still refused, by the document check).
"""

import hashlib

from django.db import migrations

import guests.fields
from guests import documents

# Files are up to 10 MB each: a few at a time bounds the migration's memory. One transaction
# all the same (the default), so that a failure leaves no half-encrypted table to untangle.
BATCH = 20
AAD = b"luutru.import_file"
FINISHED = ("filed", "failed")


def _rows(cursor, query: str):
    last = 0
    while True:
        cursor.execute(query, [last, BATCH])
        rows = cursor.fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield from rows


def encrypt(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor, schema_editor.connection.cursor() as out:
        query = (
            "SELECT id, status, content FROM guests_importbatch WHERE id > %s ORDER BY id LIMIT %s"
        )
        for pk, status, content in _rows(cursor, query):
            content = bytes(content)
            sealed = b"" if status in FINISHED or not content else None
            if sealed is None:
                sealed = documents.encrypt_bytes(content, aad=AAD)
            out.execute(
                "UPDATE guests_importbatch SET sha256 = %s, content = %s WHERE id = %s",
                [documents.file_hash(content), sealed, pk],
            )


def decrypt(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor, schema_editor.connection.cursor() as out:
        query = (
            "SELECT id, content FROM guests_importbatch "
            "WHERE id > %s AND length(content) > 0 ORDER BY id LIMIT %s"
        )
        for pk, sealed in _rows(cursor, query):
            content = documents.decrypt_bytes(bytes(sealed), aad=AAD)
            out.execute(
                "UPDATE guests_importbatch SET sha256 = %s, content = %s WHERE id = %s",
                [hashlib.sha256(content).hexdigest(), content, pk],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("guests", "0007_document_encrypted"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importbatch",
            name="content",
            field=guests.fields.EncryptedBinaryField(aad=AAD),
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
    ]
