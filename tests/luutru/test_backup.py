"""Backup and restore: 10,000 declarations dumped, restored into a fresh database, and compared
table by table; document numbers still decrypt with the same DOCUMENT_KEY.

Runs against whatever server DATABASE_URL points at (PostgreSQL 15 locally, the embedded 18 in
CI): the dump and restore tools are picked by the server's major version.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from guests import documents
from guests.models import Declaration, DeclarationVersion
from portal import backup
from tests import factories as f

DECLARATIONS = 10_000


def fill(n: int) -> dict[int, str]:
    """``n`` foreigners filed through the real model (numbers encrypted by the field), in bulk;
    returns their document numbers in clear by id."""
    ward = f.make_ward()
    establishment = f.make_establishment(ward=ward)
    rita = f.make_staff(establishment=establishment, username="rita")
    now = timezone.now()
    rng = random.Random(20261124)
    declarations = []
    for i in range(n):
        arrival = now - timedelta(hours=rng.randrange(1, 72), minutes=rng.randrange(60))
        declaration = Declaration(
            establishment=establishment,
            kind="foreigner",
            filed_by=rita,
            submission_key=uuid.uuid4(),
            full_name=f"Gäst Nummer {i} Ñandú",
            sex=rng.choice("MF"),
            birth_date=date(1950, 1, 1) + timedelta(days=rng.randrange(20000)),
            nationality=rng.choice(["DE", "FR", "JP", "KR", "US"]),
            document_type="passport",
            document_number=f"X{i:08d}",
            entry_port="Nội Bài",
            room=str(100 + i % 400),
            arrival=arrival,
            expected_departure=arrival + timedelta(days=rng.randrange(1, 5)),
        )
        declaration.fix_at_filing(at=now, ward=ward)
        declarations.append(declaration)
    Declaration.objects.bulk_create(declarations, batch_size=2000)
    DeclarationVersion.objects.bulk_create(
        DeclarationVersion(
            declaration=d, number=1, data=d.snapshot(), created_by=rita, created_at=now
        )
        for d in declarations[:500]
    )
    return {d.pk: d.document_number for d in declarations}


@pytest.fixture
def restore_target(transactional_db):
    source = backup.Target.from_django(connection.settings_dict)
    target = source.other(f"{source.dbname}_restore_{uuid.uuid4().hex[:8]}"[:63])
    yield target
    backup.drop_database(target)


def test_a_backup_restores_into_a_fresh_database_table_for_table(restore_target, tmp_path):
    numbers = fill(DECLARATIONS)
    path = tmp_path / "luutru.backup"

    call_command("backup", str(path), stdout=StringIO())
    assert path.exists()
    manifest = backup.read_manifest(path)
    assert manifest["tables"]["public.guests_declaration"]["rows"] == DECLARATIONS
    assert manifest["tables"]["public.guests_declarationversion"]["rows"] == 500
    # The key is not in the backup, only its fingerprint.
    assert manifest["document_key_id"] == documents.keys()[2]
    assert documents.keys()[0].hex() not in path.read_bytes().hex()

    # Raises CommandError if any table differs from the manifest.
    call_command("restore", str(path), database=restore_target.dbname, stdout=StringIO())

    # Compared again here, table by table, against the live source.
    source = backup.Target.from_django(connection.settings_dict)
    with source.connect(autocommit=True) as conn:
        before = backup.table_figures(conn)
    with restore_target.connect(autocommit=True) as conn:
        after = backup.table_figures(conn)
        sample = conn.execute(
            "SELECT id, document_number, document_hash FROM guests_declaration "
            "ORDER BY md5(id::text) LIMIT 200"
        ).fetchall()
    assert after.keys() == before.keys() == manifest["tables"].keys()
    for table, figures in before.items():
        assert after[table] == figures == manifest["tables"][table], table

    # The restored ciphertexts decrypt with the same DOCUMENT_KEY, and the hashes still find
    # them.
    assert len(sample) == 200
    for pk, token, digest in sample:
        assert token.startswith("v1:")
        assert documents.decrypt(token) == numbers[pk]
        assert digest == documents.document_hash(numbers[pk])


def test_it_refuses_to_restore_over_a_database_that_holds_tables(restore_target, tmp_path):
    f.make_ward()
    path = tmp_path / "small.backup"
    call_command("backup", str(path), stdout=StringIO())
    call_command("restore", str(path), database=restore_target.dbname, stdout=StringIO())

    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(path), database=restore_target.dbname, stdout=StringIO())

    call_command(
        "restore", str(path), database=restore_target.dbname, force=True, stdout=StringIO()
    )
    with restore_target.connect() as conn:
        assert conn.execute("SELECT count(*) FROM wards_ward").fetchone()[0] == 1


def test_it_reports_a_table_that_differs_from_the_manifest(restore_target, tmp_path):
    f.make_ward()
    path = tmp_path / "small.backup"
    call_command("backup", str(path), stdout=StringIO())
    result = backup.restore(path, restore_target)
    assert result.ok
    with restore_target.connect(autocommit=True) as conn:
        conn.execute("UPDATE wards_ward SET name = name || ' (altered)'")
        altered = backup.table_figures(conn)
    manifest = backup.read_manifest(path)
    assert altered["public.wards_ward"]["rows"] == manifest["tables"]["public.wards_ward"]["rows"]
    assert altered["public.wards_ward"]["md5"] != manifest["tables"]["public.wards_ward"]["md5"]


def test_the_dump_tool_matches_the_servers_major_version(db):
    with backup.Target.from_django(connection.settings_dict).connect() as conn:
        major = backup.server_major(conn)
    binary, version = backup.find_tool("pg_dump", major)
    assert version == major, binary
    assert backup.tool_major(binary) == major
