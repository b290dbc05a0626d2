from django.urls import path

from . import import_views

urlpatterns = [
    path("", import_views.import_upload, name="import"),
    path("template.csv", import_views.import_template, name="import_template"),
    path("<int:pk>/", import_views.import_detail, name="import_detail"),
    path("<int:pk>/progress/", import_views.import_progress, name="import_progress"),
]
