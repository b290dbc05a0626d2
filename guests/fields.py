"""Model fields that keep document numbers (and uploaded files) encrypted at rest (see
guests.documents).

Code reads and writes ``declaration.document_number`` in clear; only the column holds
ciphertext. A ciphertext cannot be compared, so the encrypted field refuses every lookup but
``isnull``: ``filter(document_number=...)`` raises FieldError instead of silently matching
nothing. Queries compare ``document_hash`` (``documents.document_hash(number)``) instead.
"""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from . import documents


class EncryptedDocumentField(models.TextField):
    def from_db_value(self, value: str | None, expression, connection) -> str | None:
        return None if value is None else documents.decrypt(value)

    def get_db_prep_save(self, value: Any, connection) -> Any:
        value = self.get_prep_value(value)
        return None if value is None else documents.encrypt(value)

    def get_lookup(self, lookup_name: str):
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def get_transform(self, lookup_name: str):
        return None


class EncryptedBinaryField(models.BinaryField):
    """Bytes kept sealed at rest (``documents.encrypt_bytes`` under ``aad``); code reads and
    writes them in clear. Empty stays empty, unsealed: it is how a row says it no longer
    keeps the bytes, and an empty ciphertext would still be 40 bytes of nothing. Like the
    document field, it refuses every lookup but ``isnull``."""

    def __init__(self, *args: Any, aad: bytes, **kwargs: Any) -> None:
        self.aad = aad
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["aad"] = self.aad
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression, connection) -> bytes | None:
        if value is None:
            return None
        value = bytes(value)
        return documents.decrypt_bytes(value, aad=self.aad) if value else b""

    def get_db_prep_save(self, value: Any, connection) -> Any:
        if value:
            value = documents.encrypt_bytes(bytes(value), aad=self.aad)
        return super().get_db_prep_save(value, connection)

    def get_lookup(self, lookup_name: str):
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def get_transform(self, lookup_name: str):
        return None


class DocumentHashField(models.CharField):
    """The keyed hash of another field of the row, computed whenever the row is written
    (``save()``, ``bulk_create()``; a ``save(update_fields=...)`` must name it too)."""

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs.pop("editable", None)
        if kwargs.get("max_length") == 64:
            kwargs.pop("max_length")
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = documents.document_hash(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


class SnapshotField(models.JSONField):
    """A declaration's snapshot, with its document number encrypted like the row's own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("encoder", DjangoJSONEncoder)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        data = super().from_db_value(value, expression, connection)
        if isinstance(data, dict) and data.get("document_number"):
            data["document_number"] = documents.decrypt(data["document_number"])
        return data

    def get_db_prep_save(self, value, connection):
        if isinstance(value, dict) and value.get("document_number"):
            value = {**value, "document_number": documents.encrypt(value["document_number"])}
        return super().get_db_prep_save(value, connection)
