from __future__ import annotations

from django.urls import path

from . import flag_views

# Included under "flags/" in wards.urls, without a namespace of their own: "wards:<name>".
urlpatterns = [
    path("", flag_views.ward_flags, name="flags"),
    path("establishment/", flag_views.establishment_flags, name="establishment_flags"),
    path("<int:pk>/resolve/", flag_views.resolve_flag, name="resolve_flag"),
    path("notifications/", flag_views.notifications, name="notifications"),
    path("notifications/read/", flag_views.mark_notifications_read, name="notifications_read"),
]
