from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WardsConfig(AppConfig):
    name = "wards"
    verbose_name = _("Wards")

    def ready(self) -> None:
        from guests.signals import declaration_corrected, declarations_filed

        from .flags import sweeps

        # The flags a filing raises by itself, in its transaction (guests.signals).
        declarations_filed.connect(sweeps.on_declarations_filed, dispatch_uid="wards.filed")
        declaration_corrected.connect(
            sweeps.on_declaration_corrected, dispatch_uid="wards.corrected"
        )
