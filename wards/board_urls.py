from __future__ import annotations

from django.urls import path

from . import board_views

urlpatterns = [
    path("", board_views.board, name="board"),
    path("establishments/<int:pk>/", board_views.establishment, name="establishment"),
    path(
        "establishments/<int:pk>/inspections/",
        board_views.inspection_new,
        name="inspection_new",
    ),
]
