from django.urls import path

from . import views

urlpatterns = [
    path("", views.applications, name="applications"),
    # ?kind=<kind>&declaration=<pk>: started from a staying guest's declaration.
    path("new/", views.new, name="new"),
]
