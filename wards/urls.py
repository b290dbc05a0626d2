from django.urls import include, path

from . import views

app_name = "wards"

urlpatterns = [
    path("", views.officer_home, name="officer_home"),
    path("settings/", views.ward_settings, name="settings"),
    # Included without a namespace of their own: their names are "wards:<name>".
    path("inbox/", include("wards.inbox.urls")),
    path("search/", include("wards.search.urls")),
    path("flags/", include("wards.flags.urls")),
    path("board/", include("wards.board.urls")),
    path("", include("wards.comm.urls")),
    path("statistics/", include("wards.stats.urls")),
]
