from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top floor: the root URLs, the demo data, backup and restore. It may import every
    app; nothing imports it."""

    name = "portal"
