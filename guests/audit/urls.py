from django.urls import path

from . import views

# Included by guests/urls.py without a namespace of its own: the names are "guests:<name>".
urlpatterns = [
    path("", views.audit_list, name="audit"),
    path("summary/", views.audit_summary, name="audit_summary"),
    path("export.csv", views.audit_export, name="audit_export"),
]
