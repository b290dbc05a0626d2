from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from luutru import views

# The admin demands a verified second factor; its own login page is replaced by ours.
admin.site.__class__ = OTPAdminSite

# 403, 404 and 400 are Django's own handlers with our templates (403.html, 404.html in the
# site's layout and menu); the 500 page is rendered without the request.
handler500 = "luutru.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", views.privacy, name="privacy"),
    path("accounts/", include("luutru.account_urls")),
    # Public: the language switch is on the login page and the application form too.
    path("i18n/setlang/", views.switch_language, name="set_language"),
    path("establishments/", include("establishments.urls")),
    path("wards/", include("wards.urls")),
    path("guests/", include("guests.urls")),
    path("immigration/", include("immigration.urls")),
    path(
        "admin/login/",
        views.admin_login,
        name="admin_login_redirect",
    ),
    path("admin/", admin.site.urls),
]
