from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from luutru.dbroles import grant_app_role


class Command(BaseCommand):
    help = (
        "Grant the application's database role what the portal needs (rows of every table; "
        "the access log only INSERT and SELECT). Run as the owner of the tables."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "role", nargs="?", default=None, help="The role (default: DATABASE_APP_ROLE)."
        )

    def handle(self, *args, role: str | None, **options) -> None:
        role = role or settings.DATABASE_APP_ROLE
        if not role:
            raise CommandError("Name the role, or set DATABASE_APP_ROLE.")
        try:
            grant_app_role(role)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Granted {role} the application's privileges.")
