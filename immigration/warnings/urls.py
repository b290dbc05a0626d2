from django.urls import path

from . import views

urlpatterns = [
    path("", views.visa_warnings, name="visa_warnings"),
    path("ward/", views.ward_visa_warnings, name="ward_visa_warnings"),
]
