"""The applicant's forms: starting an application, and the one form of each kind that saves a
draft (whatever is typed, each value checked) and carries the uploads."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from guests.models import Declaration
from luutru.formats import show_date
from luutru.models import Ward

from .. import uploads
from ..models import Application, AttachmentKind, Kind, PermitType
from .fields import FIELDS

DATE_WIDGET = {"type": "date"}
FILE_FIELDS = {
    "passport_page": AttachmentKind.PASSPORT_PAGE,
    "photo": AttachmentKind.PHOTO,
    "supporting": AttachmentKind.SUPPORTING,
}
PASSPORT_NUMBER = re.compile(r"^[A-Z0-9]{5,20}$")
PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{5,19}$")
NATIONALITY = re.compile(r"^[A-Z]{2,3}$")


class NewApplicationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is asked"), choices=Kind.choices, widget=forms.RadioSelect
    )
    declaration = forms.ModelChoiceField(
        label=_("For which guest"),
        queryset=Declaration.objects.none(),
        required=False,
        empty_label=_("Another foreigner (type the details)"),
    )

    def __init__(self, *args, guests: QuerySet[Declaration] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if guests is None:
            del self.fields["declaration"]
        else:
            self.fields["declaration"].queryset = guests
            self.fields["declaration"].label_from_instance = _guest_label


def _guest_label(declaration: Declaration) -> str:
    return _("%(name)s, room %(room)s") % {
        "name": declaration.full_name,
        "room": declaration.room,
    }


def nationality_choices(current: str = "") -> list[tuple[str, str]]:
    choices = sorted(((c.code, str(c.name)) for c in countries), key=lambda item: item[1])
    choices = [(code, name) for code, name in choices if code != "VN"]
    if current and current not in dict(choices):
        choices.insert(0, (current, current))
    return [("", "---------"), *choices]


class ApplicationForm(forms.ModelForm):
    """An application's fields for its kind (immigration.apply.fields), none required: a draft
    keeps whatever is typed, and submission names what is missing. What is typed must still
    make sense (a date of birth in the past, a passport still valid, the period in order)."""

    passport_page = forms.FileField(label=_("Passport data page"), required=False)
    photo = forms.FileField(label=_("Photo (4×6 cm)"), required=False)
    supporting = forms.FileField(label=_("Supporting document"), required=False)

    class Meta:
        model = Application
        fields = FIELDS[Kind.RESIDENCE_CARD] + ("entries",)
        widgets = {
            name: forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
            for name in (
                "birth_date",
                "passport_expiry",
                "permit_expiry",
                "entry_date",
                "requested_from",
                "requested_until",
            )
        }

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, instance=application, **kwargs)
        self.application = application
        asked = set(FIELDS[application.kind]) | set(FILE_FIELDS)
        for name in list(self.fields):
            if name not in asked:
                del self.fields[name]
        for field in self.fields.values():
            field.required = False
        self.fields["nationality"] = forms.ChoiceField(
            label=_("Nationality"),
            choices=nationality_choices(application.nationality),
            required=False,
            widget=forms.Select(
                attrs={
                    "data-searchable": "",
                    "data-search-label": _("Search for a nationality"),
                    "data-count-text": _("Matching countries: %(count)s"),
                }
            ),
        )
        self.fields["ward"].queryset = Ward.objects.filter(province=application.province).order_by(
            "name"
        )
        self.fields["ward"].widget.attrs.update(
            {"data-searchable": "", "data-search-label": _("Search for a ward")}
        )
        self.fields["passport_number"].widget.attrs.update(
            {"autocapitalize": "characters", "spellcheck": "false", "class": "font-monospace"}
        )
        self.fields["sponsor_phone"].widget.attrs.update({"type": "tel", "autocomplete": "tel"})
        for name in FILE_FIELDS:
            self.fields[name].widget.attrs["accept"] = (
                "image/jpeg,image/png,image/webp"
                if name == "photo"
                else "image/jpeg,image/png,image/webp,application/pdf"
            )
        self.checked: dict[str, uploads.CheckedFile] = {}

    # --- one value at a time ---

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_passport_number(self) -> str:
        value = re.sub(r"[\s-]", "", self.cleaned_data["passport_number"]).upper()
        if value and not PASSPORT_NUMBER.match(value):
            raise ValidationError(
                _("A passport number is 5 to 20 letters and digits."), code="passport_number"
            )
        return value

    def clean_nationality(self) -> str:
        value = self.cleaned_data["nationality"].strip().upper()
        if value and not NATIONALITY.match(value):
            raise ValidationError(_("Choose a nationality from the list."), code="nationality")
        return value

    def clean_sponsor_phone(self) -> str:
        value = self.cleaned_data["sponsor_phone"].strip()
        if value and not PHONE.match(value):
            raise ValidationError(
                _("Enter a phone number: digits, spaces and a leading +."), code="phone"
            )
        return value

    def clean_birth_date(self) -> date | None:
        value = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if value is not None and not date(1900, 1, 1) <= value <= today:
            raise ValidationError(_("Enter a date of birth in the past."), code="birth_date")
        return value

    def clean_passport_expiry(self) -> date | None:
        value = self.cleaned_data["passport_expiry"]
        if value is not None and value <= timezone.localdate():
            raise ValidationError(
                _("The passport has expired: it must be valid after today."), code="expired"
            )
        return value

    def clean_entry_date(self) -> date | None:
        value = self.cleaned_data["entry_date"]
        if value is not None and value > timezone.localdate():
            raise ValidationError(_("The date of entry cannot be in the future."), code="future")
        return value

    def clean_requested_until(self) -> date | None:
        value = self.cleaned_data.get("requested_until")
        if value is not None and value <= timezone.localdate():
            raise ValidationError(_("The requested end must be after today."), code="past")
        return value

    def _clean_upload(self, name: str):
        uploaded = self.cleaned_data.get(name)
        if uploaded:
            self.checked[name] = uploads.check_upload(uploaded, kind=FILE_FIELDS[name])
        return uploaded

    def clean_passport_page(self):
        return self._clean_upload("passport_page")

    def clean_photo(self):
        return self._clean_upload("photo")

    def clean_supporting(self):
        return self._clean_upload("supporting")

    # --- the values together ---

    def clean(self) -> dict:
        data = super().clean()
        birth, entry = data.get("birth_date"), data.get("entry_date")
        start, end = data.get("requested_from"), data.get("requested_until")
        passport, permit = data.get("passport_expiry"), data.get("permit_expiry")
        if birth and entry and entry < birth:
            self.add_error("entry_date", _("The date of entry cannot be before the date of birth."))
        if start and end and end < start:
            self.add_error("requested_until", _("The requested period must end after it starts."))
        if passport and end and passport < end:
            self.add_error(
                "passport_expiry",
                ValidationError(
                    _("The passport ends on %(date)s, before the end of the requested period."),
                    params={"date": show_date(passport)},
                ),
            )
        if (
            self.application.kind == Kind.STAY_EXTENSION
            and permit
            and end
            and end <= permit
            and data.get("permit_type") != PermitType.EXEMPTION
        ):
            self.add_error(
                "requested_until",
                ValidationError(
                    _("The current permit already runs until %(date)s: ask for a later date."),
                    params={"date": show_date(permit)},
                ),
            )
        self._check_total_size()
        return data

    def _check_total_size(self) -> None:
        if not self.checked:
            return
        stored = sum(self.application.attachments.values_list("size", flat=True))
        total = stored + sum(checked.size for checked in self.checked.values())
        if total > uploads.application_limit():
            name = list(self.checked)[-1]
            self.checked.pop(name)
            self.add_error(
                name,
                ValidationError(
                    _("An application's files may take %(mb)s MB in all: delete one first."),
                    params={"mb": f"{uploads.application_limit() / uploads.MB:.0f}"},
                ),
            )

    def changed_model_fields(self) -> list[str]:
        """The application's columns this form writes."""
        return [name for name in self.fields if name not in FILE_FIELDS]


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, withdraw this application"))
