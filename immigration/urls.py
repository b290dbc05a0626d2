"""The immigration app's pages, one feature package each (all under /immigration/)."""

from django.urls import include, path

app_name = "immigration"

urlpatterns = [
    # Applicants: a lodging's staff or a sponsoring organisation.
    path("", include("immigration.apply.urls")),
    # The province's immigration office.
    path("office/", include("immigration.office.urls")),
    # Sponsoring organisations: registration and the office's approval.
    path("sponsors/", include("immigration.sponsors.urls")),
    # The ward police's confirmation of residence, and its public verification.
    path("residence/", include("immigration.residence.urls")),
    # Foreign guests whose visa or card is about to end.
    path("visa-warnings/", include("immigration.warnings.urls")),
    # Ratings and opinion surveys.
    path("opinions/", include("immigration.listening.urls")),
]
