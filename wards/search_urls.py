from __future__ import annotations

from django.urls import path

from . import search_views

urlpatterns = [
    path("", search_views.search, name="search"),
    path("access-log/", search_views.access_log, name="access_log"),
]
