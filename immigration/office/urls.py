from django.urls import path

from . import views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.application, name="office_application"),
    path("<int:pk>/request-info/", views.request_info, name="office_request_info"),
    path("<int:pk>/accept/", views.accept, name="office_accept"),
    path("<int:pk>/approve/", views.approve, name="office_approve"),
    path("<int:pk>/refuse/", views.refuse, name="office_refuse"),
    path("statistics/", views.statistics, name="office_stats"),
    path("statistics/export/", views.statistics_export, name="office_stats_export"),
]
