from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_not_required
def apply(request: HttpRequest) -> HttpResponse:
    return render(request, "establishments/apply.html", {})


def desk(request: HttpRequest) -> HttpResponse:
    return render(request, "establishments/desk.html", {})


def owner_home(request: HttpRequest) -> HttpResponse:
    return render(request, "establishments/owner_home.html", {})


def staff(request: HttpRequest) -> HttpResponse:
    return render(request, "establishments/staff.html", {})


def applications(request: HttpRequest) -> HttpResponse:
    return render(request, "establishments/applications.html", {})
