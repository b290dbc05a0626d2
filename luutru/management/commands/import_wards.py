from __future__ import annotations

from django.core.management.base import BaseCommand

from luutru.geography import import_wards


class Command(BaseCommand):
    help = (
        "Import every province and ward of Vietnam from the vietnam-provinces package. "
        "Re-runnable; a ward's remote flag is left as set."
    )

    def handle(self, *args, **options) -> None:
        provinces, wards = import_wards()
        for label, counts in (("Provinces", provinces), ("Wards", wards)):
            self.stdout.write(
                f"{label}: {counts.total} in the official list, {counts.created} created, "
                f"{counts.updated} updated, {counts.unchanged} unchanged."
            )
