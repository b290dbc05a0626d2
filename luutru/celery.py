from __future__ import annotations

import os

from celery import Celery

from . import celery_fixes

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luutru.settings")

app = Celery("luutru")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# A worker that loses Redis while a task runs must reconnect, not exit (see celery_fixes).
celery_fixes.apply()
