from django.urls import path

from . import views

app_name = "establishments"

urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("desk/", views.desk, name="desk"),
    path("owner/", views.owner_home, name="owner_home"),
    path("owner/staff/", views.staff, name="staff"),
    path("applications/", views.applications, name="applications"),
]
