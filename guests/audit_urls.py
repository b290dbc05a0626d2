from django.urls import path

from . import audit_views

# Included by guests/urls.py without a namespace of its own: the names are "guests:<name>".
urlpatterns = [
    path("", audit_views.audit_list, name="audit"),
    path("summary/", audit_views.audit_summary, name="audit_summary"),
    path("export.csv", audit_views.audit_export, name="audit_export"),
]
