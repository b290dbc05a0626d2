from django.urls import path

from . import views

urlpatterns = [
    # The applicant's rating of a decided application.
    path("applications/<int:pk>/rate/", views.rate, name="rate"),
    # The office's ratings.
    path("ratings/", views.ratings, name="ratings"),
    # Surveys: the author's side (the office, the ward police) ...
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/new/", views.survey_new, name="survey_new"),
    path("surveys/<int:pk>/", views.survey, name="survey"),
    # ... and the lodging owner's.
    path("surveys/open/", views.surveys_open, name="surveys_open"),
    path("surveys/<int:pk>/answer/", views.survey_answer, name="survey_answer"),
]
