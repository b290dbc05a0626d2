from django.urls import path

from . import views

urlpatterns = [
    # The applicant asks; the application's page shows the panel (the pk is the application's).
    path("ask/<int:pk>/", views.request_confirmation, name="confirmation_request"),
    # The ward police.
    path("", views.confirmations, name="confirmations"),
    path("<int:pk>/", views.confirmation, name="confirmation"),
    path("<int:pk>/confirm/", views.confirm, name="confirmation_confirm"),
    path("<int:pk>/refuse/", views.refuse, name="confirmation_refuse"),
    # The paper, for the applicant, the ward police and the province's office.
    path("<int:pk>/paper.pdf", views.confirmation_pdf, name="confirmation_pdf"),
    # Public: what the QR code points at.
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
]
