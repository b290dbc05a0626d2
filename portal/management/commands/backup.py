from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import backup


class Command(BaseCommand):
    help = (
        "Dump the database (pg_dump, custom format, by the tool of the server's major version) "
        "into one file with a manifest of row counts and checksums per table. DOCUMENT_KEY is "
        "not in the backup: keep it separately."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path",
            help="The backup file to write; a folder gets luutru-<UTC time>.backup in it.",
        )
        parser.add_argument(
            "--url", help="Back up this database instead of the one in DATABASE_URL."
        )

    def handle(self, *args, path: str, url: str | None, **options) -> None:
        source = (
            backup.Target.from_url(url)
            if url
            else backup.Target.from_django(connections["default"].settings_dict)
        )
        if Path(path).is_dir():
            stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
            path = str(Path(path) / f"luutru-{stamp}.backup")
        try:
            result = backup.backup(source, Path(path))
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Backed up %(database)s: %(tables)d tables, %(rows)d rows, %(size)s bytes "
                "in %(seconds).1f s (PostgreSQL %(major)d, %(tool)s) to %(path)s"
            )
            % {
                "database": source.describe(),
                "tables": result.tables,
                "rows": result.rows,
                "size": f"{result.size:,}",
                "seconds": result.seconds,
                "major": result.server_major,
                "tool": result.pg_dump,
                "path": result.path,
            }
        )
        self.stdout.write(
            _("Document numbers are encrypted in it; keep DOCUMENT_KEY apart from the backups.")
        )
