"""Encrypted document numbers for the benchmarks' generated rows (see guests.documents).

A generated row needs what the application writes: ``document_number`` as a ciphertext and
``document_hash`` as the keyed hash of the number. Encrypting millions of numbers in Python
would dominate a benchmark's set-up, so the rows take their ciphertext from a pool of real
``documents.encrypt()`` values (realistic size, decryptable, picked by the row number modulo
the pool size), while the hash, which the search and the duplicate constraint compare, is
computed in SQL by pgcrypto from the row's own unique number:

    f"{hash_sql('number_expression')}"   with params {"lookup_key": documents.lookup_key()}

So a generated row decrypts to one of the pool's numbers, not to the number it is found by.
"""

from __future__ import annotations

from django.db import connection

from guests import documents

POOL = 1000


def hash_sql(number: str) -> str:
    """SQL for the keyed hash of the text expression ``number``, equal to
    ``documents.document_hash`` of a normalised number (upper case, no spaces)."""
    return f"encode(hmac(convert_to({number}, 'UTF8'), %(lookup_key)s::bytea, 'sha256'), 'hex')"


def pool(numbers: list[str]) -> list[str]:
    return [documents.encrypt(number) for number in numbers]


def prepare(sample: str = "B00012345") -> None:
    """Install pgcrypto and check that its HMAC is the application's."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
        cursor.execute(
            "SELECT " + hash_sql("%(number)s::text"),
            {"number": sample, "lookup_key": documents.lookup_key()},
        )
        (hashed,) = cursor.fetchone()
    if hashed != documents.document_hash(sample):
        raise SystemExit("pgcrypto's HMAC differs from guests.documents.document_hash")
