from django.urls import path

from . import views

urlpatterns = [
    # Public: an organisation registers.
    path("register/", views.apply, name="sponsor_apply"),
    path("register/sent/", views.applied, name="sponsor_applied"),
    # The immigration office of the organisation's province.
    path("", views.sponsors, name="sponsors"),
    path("<int:pk>/", views.sponsor, name="sponsor"),
    path("<int:pk>/approve/", views.approve, name="sponsor_approve"),
    path("<int:pk>/refuse/", views.refuse, name="sponsor_refuse"),
]
