from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def officer_home(request: HttpRequest) -> HttpResponse:
    return render(request, "wards/officer_home.html", {})


def ward_settings(request: HttpRequest) -> HttpResponse:
    return render(request, "wards/settings.html", {})


def immigration_home(request: HttpRequest) -> HttpResponse:
    return render(request, "wards/immigration_home.html", {})
