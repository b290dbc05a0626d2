from django.urls import path

from . import views

app_name = "establishments"

urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/sent/", views.applied, name="applied"),
    path("apply/wards/", views.ward_search, name="ward_search"),
    path("desk/", views.desk, name="desk"),
    path("owner/", views.owner_home, name="owner_home"),
    path("owner/staff/", views.staff, name="staff"),
    path("owner/staff/add/", views.staff_add, name="staff_add"),
    path("owner/staff/two-factor/", views.staff_two_factor, name="staff_two_factor"),
    path("owner/staff/<int:pk>/disable/", views.staff_disable, name="staff_disable"),
    path("owner/staff/<int:pk>/enable/", views.staff_enable, name="staff_enable"),
    path(
        "owner/staff/<int:pk>/reset-password/",
        views.staff_reset_password,
        name="staff_reset_password",
    ),
    path(
        "owner/staff/<int:pk>/reset-two-factor/",
        views.staff_reset_second_factor,
        name="staff_reset_second_factor",
    ),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/approve/", views.approve, name="approve"),
    path("applications/<int:pk>/refuse/", views.refuse, name="refuse"),
]
