from django.urls import path

from . import views

urlpatterns = [
    path("", views.day, name="register"),
    path("close/", views.close, name="register_close"),
    path("history/", views.history, name="register_history"),
    path("closing/<int:pk>/", views.closing, name="register_closing"),
]
