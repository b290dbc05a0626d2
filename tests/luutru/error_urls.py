"""The site's URLs plus one view that fails, to see the 500 page through the real handler."""

from django.urls import path

from portal.urls import handler500, urlpatterns  # noqa: F401 - Django reads handler500 here


def broken(request):
    raise RuntimeError("boom")


urlpatterns = [*urlpatterns, path("broken/", broken)]
