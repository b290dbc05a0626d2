from django.urls import include, path

from . import views

app_name = "guests"

urlpatterns = [
    # The front desk's home: who is staying now.
    path("desk/", views.desk, name="desk"),
    path("file/foreigner/", views.file_foreigner, name="file_foreigner"),
    path("file/citizen/", views.file_citizen, name="file_citizen"),
    path("check-out/", views.check_out, name="check_out"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    # Included without a namespace of their own: their names are "guests:<name>".
    path("register/", include("guests.register.urls")),
    path("import/", include("guests.imports.urls")),
    path("audit/", include("guests.audit.urls")),
]
