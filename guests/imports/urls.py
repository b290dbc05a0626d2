from django.urls import path

from . import views

urlpatterns = [
    path("", views.import_upload, name="import"),
    path("template.csv", views.import_template, name="import_template"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/progress/", views.import_progress, name="import_progress"),
]
