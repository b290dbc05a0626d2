from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("", views.search, name="search"),
    path("access-log/", views.access_log, name="access_log"),
]
