from django.urls import include, path

from . import views

app_name = "wards"

urlpatterns = [
    path("", views.officer_home, name="officer_home"),
    path("settings/", views.ward_settings, name="settings"),
    path("immigration/", views.immigration_home, name="immigration_home"),
    # Included without a namespace of their own: their names are "wards:<name>".
    path("inbox/", include("wards.inbox_urls")),
    path("search/", include("wards.search_urls")),
    path("flags/", include("wards.flag_urls")),
    path("board/", include("wards.board_urls")),
    path("", include("wards.comm_urls")),
    path("statistics/", include("wards.stats_urls")),
]
