from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("confirm/", views.bulk_confirm, name="inbox_confirm"),
    path("declarations/<int:pk>/", views.declaration_view, name="declaration"),
    path("declarations/<int:pk>/confirm/", views.confirm, name="declaration_confirm"),
    path("declarations/<int:pk>/return/", views.return_view, name="declaration_return"),
    path("beats/", views.beats, name="beats"),
    path("beats/<int:pk>/", views.beat_assign, name="beat_assign"),
]
