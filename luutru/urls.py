from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django_otp.admin import OTPAdminSite

from . import views

# The admin demands a verified second factor; its own login page is replaced by ours.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", views.privacy, name="privacy"),
    path("accounts/", include("luutru.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("establishments/", include("establishments.urls")),
    path("wards/", include("wards.urls")),
    path("guests/", include("guests.urls")),
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="login", query_string=True),
        name="admin_login_redirect",
    ),
    path("admin/", admin.site.urls),
]
