"""Second-factor devices are kept out of the Django admin.

django-otp registers an admin for its TOTP devices that shows each device's secret key (and a
QR code of it): a site admin could read anyone's key and pass their second factor. That admin
module is imported here, before autodiscovery reaches it (``luutru`` comes first in
INSTALLED_APPS), and its registration undone; autodiscovery's later import of it is a no-op.
Our backup codes (``BackupCodeDevice``) were never registered.

A site admin who must reset someone's second factor uses the "reset two-factor
authentication" action of the staff and officer lists, which deletes the devices without
showing them (``establishments.services.reset_second_factor``, as the owner's staff page does).
"""

from __future__ import annotations

import importlib

from django.apps import apps
from django.contrib import admin

# django-otp's plugins whose admin shows secrets: the TOTP key, the static tokens in clear.
OTP_DEVICE_ADMINS = {
    "django_otp.plugins.otp_totp": ("otp_totp", "TOTPDevice"),
    "django_otp.plugins.otp_static": ("otp_static", "StaticDevice"),
}

for module, (label, model_name) in OTP_DEVICE_ADMINS.items():
    if not apps.is_installed(module):
        continue
    importlib.import_module(f"{module}.admin")
    model = apps.get_model(label, model_name)
    if admin.site.is_registered(model):
        admin.site.unregister(model)
