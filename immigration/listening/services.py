"""Listening to people: the applicant's rating of a decided application, and the opinion
surveys the immigration office and the ward commanders send to the lodgings of their area."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from establishments.models import Establishment
from establishments.models import Status as EstablishmentStatus
from guests.deadlines import LOCAL_TZ
from luutru.models import Province, User, Ward
from wards.flags.notifications import enqueue_sending
from wards.models import Notification, NotificationChannel
from wards.recipients import owners

from ..models import Application, Rating, State, Survey, SurveyAnswer

RATED_STATES = (State.APPROVED, State.REFUSED)


def closing_time(day: date) -> datetime:
    """A survey open until ``day`` closes at the local midnight that ends it."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=LOCAL_TZ)


def last_day(closes_at: datetime) -> date:
    """The last local day a survey closing at ``closes_at`` takes answers."""
    return (closes_at - timedelta(microseconds=1)).astimezone(LOCAL_TZ).date()


class NotDecided(Exception):
    """Only a decided application (approved or refused) is rated."""


class AlreadyDone(Exception):
    """Rated, or answered, once already: the first stays."""


class SurveyClosed(Exception):
    """The survey closed before the answer came."""


@transaction.atomic
def rate_application(
    *, application: Application, by: User, score: int, comment: str, at: datetime
) -> Rating:
    if application.state not in RATED_STATES:
        raise NotDecided
    try:
        # A savepoint: the unique application_id of a second tab or a double click fails
        # alone, and the caller's transaction goes on.
        with transaction.atomic():
            return Rating.objects.create(
                application=application, score=score, comment=comment, rated_by=by, rated_at=at
            )
    except IntegrityError:
        raise AlreadyDone from None


def recipients_of_area(
    *, province: Province | None = None, ward: Ward | None = None
) -> QuerySet[Establishment]:
    """The lodgings of an area: the active ones of a ward, or of a province's wards."""
    area = {"ward": ward} if ward is not None else {"ward__province": province}
    return Establishment.objects.filter(status=EstablishmentStatus.ACTIVE, **area)


def recipients_of(survey: Survey) -> QuerySet[Establishment]:
    """The lodgings a survey is for."""
    if survey.ward_id:
        return recipients_of_area(ward=survey.ward)
    return recipients_of_area(province=survey.province)


@transaction.atomic
def send_survey(
    *,
    author: User,
    title: str,
    question: str,
    closes_at: datetime,
    at: datetime,
    province: Province | None = None,
    ward: Ward | None = None,
) -> Survey:
    """Write the survey and tell the owner of each lodging of its area, in the portal and, if
    they have an address, by e-mail (the outbox, sent after commit), each in their language."""
    survey = Survey.objects.create(
        title=title,
        question=question,
        province=province,
        ward=ward,
        author=author,
        sent_at=at,
        closes_at=closes_at,
    )
    url = reverse("immigration:survey_answer", kwargs={"pk": survey.pk})
    notifications = []
    for owner in owners().filter(staff__establishment__in=recipients_of(survey)):
        with override(owner.language or settings.LANGUAGE_CODE):
            subject = _("Survey: %(title)s") % {"title": title}
            body = _("%(question)s Please answer by %(date)s.") % {
                "question": question,
                "date": date_format(last_day(closes_at), "SHORT_DATE_FORMAT"),
            }
        channels = [NotificationChannel.IN_APP]
        if owner.email:
            channels.append(NotificationChannel.EMAIL)
        for channel in channels:
            notifications.append(
                Notification(
                    recipient=owner,
                    channel=channel,
                    subject=subject[:200],
                    body=body,
                    url=url,
                    created_at=at,
                    # In the portal, written is delivered.
                    sent_at=at if channel == NotificationChannel.IN_APP else None,
                )
            )
    Notification.objects.bulk_create(notifications)
    transaction.on_commit(enqueue_sending)
    return survey


@transaction.atomic
def answer_survey(
    *,
    survey: Survey,
    establishment: Establishment,
    by: User,
    score: int,
    comment: str,
    at: datetime,
) -> SurveyAnswer:
    if at >= survey.closes_at:
        raise SurveyClosed
    try:
        with transaction.atomic():
            return SurveyAnswer.objects.create(
                survey=survey,
                establishment=establishment,
                score=score,
                comment=comment,
                answered_by=by,
                answered_at=at,
            )
    except IntegrityError:  # survey_answer_once: another tab or the other owner got there first
        raise AlreadyDone from None
