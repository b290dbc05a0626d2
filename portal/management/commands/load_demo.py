from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from luutru.models import Ward
from portal import demo, demo_guests


class Command(BaseCommand):
    help = (
        "Import the wards, then, once, create the demo lodgings, staff and police of "
        f"{demo.WARD_NAME}. Every demo account's password is printed: development only."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even though DEBUG is off (a staging server, never production).",
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: the demo accounts share a published password. "
                "Use --force on a server that holds no real data."
            )
        call_command("import_wards", stdout=self.stdout)
        if demo.is_loaded():
            self.stdout.write("The demo data is already loaded; nothing to do.")
            return
        ward = Ward.objects.select_related("province").get(
            name=demo.WARD_NAME, province__name=demo.PROVINCE_NAME
        )
        counts = demo.load(ward)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded in {ward}: {counts.establishments} establishments, "
                f"{counts.users} accounts, {counts.applications} pending applications, "
                f"{counts.declarations} guests over {demo_guests.DAYS} days, "
                f"{counts.closings} closed registers."
            )
        )
        self.stdout.write(f"Every demo account's password: {demo.PASSWORD}")
