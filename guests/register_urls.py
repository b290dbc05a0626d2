from django.urls import path

from . import register_views

urlpatterns = [
    path("", register_views.day, name="register"),
    path("close/", register_views.close, name="register_close"),
    path("history/", register_views.history, name="register_history"),
    path("closing/<int:pk>/", register_views.closing, name="register_closing"),
]
