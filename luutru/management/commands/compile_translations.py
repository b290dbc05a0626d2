"""Compile locale/*/LC_MESSAGES/django.po into .mo with polib, so no GNU gettext is needed."""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the translations; with --check, fail on any untranslated or fuzzy entry."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check: bool = False, **options) -> None:
        problems: list[str] = []
        for locale_path in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
                po = polib.pofile(str(po_path))
                if check:
                    problems += [
                        f"{po_path}: untranslated: {entry.msgid!r}"
                        for entry in po.untranslated_entries()
                    ]
                    problems += [
                        f"{po_path}: fuzzy: {entry.msgid!r}" for entry in po.fuzzy_entries()
                    ]
                po.save_as_mofile(str(po_path.with_suffix(".mo")))
                self.stdout.write(f"compiled {po_path} ({po.percent_translated()}% translated)")
        if problems:
            raise CommandError("\n".join(problems))
