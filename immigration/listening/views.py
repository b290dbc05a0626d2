from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luutru.models import Role
from wards.stats import charts

from .. import access
from ..models import Application, Rating, SurveyAnswer
from . import queries, services
from .forms import ScoreForm, SurveyForm


def _application_page(application: Application) -> str:
    """The applicant's page of the application (immigration.apply)."""
    return reverse("immigration:detail", kwargs={"pk": application.pk})


def rating_form(application: Application, data=None) -> ScoreForm:
    return ScoreForm(
        data,
        submit=_("Send my rating"),
        action=reverse("immigration:rate", kwargs={"pk": application.pk}),
        prefix="rating",
    )


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant rates a decided application, once."""
    access.applicant_or_403(request.user)
    application = access.get_application_for_user(request.user, pk)
    rating = Rating.objects.filter(application=application).first()
    decided = application.state in services.RATED_STATES
    form = rating_form(application, request.POST if request.method == "POST" else None)
    if request.method == "POST" and rating is None and decided and form.is_valid():
        try:
            services.rate_application(
                application=application,
                by=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                at=timezone.now(),
            )
        except services.AlreadyDone:
            messages.info(request, _("This application was rated already."))
        except services.NotDecided:  # withdrawn or reopened meanwhile
            messages.error(request, _("Only a decided application can be rated."))
        else:
            messages.success(request, _("Thank you: your rating was sent."))
        return redirect(_application_page(application))
    return render(
        request,
        "immigration/listening/rate.html",
        {
            "application": application,
            "rating": rating,
            "decided": decided,
            "form": form,
            "back": _application_page(application),
        },
        status=400 if form.is_bound and rating is None and decided else 200,
    )


def surveys(request: HttpRequest) -> HttpResponse:
    """The surveys of the office or the ward, newest first, with their answer counts."""
    rows = queries.answer_counts(access.surveys_for(request.user)).order_by("-sent_at", "-id")
    can_send = request.user.role in (Role.IMMIGRATION_OFFICER, Role.WARD_COMMANDER)
    return render(
        request,
        "immigration/listening/surveys.html",
        {
            "surveys": rows[:100],
            "can_send": can_send,
            "is_office": request.user.role == Role.IMMIGRATION_OFFICER,
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
def survey_new(request: HttpRequest) -> HttpResponse:
    area = access.survey_author_area_or_403(request.user)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        survey = services.send_survey(
            author=request.user,
            title=data["title"],
            question=data["question"],
            closes_at=services.closing_time(data["open_until"]),
            at=timezone.now(),
            **area,
        )
        messages.success(request, _("The survey was sent to the lodgings of your area."))
        return redirect("immigration:survey", pk=survey.pk)
    recipients = services.recipients_of_area(**area).count()
    return render(
        request,
        "immigration/listening/survey_new.html",
        {"form": form, "recipients": recipients},
        status=400 if form.is_bound else 200,
    )


def _distribution_chart(figures: queries.Figures, *, title: str):
    labels = [_("%(score)s of 5") % {"score": score} for score, _count in figures.distribution]
    return charts.horizontal_bar_chart(
        labels,
        [n for _score, n in figures.distribution],
        title=title,
        desc=_("How many gave each score, from 1 (poor) to 5 (very good)."),
        # Narrow, so that its labels stay legible on a phone.
        width=400,
    )


def survey(request: HttpRequest, pk: int) -> HttpResponse:
    """A survey's results. Who answered is shown to the ward commander only, for the ward's
    surveys; everyone else reads anonymous figures and comments."""
    survey = access.get_survey_for_user(request.user, pk)
    with_names = request.user.role == Role.WARD_COMMANDER and survey.ward_id is not None
    results = queries.survey_results(survey)
    return render(
        request,
        "immigration/listening/survey.html",
        {
            "survey": survey,
            "results": results,
            "last_day": services.last_day(survey.closes_at),
            "is_open": timezone.now() < survey.closes_at,
            "with_names": with_names,
            "answers": queries.survey_answers(survey, with_names=with_names),
            "chart": _distribution_chart(results.figures, title=_("Answers by score")),
        },
    )


def ratings(request: HttpRequest) -> HttpResponse:
    """The office's ratings: its province's decided applications, anonymous."""
    province = access.office_province_or_403(request.user)
    rated = queries.ratings_of(province)
    figures = queries.figures(rated)
    months = queries.by_month(rated)
    month_labels = [m.month.strftime("%m/%Y") for m in months]
    return render(
        request,
        "immigration/listening/ratings.html",
        {
            "province": province,
            "figures": figures,
            "months": months,
            "comments": queries.rating_comments(rated),
            "chart": _distribution_chart(figures, title=_("Ratings by score")),
            "month_chart": charts.line_chart(
                month_labels,
                [m.average for m in months],
                title=_("Average rating by month"),
                desc=_("The average of the month's ratings, from 1 to 5."),
                max_value=5,
                width=560,
            )
            if months
            else None,
        },
    )


def surveys_open(request: HttpRequest) -> HttpResponse:
    """The owner's open surveys, each with whether the lodging has answered."""
    establishment, sent = access.surveys_to_answer(request.user)
    now = timezone.now()
    rows = list(sent.filter(closes_at__gt=now).order_by("closes_at", "id")[:50])
    answered = dict(
        SurveyAnswer.objects.filter(establishment=establishment, survey__in=rows).values_list(
            "survey_id", "score"
        )
    )
    return render(
        request,
        "immigration/listening/surveys_open.html",
        {
            "establishment": establishment,
            "rows": [(s, answered.get(s.pk), services.last_day(s.closes_at)) for s in rows],
        },
    )


@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner answers a survey sent to the lodging, once, while it is open."""
    establishment, survey = access.get_survey_to_answer(request.user, pk)
    answer = SurveyAnswer.objects.filter(survey=survey, establishment=establishment).first()
    is_open = timezone.now() < survey.closes_at
    form = ScoreForm(request.POST if request.method == "POST" else None, submit=_("Send my answer"))
    if request.method == "POST" and answer is None and is_open and form.is_valid():
        try:
            services.answer_survey(
                survey=survey,
                establishment=establishment,
                by=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                at=timezone.now(),
            )
        except services.AlreadyDone:
            messages.info(request, _("Your lodging has answered this survey already."))
        except services.SurveyClosed:
            messages.error(request, _("This survey has closed: answers are no longer taken."))
        else:
            messages.success(request, _("Thank you: your answer was sent."))
        return redirect("immigration:surveys_open")
    refused = request.method == "POST" and (answer is not None or not is_open)
    if refused:
        messages.error(
            request,
            _("Your lodging has answered this survey already.")
            if answer is not None
            else _("This survey has closed: answers are no longer taken."),
        )
    return render(
        request,
        "immigration/listening/survey_answer.html",
        {
            "survey": survey,
            "answer": answer,
            "is_open": is_open,
            "last_day": services.last_day(survey.closes_at),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )
