"""The interaction channel between the ward police and its establishments: notices the police
publish, and feedback threads the establishments open.

Access: officers and commanders reach their ward's notices and threads; owners and
receptionists reach their own establishment's. Another ward's or establishment's id is a 404,
the wrong role a 403. Every message writes its in-app notifications (outbox rows) in the same
transaction, so nothing is announced that was not saved, and nothing saved goes unannounced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Layout, Submit
from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.forms.models import ModelChoiceIterator
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, override

from establishments.access import establishment_for
from establishments.models import Establishment, Status
from guests.models import Declaration
from luutru.models import ESTABLISHMENT_ROLES, WARD_ROLES, Beat, User, Ward
from luutru.text import translatable

from .access import officer_ward_or_403
from .models import (
    FeedbackCategory,
    FeedbackMessage,
    FeedbackStatus,
    FeedbackThread,
    Notice,
    NoticeCategory,
    NoticeDelivery,
    Notification,
    NotificationChannel,
)
from .notifications import in_app_for

# --- access -------------------------------------------------------------------------------------


def notices_for_officer(user: User) -> QuerySet[Notice]:
    """The notices of the officer's ward, with how many establishments got and read each."""
    ward = officer_ward_or_403(user)
    return (
        Notice.objects.filter(ward=ward)
        .select_related("author")
        .annotate(
            delivered=Count("deliveries"),
            read=Count("deliveries", filter=Q(deliveries__read_at__isnull=False)),
        )
        .order_by("-published_at", "-id")
    )


def get_notice_for_officer(user: User, pk: int) -> Notice:
    return get_object_or_404(notices_for_officer(user), pk=pk)


def deliveries_for(user: User) -> QuerySet[NoticeDelivery]:
    """The notices delivered to the user's establishment, unread first, newest first."""
    establishment = establishment_for(user)
    return unread_first(
        NoticeDelivery.objects.filter(establishment=establishment).select_related(
            "notice", "read_by"
        )
    )


def unread_first(deliveries: QuerySet[NoticeDelivery]) -> QuerySet[NoticeDelivery]:
    return deliveries.annotate(
        unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    ).order_by("-unread", "-notice__published_at", "-id")


def get_delivery_for_user(user: User, notice_pk: int) -> NoticeDelivery:
    """A notice as the user's establishment received it; one not sent to it is a 404."""
    return get_object_or_404(deliveries_for(user), notice_id=notice_pk)


def threads_for_officer(user: User) -> QuerySet[FeedbackThread]:
    """The ward's feedback threads: open ones first, then answered, then closed."""
    ward = officer_ward_or_403(user)
    return (
        FeedbackThread.objects.filter(ward=ward)
        .select_related("establishment", "created_by", "declaration")
        .annotate(
            status_rank=Case(
                When(status=FeedbackStatus.OPEN, then=Value(0)),
                When(status=FeedbackStatus.ANSWERED, then=Value(1)),
                default=Value(2),
            ),
            message_count=Count("messages"),
        )
        .order_by("status_rank", "-updated_at", "-id")
    )


def get_thread_for_officer(user: User, pk: int) -> FeedbackThread:
    return get_object_or_404(threads_for_officer(user), pk=pk)


def new_suspicious_reports(threads: QuerySet[FeedbackThread]) -> QuerySet[FeedbackThread]:
    """The reports of a suspicious guest the police have not answered yet (new, or written to
    again by the establishment since the last answer)."""
    return threads.filter(category=FeedbackCategory.SUSPICIOUS_GUEST, status=FeedbackStatus.OPEN)


@dataclass(frozen=True)
class OfficerBadges:
    unread_notifications: int
    suspicious_reports: int

    @property
    def total(self) -> int:
        return self.unread_notifications + self.suspicious_reports


def _count(queryset: QuerySet) -> Subquery:
    # COUNT(*) of the queryset as a scalar subquery: grouped by a constant, so one row.
    counted = queryset.order_by().values(all=Value(1)).annotate(n=Count("*")).values("n")
    return Subquery(counted, output_field=IntegerField())


def officer_badges(user: User) -> OfficerBadges:
    """What waits for an officer, both counts in one query (the navbar runs it on every page).
    The threads are scoped through the officer's membership row inside the query, so no ward
    lookup is needed first."""
    counts = (
        User.objects.filter(pk=user.pk)
        .values(
            unread=_count(in_app_for(user).filter(read_at__isnull=True)),
            suspicious=_count(
                new_suspicious_reports(FeedbackThread.objects.filter(ward__officers__user=user))
            ),
        )
        .get()
    )
    return OfficerBadges(
        unread_notifications=counts["unread"], suspicious_reports=counts["suspicious"]
    )


def officer_badges_of_request(request) -> OfficerBadges:
    """``officer_badges`` once a request: the home page's cards and the navbar share them."""
    if not hasattr(request, "_officer_badges"):
        request._officer_badges = officer_badges(request.user)
    return request._officer_badges


def threads_for_establishment(user: User) -> QuerySet[FeedbackThread]:
    establishment = establishment_for(user)
    return (
        FeedbackThread.objects.filter(establishment=establishment)
        .select_related("establishment", "created_by", "declaration")
        .annotate(message_count=Count("messages"))
        .order_by("-updated_at", "-id")
    )


def get_thread_for_establishment(user: User, pk: int) -> FeedbackThread:
    return get_object_or_404(threads_for_establishment(user), pk=pk)


# --- forms --------------------------------------------------------------------------------------


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("send", label, css_class="btn-lg w-100"))
    return helper


class EstablishmentCheckboxes(forms.CheckboxSelectMultiple):
    """Each box also carries its establishment's address and code, for the search box above."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        establishment = getattr(value, "instance", None)
        if establishment is not None:
            option["attrs"]["data-search"] = f"{establishment.address} {establishment.code}"
        return option


class BeatChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, beat: Beat) -> str:
        return ngettext(
            "%(name)s (%(count)s establishment)",
            "%(name)s (%(count)s establishments)",
            beat.active_count,
        ) % {"name": beat.name, "count": beat.active_count}


class NoticeForm(forms.Form):
    ALL = "all"
    CHOSEN = "chosen"

    category = forms.ChoiceField(label=_("Category"), choices=NoticeCategory.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    audience = forms.ChoiceField(
        label=_("Send to"),
        choices=[(ALL, _("Every establishment of the ward")), (CHOSEN, _("Chosen establishments"))],
        initial=ALL,
        widget=forms.RadioSelect,
    )
    beats = BeatChoiceField(
        label=_("Every establishment of these beats"),
        queryset=Beat.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    establishments = forms.ModelMultipleChoiceField(
        label=_("Establishments"),
        queryset=Establishment.objects.none(),
        required=False,
        widget=EstablishmentCheckboxes,
        help_text=_("Only used when sending to chosen establishments."),
    )

    def __init__(self, *args, ward: Ward, **kwargs):
        super().__init__(*args, **kwargs)
        self.ward = ward
        # Only the ward's own beats and establishments are valid choices: another ward's id
        # is refused.
        self.fields["establishments"].queryset = recipients_of(ward)
        beats = Beat.objects.filter(ward=ward).annotate(
            active_count=Count("establishments", filter=Q(establishments__status=Status.ACTIVE))
        )
        self.fields["beats"].queryset = beats
        self.has_beats = beats.exists()
        self.helper = _helper(_("Publish the notice"))
        self.helper.form_class = "check-list"
        self.helper.layout = Layout(
            "category",
            "title",
            "body",
            "audience",
            # A ward without beats is not offered an empty choice.
            *(["beats"] if self.has_beats else []),
            Div(
                HTML('{% include "wards/_notice_filter.html" %}'),
                "establishments",
                data_notice_recipients="",
            ),
        )

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()

    def clean(self):
        data = super().clean()
        # None: every establishment of the ward; else the ticked establishments and every
        # active establishment of the ticked beats, each once.
        data["recipients"] = None
        if data.get("audience") != self.CHOSEN or {"beats", "establishments"} & set(self.errors):
            return data
        chosen = data.get("establishments") or []
        beats = data.get("beats") or []
        if not chosen and not beats:
            if self.has_beats:
                self.add_error("establishments", _("Choose at least one beat or establishment."))
            else:
                self.add_error("establishments", _("Choose at least one establishment."))
            return data
        recipients = list(
            recipients_of(self.ward).filter(Q(pk__in=[e.pk for e in chosen]) | Q(beat__in=beats))
        )
        if not recipients:
            self.add_error("beats", _("The chosen beats have no active establishment."))
        data["recipients"] = recipients
        return data


# How far back the declarations offered in a feedback form go.
RECENT_DECLARATIONS = timedelta(days=30)


class _ByArrivalDay(ModelChoiceIterator):
    # One <optgroup> per day of arrival, newest first: searchable-select.js wants groups.
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        days = groupby(self.queryset, key=lambda d: timezone.localtime(d.arrival).date())
        for day, declarations in days:
            yield (date_format(day, "SHORT_DATE_FORMAT"), [self.choice(d) for d in declarations])


class DeclarationChoiceField(forms.ModelChoiceField):
    iterator = _ByArrivalDay

    def label_from_instance(self, obj: Declaration) -> str:
        return _("Room %(room)s · %(name)s · arrived %(arrival)s") % {
            "room": obj.room,
            "name": obj.full_name,
            "arrival": date_format(timezone.localtime(obj.arrival), "H:i"),
        }


def declarations_to_refer(
    establishment: Establishment, *, at: datetime, including: Declaration | None = None
) -> QuerySet[Declaration]:
    """The declarations a thread of the establishment may be about: its own of the last 30
    days, and the one the thread was opened from (whatever its age)."""
    recent = Q(arrival__gte=at - RECENT_DECLARATIONS)
    if including is not None:
        recent |= Q(pk=including.pk)
    return (
        Declaration.objects.filter(recent, establishment=establishment)
        .only("pk", "room", "full_name", "arrival")
        .order_by("-arrival", "-id")
    )


class FeedbackForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=FeedbackCategory.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    declaration = DeclarationChoiceField(
        label=_("About a guest (optional)"),
        queryset=Declaration.objects.none(),
        required=False,
        empty_label=_("No particular guest"),
        help_text=_("One of your declarations of the last 30 days."),
        # static/js/searchable-select.js puts a search box above it.
        widget=forms.Select(
            attrs={
                "data-searchable": "",
                "data-search-label": _("Search for a guest"),
                "data-search-placeholder": _("Type a name or a room"),
                "data-count-text": _("Matching guests: %(count)s"),
            }
        ),
    )
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(
        self,
        *args,
        establishment: Establishment,
        at: datetime,
        about: Declaration | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # Only the establishment's own declarations are valid choices: another's id is refused.
        self.fields["declaration"].queryset = declarations_to_refer(
            establishment, at=at, including=about
        )
        if about is not None:
            self.fields["declaration"].initial = about.pk
            self.fields["category"].initial = FeedbackCategory.SUSPICIOUS_GUEST
        self.helper = _helper(_("Send to the ward police"))

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write a message."))
        return body


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Send the reply"))

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write a message."))
        return body


# --- who is told --------------------------------------------------------------------------------


def recipients_of(ward: Ward) -> QuerySet[Establishment]:
    return Establishment.objects.filter(ward=ward, status=Status.ACTIVE).order_by("name", "pk")


def establishment_users(establishments: Iterable[Establishment]) -> QuerySet[User]:
    return User.objects.filter(
        staff__establishment__in=list(establishments),
        role__in=ESTABLISHMENT_ROLES,
        is_active=True,
    )


def ward_users(ward: Ward) -> QuerySet[User]:
    return User.objects.filter(officer__ward=ward, role__in=WARD_ROLES, is_active=True)


def _notify(
    users: Iterable[User], *, subject: str | Promise, body: str | Promise, url: str, at: datetime
) -> None:
    """An in-app notification for each of ``users``, written in the language each last chose
    (User.language): ``subject`` and ``body`` may be lazy (luutru.text.translatable)."""
    notifications = []
    for user in users:
        with override(user.language or settings.LANGUAGE_CODE):
            notifications.append(
                Notification(
                    recipient=user,
                    channel=NotificationChannel.IN_APP,
                    subject=str(subject)[:200],
                    body=str(body),
                    url=url,
                    created_at=at,
                )
            )
    Notification.objects.bulk_create(notifications)


# --- services -----------------------------------------------------------------------------------


@transaction.atomic
def publish_notice(
    *,
    ward: Ward,
    author: User,
    category: str,
    title: str,
    body: str,
    establishments: Iterable[Establishment] | None,
    at: datetime,
) -> Notice:
    """Publish a notice to ``establishments`` (every active one of the ward when None): one
    delivery each, and an in-app notification for each of their owners and receptionists."""
    targets = list(recipients_of(ward) if establishments is None else establishments)
    if any(e.ward_id != ward.pk for e in targets):
        raise ValueError("A notice goes only to establishments of its own ward.")
    notice = Notice.objects.create(
        ward=ward, author=author, category=category, title=title, body=body, published_at=at
    )
    NoticeDelivery.objects.bulk_create(
        NoticeDelivery(notice=notice, establishment=e) for e in targets
    )
    _notify(
        establishment_users(targets),
        subject=translatable(_("Notice from the ward police: %(title)s"), {"title": title}),
        body=body,
        url=reverse("wards:my_notice", args=[notice.pk]),
        at=at,
    )
    return notice


@transaction.atomic
def mark_notice_read(*, delivery: NoticeDelivery, by: User, at: datetime) -> bool:
    """Record the first reading of a notice at an establishment; later readings change
    nothing. A compare-and-set, so two colleagues opening it at once keep the first."""
    updated = NoticeDelivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(
        read_at=at, read_by=by
    )
    if updated:
        delivery.read_at, delivery.read_by = at, by
    return bool(updated)


@transaction.atomic
def open_feedback_thread(
    *,
    establishment: Establishment,
    by: User,
    category: str,
    subject: str,
    body: str,
    at: datetime,
    declaration: Declaration | None = None,
) -> FeedbackThread:
    if declaration is not None and declaration.establishment_id != establishment.pk:
        raise ValueError("A thread can be about its own establishment's declarations only.")
    thread = FeedbackThread.objects.create(
        establishment=establishment,
        ward=establishment.ward,
        category=category,
        subject=subject,
        declaration=declaration,
        created_by=by,
        created_at=at,
        updated_at=at,
    )
    FeedbackMessage.objects.create(thread=thread, author=by, body=body, created_at=at)
    _notify(
        ward_users(establishment.ward),
        subject=translatable(
            _("New feedback from %(establishment)s: %(subject)s"),
            {"establishment": establishment.name, "subject": subject},
        ),
        body=body,
        url=reverse("wards:feedback_thread", args=[thread.pk]),
        at=at,
    )
    return thread


@transaction.atomic
def post_feedback_message(
    *, thread: FeedbackThread, by: User, body: str, at: datetime
) -> FeedbackMessage:
    """A message in a thread. The police answering marks it answered and tells the
    establishment; the establishment writing (re)opens it and tells the ward."""
    thread = (
        FeedbackThread.objects.select_for_update().select_related("establishment").get(pk=thread.pk)
    )
    message = FeedbackMessage.objects.create(thread=thread, author=by, body=body, created_at=at)
    from_police = by.role in WARD_ROLES
    thread.status = FeedbackStatus.ANSWERED if from_police else FeedbackStatus.OPEN
    thread.updated_at = at
    thread.save(update_fields=["status", "updated_at"])
    if from_police:
        _notify(
            establishment_users([thread.establishment]),
            subject=translatable(
                _("The ward police answered: %(subject)s"), {"subject": thread.subject}
            ),
            body=body,
            url=reverse("wards:my_feedback_thread", args=[thread.pk]),
            at=at,
        )
    else:
        _notify(
            ward_users(thread.ward),
            subject=translatable(
                _("New message from %(establishment)s: %(subject)s"),
                {"establishment": thread.establishment.name, "subject": thread.subject},
            ),
            body=body,
            url=reverse("wards:feedback_thread", args=[thread.pk]),
            at=at,
        )
    return message


@transaction.atomic
def close_feedback_thread(*, thread: FeedbackThread, by: User, at: datetime) -> bool:
    """Close a thread; returns False if it was already closed."""
    updated = (
        FeedbackThread.objects.filter(pk=thread.pk)
        .exclude(status=FeedbackStatus.CLOSED)
        .update(status=FeedbackStatus.CLOSED, updated_at=at)
    )
    if updated:
        _notify(
            establishment_users([thread.establishment]),
            subject=translatable(
                _("The ward police closed: %(subject)s"), {"subject": thread.subject}
            ),
            body=_("Reply in the thread to reopen it."),
            url=reverse("wards:my_feedback_thread", args=[thread.pk]),
            at=at,
        )
    return bool(updated)
