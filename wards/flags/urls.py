from __future__ import annotations

from django.urls import path

from . import views

# Included under "flags/" in wards.urls, without a namespace of their own: "wards:<name>".
urlpatterns = [
    path("", views.ward_flags, name="flags"),
    path("establishment/", views.establishment_flags, name="establishment_flags"),
    path("<int:pk>/resolve/", views.resolve_flag, name="resolve_flag"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.mark_notifications_read, name="notifications_read"),
]
