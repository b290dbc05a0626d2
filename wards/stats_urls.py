from __future__ import annotations

from django.urls import path

from . import stats_views

# Included by wards/urls.py without a namespace of its own: the names are "wards:<name>".
urlpatterns = [
    path("", stats_views.statistics, name="stats"),
    path("export.csv", stats_views.statistics_export, name="stats_export"),
]
