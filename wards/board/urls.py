from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("", views.board, name="board"),
    path("establishments/<int:pk>/", views.establishment, name="establishment"),
    path(
        "establishments/<int:pk>/inspections/",
        views.inspection_new,
        name="inspection_new",
    ),
]
