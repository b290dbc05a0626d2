from django.urls import path

from . import views

app_name = "wards"

urlpatterns = [
    path("", views.officer_home, name="officer_home"),
    path("settings/", views.ward_settings, name="settings"),
    path("immigration/", views.immigration_home, name="immigration_home"),
]
