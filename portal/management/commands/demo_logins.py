from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from luutru.models import User
from portal import demo


class Command(BaseCommand):
    help = "Print the portal's address and one demo login per role."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="The portal's address.")

    def handle(self, *args, url: str, **options) -> None:
        usernames = [username for _label, username in demo.SHOWCASE]
        users = {
            u.username: u
            for u in User.objects.filter(username__in=usernames).select_related(
                "staff__establishment",
                "officer__ward",
                "immigration_officer__province",
                "sponsor_staff__sponsor",
            )
        }
        if not users:
            raise CommandError("No demo accounts: run `manage.py load_demo` first.")
        devices = {
            d.user_id: d for d in TOTPDevice.objects.filter(user__in=users.values(), confirmed=True)
        }
        heading, dim = self.style.MIGRATE_HEADING, self.style.HTTP_NOT_MODIFIED
        self.stdout.write("")
        self.stdout.write(heading(f"Lưu trú demo: {url}"))
        self.stdout.write(f"Password of every demo account: {self.style.SUCCESS(demo.PASSWORD)}")
        for label, username in demo.SHOWCASE:
            user = users.get(username)
            if user is None:
                continue
            self.stdout.write("")
            self.stdout.write(heading(f"{label}") + dim(f"  {_where(user)}"))
            self.stdout.write(f"  username     {self.style.SUCCESS(username)}")
            device = devices.get(user.pk)
            if device is None:
                self.stdout.write("  2FA          none: the password is enough")
                continue
            self.stdout.write(f"  TOTP secret  {demo.base32_secret(device.key)}")
            self.stdout.write(f"  otpauth URI  {dim(device.config_url)}")
        self.stdout.write("")


def _where(user: User) -> str:
    paths = (
        "staff.establishment",
        "officer.ward",
        "immigration_officer.province",
        "sponsor_staff.sponsor",
    )
    for path in paths:
        obj = user
        for attr in path.split("."):
            obj = getattr(obj, attr, None)
        if obj is not None:
            return str(obj)
    return ""
