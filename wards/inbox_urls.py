from django.urls import path

from . import inbox_views

urlpatterns = [
    path("", inbox_views.inbox_view, name="inbox"),
    path("confirm/", inbox_views.bulk_confirm, name="inbox_confirm"),
    path("declarations/<int:pk>/", inbox_views.declaration_view, name="declaration"),
    path("declarations/<int:pk>/confirm/", inbox_views.confirm, name="declaration_confirm"),
    path("declarations/<int:pk>/return/", inbox_views.return_view, name="declaration_return"),
    path("beats/", inbox_views.beats, name="beats"),
    path("beats/<int:pk>/", inbox_views.beat_assign, name="beat_assign"),
]
