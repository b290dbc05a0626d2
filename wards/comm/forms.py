"""Forms of the notices and feedback pages."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Layout, Submit
from django import forms
from django.db.models import Count, Q
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from establishments.models import Establishment, Status
from guests.models import Declaration
from luutru.models import Beat, Ward

from ..models import FeedbackCategory, NoticeCategory
from .queries import declarations_to_refer, recipients_of


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
