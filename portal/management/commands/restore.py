from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _

from portal import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into a fresh database, then compare every table's "
        "row count and checksum with the backup's manifest. The target is created if missing; "
        "an existing one must be empty unless --force (which drops and recreates it)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The backup file.")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument(
            "--database",
            help="A database name on the server of DATABASE_URL (same user and host).",
        )
        target.add_argument("--url", help="The target database as a postgresql:// URL.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the target database even if it holds tables.",
        )

    def handle(
        self, *args, path: str, database: str | None, url: str | None, force: bool, **options
    ) -> None:
        if url:
            target = backup.Target.from_url(url)
        else:
            target = backup.Target.from_django(connections["default"].settings_dict).other(database)
        if not target.dbname:
            raise CommandError(_("Name the database to restore into."))
        if not Path(path).is_file():
            raise CommandError(_("No backup file at %(path)s.") % {"path": path})
        try:
            result = backup.restore(Path(path), target, force=force)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error

        width = max((len(check.table) for check in result.checks), default=10)
        for check in result.checks:
            status = self.style.SUCCESS("ok") if check.ok else self.style.ERROR(_("MISMATCH"))
            self.stdout.write(
                f"  {check.table:<{width}}  {check.rows if check.rows is not None else '-':>9}"
                f"  {check.md5 or '-'}  {status}"
            )
            if not check.ok:
                self.stdout.write(
                    "    "
                    + _("expected %(rows)s rows, checksum %(md5)s")
                    % {"rows": check.expected_rows, "md5": check.expected_md5}
                )
        if result.key_matches is False:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The DOCUMENT_KEY set here is not the one the backup's document numbers "
                        "were encrypted with: they will not decrypt until the right key is set."
                    )
                )
            )
        summary = _(
            "Restored %(tables)d tables, %(rows)d rows into %(database)s in %(seconds).1f s "
            "(%(tool)s)."
        ) % {
            "tables": len(result.checks),
            "rows": result.rows,
            "database": target.describe(),
            "seconds": result.seconds,
            "tool": result.pg_restore,
        }
        if not result.ok:
            bad = sum(1 for check in result.checks if not check.ok)
            raise CommandError(
                summary
                + " "
                + _("%(count)d tables differ from the backup's manifest.") % {"count": bad}
            )
        self.stdout.write(self.style.SUCCESS(summary + " " + _("Every table matches.")))
