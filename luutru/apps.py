from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LuutruConfig(AppConfig):
    name = "luutru"
    verbose_name = _("Accounts and wards")

    def ready(self) -> None:
        # Importing the Celery app makes it current, so tasks and delay_on_commit use its broker.
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from . import celery  # noqa: F401
        from .dbroles import grant_after_migrate
        from .middleware import remember_language, stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="luutru.idle_stamp")
        user_logged_in.connect(remember_language, dispatch_uid="luutru.remember_language")
        # Once per migrate, after every app's migrations (sender: this app only).
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="luutru.grant_app_role")
