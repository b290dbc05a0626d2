from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from establishments.access import establishment_for
from guests.access import get_declaration_for_user
from luutru.http import is_id

from .. import access
from ..access import officer_ward_or_403
from ..models import FeedbackStatus, FeedbackThread
from . import services
from .forms import FeedbackForm, NoticeForm, ReplyForm

PAGE_SIZE = 25


# --- notices, the police side -------------------------------------------------------------------


def notices(request: HttpRequest) -> HttpResponse:
    ward = officer_ward_or_403(request.user)
    page = Paginator(access.notices_for_officer(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "wards/notices.html", {"ward": ward, "page": page})


def notice_new(request: HttpRequest) -> HttpResponse:
    ward = officer_ward_or_403(request.user)
    form = NoticeForm(request.POST or None, ward=ward)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        notice = services.publish_notice(
            ward=ward,
            author=request.user,
            category=data["category"],
            title=data["title"],
            body=data["body"],
            establishments=data["recipients"],
            at=timezone.now(),
        )
        messages.success(request, _("The notice was published."))
        return redirect("wards:notice", pk=notice.pk)
    return render(
        request,
        "wards/notice_new.html",
        {"ward": ward, "form": form},
        status=400 if form.is_bound else 200,
    )


def notice(request: HttpRequest, pk: int) -> HttpResponse:
    notice = access.get_notice_for_officer(request.user, pk)
    deliveries = (
        notice.deliveries.select_related("notice", "establishment", "read_by")
        .unread_first()
        .order_by("-unread", "establishment__name", "id")
    )
    return render(request, "wards/notice.html", {"notice": notice, "deliveries": deliveries})


# --- notices, the establishment side ------------------------------------------------------------


def my_notices(request: HttpRequest) -> HttpResponse:
    establishment = establishment_for(request.user)
    page = Paginator(access.deliveries_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "wards/establishment_notices.html", {"establishment": establishment, "page": page}
    )


def my_notice(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = access.get_delivery_for_user(request.user, pk)
    # Opening the notice is reading it: the first reader and time are kept for the police.
    services.mark_notice_read(delivery=delivery, by=request.user, at=timezone.now())
    return render(request, "wards/establishment_notice.html", {"delivery": delivery})


# --- feedback, the establishment side -----------------------------------------------------------


def my_feedback(request: HttpRequest) -> HttpResponse:
    establishment = establishment_for(request.user)
    page = Paginator(access.threads_for_establishment(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "wards/feedback_mine.html", {"establishment": establishment, "page": page}
    )


def feedback_new(request: HttpRequest) -> HttpResponse:
    establishment = establishment_for(request.user)
    # Opened from a declaration page: another establishment's declaration is a 404.
    about_pk = request.GET.get("declaration", "")
    about = get_declaration_for_user(request.user, int(about_pk)) if is_id(about_pk) else None
    now = timezone.now()
    form = FeedbackForm(request.POST or None, establishment=establishment, at=now, about=about)
    if request.method == "POST" and form.is_valid():
        thread = services.open_feedback_thread(
            establishment=establishment,
            by=request.user,
            category=form.cleaned_data["category"],
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            declaration=form.cleaned_data["declaration"],
            at=now,
        )
        messages.success(request, _("Your message was sent to the ward police."))
        return redirect("wards:my_feedback_thread", pk=thread.pk)
    return render(
        request,
        "wards/feedback_new.html",
        {"establishment": establishment, "form": form},
        status=400 if form.is_bound else 200,
    )


def my_feedback_thread(request: HttpRequest, pk: int) -> HttpResponse:
    thread = access.get_thread_for_establishment(request.user, pk)
    return _thread(request, thread, police=False)


def _thread(request: HttpRequest, thread: FeedbackThread, *, police: bool) -> HttpResponse:
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.post_feedback_message(
            thread=thread, by=request.user, body=form.cleaned_data["body"], at=timezone.now()
        )
        messages.success(request, _("Your reply was sent."))
        return redirect(
            "wards:feedback_thread" if police else "wards:my_feedback_thread", pk=thread.pk
        )
    return render(
        request,
        "wards/feedback_thread.html",
        {
            "thread": thread,
            "thread_messages": thread.messages.select_related("author"),
            "form": form,
            "police": police,
            "closed": thread.status == FeedbackStatus.CLOSED,
            "declaration_url": _declaration_url(thread, police=police),
        },
        status=400 if form.is_bound else 200,
    )


def _declaration_url(thread: FeedbackThread, *, police: bool) -> str | None:
    """Where the thread's declaration is read: the police's page of it, or the establishment's.
    An establishment that moved to another ward since keeps its old threads there, but its
    declarations are the new ward's: the old ward's police get no link."""
    if thread.declaration_id is None:
        return None
    if not police:
        return reverse("guests:detail", args=[thread.declaration_id])
    if thread.establishment.ward_id != thread.ward_id:
        return None
    return reverse("wards:declaration", args=[thread.declaration_id])


# --- feedback, the police side ------------------------------------------------------------------


def feedback(request: HttpRequest) -> HttpResponse:
    ward = officer_ward_or_403(request.user)
    page = Paginator(access.threads_for_officer(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "wards/feedback_list.html", {"ward": ward, "page": page})


def feedback_thread(request: HttpRequest, pk: int) -> HttpResponse:
    thread = access.get_thread_for_officer(request.user, pk)
    return _thread(request, thread, police=True)


@require_POST
def feedback_close(request: HttpRequest, pk: int) -> HttpResponse:
    thread = access.get_thread_for_officer(request.user, pk)
    if services.close_feedback_thread(thread=thread, by=request.user, at=timezone.now()):
        messages.success(request, _("The thread was closed."))
    return redirect("wards:feedback_thread", pk=thread.pk)
