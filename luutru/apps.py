from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LuutruConfig(AppConfig):
    name = "luutru"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Importing the Celery app makes it current, so tasks and delay_on_commit use its broker.
        from . import celery  # noqa: F401
