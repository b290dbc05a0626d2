"""Document numbers encrypted at rest, with a keyed hash for exact search and duplicates.

Existing rows (and the numbers in their versions' snapshots) are encrypted in place with the
DOCUMENT_KEY of the environment that runs the migration; going back decrypts them."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations, models

import guests.fields
from guests import documents

BATCH = 5_000


def _rewrite(apps, schema_editor, *, forward: bool) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        last = 0
        while True:
            cursor.execute(
                "SELECT id, document_number FROM guests_declaration WHERE id > %s "
                "ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            if forward:
                values = [(documents.encrypt(n), documents.document_hash(n), pk) for pk, n in rows]
            else:
                values = [(documents.decrypt(n), "", pk) for pk, n in rows]
            cursor.executemany(
                "UPDATE guests_declaration SET document_number = %s, document_hash = %s "
                "WHERE id = %s",
                values,
            )
        last = 0
        while True:
            cursor.execute(
                "SELECT id, data->>'document_number' FROM guests_declarationversion "
                "WHERE id > %s AND coalesce(data->>'document_number', '') <> '' "
                "ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            change = documents.encrypt if forward else documents.decrypt
            cursor.executemany(
                "UPDATE guests_declarationversion "
                "SET data = jsonb_set(data, '{document_number}', to_jsonb(%s::text)) "
                "WHERE id = %s",
                [(change(n), pk) for pk, n in rows],
            )


def encrypt(apps, schema_editor) -> None:
    _rewrite(apps, schema_editor, forward=True)


def decrypt(apps, schema_editor) -> None:
    _rewrite(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("guests", "0006_departed_index"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="declaration",
            name="declaration_document_staying_once",
        ),
        migrations.RemoveIndex(
            model_name="declaration",
            name="declaration_document",
        ),
        migrations.AddField(
            model_name="declaration",
            name="document_hash",
            field=guests.fields.DocumentHashField(default="", source="document_number"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="declaration",
            name="document_number",
            field=guests.fields.EncryptedDocumentField(verbose_name="document number"),
        ),
        migrations.AlterField(
            model_name="declarationversion",
            name="data",
            field=guests.fields.SnapshotField(encoder=DjangoJSONEncoder, verbose_name="data"),
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
        migrations.AddIndex(
            model_name="declaration",
            index=models.Index(fields=["document_hash"], name="declaration_document_hash"),
        ),
        migrations.AddConstraint(
            model_name="declaration",
            constraint=models.UniqueConstraint(
                condition=models.Q(("departed_at__isnull", True)),
                fields=("establishment", "document_type", "nationality", "document_hash"),
                name="declaration_document_staying_once",
            ),
        ),
    ]
