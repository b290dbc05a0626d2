"""Notices and feedback, mounted at the root of /wards/: the police's pages first, then the
establishments' own ("mine")."""

from __future__ import annotations

from django.urls import path

from . import views as v

urlpatterns = [
    path("notices/", v.notices, name="notices"),
    path("notices/new/", v.notice_new, name="notice_new"),
    path("notices/<int:pk>/", v.notice, name="notice"),
    path("feedback/", v.feedback, name="feedback"),
    path("feedback/<int:pk>/", v.feedback_thread, name="feedback_thread"),
    path("feedback/<int:pk>/close/", v.feedback_close, name="feedback_close"),
    path("mine/notices/", v.my_notices, name="my_notices"),
    path("mine/notices/<int:pk>/", v.my_notice, name="my_notice"),
    path("mine/feedback/", v.my_feedback, name="my_feedback"),
    path("mine/feedback/new/", v.feedback_new, name="feedback_new"),
    path("mine/feedback/<int:pk>/", v.my_feedback_thread, name="my_feedback_thread"),
]
