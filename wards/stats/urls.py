from __future__ import annotations

from django.urls import path

from . import views

# Included by wards/urls.py without a namespace of its own: the names are "wards:<name>".
urlpatterns = [
    path("", views.statistics, name="stats"),
    path("export.csv", views.statistics_export, name="stats_export"),
]
