"""The check-in forms: one guest per form, several guests of one room per formset, and the stay.

Forms validate and normalise; the views assign. Every error lands on the field it is about and
the page keeps what was typed.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from establishments.models import Establishment
from luutru.formats import show_date, show_datetime

from . import deadlines, documents
from .deadlines import local_day, local_today
from .models import (
    FOREIGNER_FIELDS,
    GUEST_FIELDS,
    STAY_FIELDS,
    Declaration,
    DeclarationKind,
    DocumentType,
    Sex,
    document_warnings,
)
from .mrz import MRZData, MRZError, parse_mrz
from .nationalities import NATIONALITY_LABELS, search_terms

MAX_AGE_YEARS = 120
CLOCK_SKEW = timedelta(minutes=5)
MAX_GUESTS = 20

PASSPORT_NUMBER = re.compile(r"[A-Z0-9]{1,9}")
OTHER_DOCUMENT_NUMBER = re.compile(r"[A-Z0-9]{1,20}")
CITIZEN_NUMBER = re.compile(r"[0-9]{12}")
# Digit 4 of the personal identification number (Circular 07/2016/TT-BCA, art. 7): the century
# of birth and the sex, even for men, odd for women.
CENTURY_SEX_CODES = {
    "0": (1900, Sex.MALE),
    "1": (1900, Sex.FEMALE),
    "2": (2000, Sex.MALE),
    "3": (2000, Sex.FEMALE),
    "4": (2100, Sex.MALE),
    "5": (2100, Sex.FEMALE),
}
PROVINCE_CODES = range(1, 97)  # 001-096, the pre-2025 province codes the numbers carry

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


# Besides letters (and the combining accents of a decomposed Vietnamese letter): what else a
# person's name or a room may hold. A cell like "=1+1" or "@SUM(A1:A9)" is neither, and a
# spreadsheet opening an export would run it as a formula.
NAME_MARKS = frozenset(" '’-.")
ROOM_MARKS = frozenset(" -./")


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L")


def _only(value: str, *, digits: bool, marks: frozenset[str]) -> bool:
    if not value:
        return True
    first = value[0]
    if not (_is_letter(first) or (digits and unicodedata.category(first) == "Nd")):
        return False
    return all(
        _is_letter(ch)
        or unicodedata.category(ch).startswith("M")
        or (digits and unicodedata.category(ch) == "Nd")
        or ch in marks
        for ch in value
    )


def validate_name(value: str) -> None:
    """A person's name: letters of any script (every Vietnamese and accented Latin letter),
    spaces, apostrophes, hyphens and dots, starting with a letter. Used by the desk's forms
    and so by the CSV import, which checks its rows with them."""
    if not _only(value, digits=False, marks=NAME_MARKS):
        raise ValidationError(
            _(
                "A name has only letters, spaces, apostrophes, hyphens and dots, and starts "
                "with a letter."
            ),
            code="name_format",
        )


def validate_room(value: str) -> None:
    """A room: letters, digits, spaces, hyphens, dots and slashes, starting with a letter or
    a digit."""
    if not _only(value, digits=True, marks=ROOM_MARKS):
        raise ValidationError(
            _(
                "A room has only letters, digits, spaces, hyphens, dots and slashes, and "
                "starts with a letter or a digit."
            ),
            code="room_format",
        )


def check_entry_dates(guest_forms: list[forms.BaseForm], stay: StayForm) -> bool:
    """The date of entry into Viet Nam of each guest is not after the arrival (local date).
    An error on the entry date of each guest that is; True when there is none. Needs the
    forms cleaned, the guests and the stay being separate forms."""
    arrival = getattr(stay, "cleaned_data", {}).get("arrival")
    if arrival is None:
        return True
    arrival_date = local_day(arrival)
    ok = True
    for form in guest_forms:
        entry = (getattr(form, "cleaned_data", None) or {}).get("entry_date")
        if entry is not None and entry > arrival_date:
            form.add_error(
                "entry_date",
                ValidationError(
                    _("The date of entry cannot be after the arrival (%(arrival)s)."),
                    code="entry_after_arrival",
                    params={"arrival": show_date(arrival_date)},
                ),
            )
            ok = False
    return ok


def nationality_choices() -> list[tuple[str, Any]]:
    """Countries by name in the current language (Viet Nam left out: a Vietnamese citizen is
    filed with the citizen form), then the ICAO codes that stand for no country."""
    names = {country.code: country.name for country in countries}
    names.setdefault("XK", _("Kosovo"))
    names.pop("VN", None)
    by_name = sorted(names.items(), key=lambda item: str(item[1]))
    return [
        ("", "---------"),
        (_("Countries"), by_name),
        (
            _("No country (ICAO codes)"),
            [(c, f"{label} ({c})") for c, label in NATIONALITY_LABELS.items()],
        ),
    ]


def _datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _html_attrs(attrs: dict[str, Any]) -> str:
    # As django/forms/widgets/attrs.html writes them.
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _text(value: Any) -> str:
    # As "{{ value|stringformat:'s' }}" shows it.
    return conditional_escape(value) if isinstance(value, SafeData) else escape(str(value))


class Select(forms.Select):
    """A select written out in Python, to the character what Django's select.html and
    select_option.html write: their {% include %} per option took 6 ms for the 250
    nationalities (this takes 1.6), a third of the foreigner's check-in page. Named Select:
    crispy forms puts the widget's class name in the class attribute."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html = [
            f'<select name="{conditional_escape(widget["name"])}"{_html_attrs(widget["attrs"])}>'
        ]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                html.append(
                    f'\n  <option value="{_text(option["value"])}"{_html_attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308 - every value above is escaped


class NationalitySelect(Select):
    """Each country's option carries its codes and English name, which the search box finds
    too: a desk types "KOR", "DEU", "korea" or "germany"."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value and value not in NATIONALITY_LABELS:
            option["attrs"].update(search_terms(value))
        return option


def quiet(form: forms.BaseForm) -> None:
    """Show a bound form again without validating it (after "Fill from MRZ" or "Add another
    guest"): what was typed stays, and no error is shown for fields not filled in yet."""
    form._errors = ErrorDict()
    form.cleaned_data = {}


class StayForm(forms.Form):
    """The stay shared by the guests of one submit: room, arrival, expected departure."""

    room = forms.CharField(label=_("Room"), max_length=20)
    arrival = forms.DateTimeField(label=_("Arrival"), widget=_datetime_widget())
    expected_departure = forms.DateTimeField(
        label=_("Expected departure"), widget=_datetime_widget()
    )
    # Generated with the empty form and kept through every re-render: posting the same page
    # twice files once.
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not args and "data" not in kwargs:
            now = deadlines.to_local(timezone.now()).replace(second=0, microsecond=0)
            tomorrow_noon = (now + timedelta(days=1)).replace(hour=12, minute=0)
            kwargs.setdefault(
                "initial",
                {
                    # Decree 96/2016, art. 44: a guest is recorded before entering the room.
                    "arrival": now,
                    "expected_departure": tomorrow_noon,
                    "submission_key": uuid.uuid4(),
                },
            )
        super().__init__(*args, **kwargs)

    def clean_room(self) -> str:
        room = self.cleaned_data["room"].strip()
        validate_room(room)
        return room

    def clean_arrival(self) -> datetime:
        arrival = self.cleaned_data["arrival"]
        if arrival > timezone.now() + CLOCK_SKEW:
            raise ValidationError(
                _("The arrival cannot be in the future: file the guest when they arrive."),
                code="future",
            )
        return arrival

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        arrival, departure = cleaned.get("arrival"), cleaned.get("expected_departure")
        if arrival and departure and departure <= arrival:
            self.add_error(
                "expected_departure",
                ValidationError(
                    _("The expected departure must be after the arrival."), code="order"
                ),
            )
        return cleaned


class CorrectionStayForm(StayForm):
    """The stay of one declaration being corrected: the same rules as at filing, no
    submission key (a correction posted twice changes nothing the second time)."""

    submission_key = None

    def __init__(self, *args: Any, declaration: Declaration, **kwargs: Any) -> None:
        self.declaration = declaration
        if not args and "data" not in kwargs:
            kwargs.setdefault("initial", {name: getattr(declaration, name) for name in STAY_FIELDS})
        super().__init__(*args, **kwargs)

    def _keep_seconds(self, name: str, value: datetime) -> datetime:
        # The page shows minutes only: an untouched time must not read as a change of the
        # seconds that a CSV import or the API may have stored.
        stored: datetime = getattr(self.declaration, name)
        if value == stored.replace(second=0, microsecond=0):
            return stored
        return value

    def clean_arrival(self) -> datetime:
        return self._keep_seconds("arrival", super().clean_arrival())

    def clean_expected_departure(self) -> datetime:
        return self._keep_seconds("expected_departure", self.cleaned_data["expected_departure"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        arrival, departed = cleaned.get("arrival"), self.declaration.departed_at
        if arrival and departed and arrival >= departed:
            self.add_error(
                "arrival",
                ValidationError(
                    _("The arrival must be before the recorded departure (%(departed)s)."),
                    code="after_departure",
                    params={"departed": show_datetime(departed)},
                ),
            )
        return cleaned


def guest_initial(declaration: Declaration) -> dict[str, Any]:
    """A declaration's guest as the initial data of its correction form."""
    return {name: getattr(declaration, name) for name in GUEST_FIELDS}


class GuestForm(forms.Form):
    """What both kinds ask about the guest."""

    kind: DeclarationKind

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "---------"), *Sex.choices])
    birth_date = forms.DateField(label=_("Date of birth"), widget=_date_widget())

    def __init__(
        self,
        *args: Any,
        establishment: Establishment,
        declaration: Declaration | None = None,
        **kwargs: Any,
    ) -> None:
        self.establishment = establishment
        # Set when correcting: the declaration being corrected is not "another" guest.
        self.declaration = declaration
        super().__init__(*args, **kwargs)

    def clean_full_name(self) -> str:
        # Kept exactly as typed (accents, case, inner spaces); only the edges are trimmed.
        name = self.cleaned_data["full_name"].strip()
        validate_name(name)
        return name

    def clean_birth_date(self) -> date:
        born = self.cleaned_data["birth_date"]
        today = local_today()
        if born > today:
            raise ValidationError(_("The date of birth cannot be in the future."), code="future")
        if born < today.replace(year=today.year - MAX_AGE_YEARS, day=min(today.day, 28)):
            raise ValidationError(
                _("Check the date of birth: the guest would be over %(years)d years old."),
                code="too_old",
                params={"years": MAX_AGE_YEARS},
            )
        return born

    def guest_data(self) -> dict[str, Any]:
        """The cleaned guest as the fields of a Declaration."""
        raise NotImplementedError

    def document_key(self) -> tuple[str, str, str] | None:
        if not self.cleaned_data.get("document_number"):
            return None
        guest = self.guest_data()
        return guest["document_type"], guest["nationality"], guest["document_number"]

    def check_not_staying(self) -> None:
        key = self.document_key()
        if key is None:
            return
        document_type, nationality, number = key
        staying = Declaration.objects.staying().filter(
            establishment=self.establishment,
            document_type=document_type,
            nationality=nationality,
            document_hash=documents.document_hash(number),
        )
        if self.declaration is not None:
            if self.declaration.departed_at is not None:
                # A departed guest's document no longer holds a place in the house.
                return
            staying = staying.exclude(pk=self.declaration.pk)
        if staying.exists():
            self.add_error("document_number", already_staying_error())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors:
            self.check_not_staying()
        return cleaned


def already_staying_error() -> ValidationError:
    return ValidationError(
        _(
            "A guest with this document is already staying here: check them out first, or "
            "check the number."
        ),
        code="staying",
    )


class ForeignerForm(GuestForm):
    kind = DeclarationKind.FOREIGNER

    mrz = forms.CharField(
        label=_("Machine readable zone (MRZ)"),
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 2,
                "class": "font-monospace",
                "spellcheck": "false",
                "autocomplete": "off",
                "autocapitalize": "characters",
            }
        ),
        help_text=_("Scan the passport or paste its two lines, then press “Fill from MRZ”."),
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"),
        choices=nationality_choices,
        # static/js/searchable-select.js puts a search box above it.
        widget=NationalitySelect(
            attrs={
                "data-searchable": "",
                "data-search-label": _("Search for a nationality"),
                "data-search-placeholder": _("Type to search, e.g. Han Quoc"),
                "data-count-text": _("Matching countries: %(count)s"),
            }
        ),
    )
    document_type = forms.ChoiceField(
        label=_("Document"),
        choices=[
            (DocumentType.PASSPORT, DocumentType.PASSPORT.label),
            (DocumentType.OTHER, DocumentType.OTHER.label),
        ],
        initial=DocumentType.PASSPORT,
    )
    document_number = forms.CharField(label=_("Passport number"), max_length=20)
    document_expiry = forms.DateField(
        label=_("Passport expiry"), required=False, widget=_date_widget()
    )
    visa_number = forms.CharField(label=_("Visa number"), max_length=20, required=False)
    visa_expiry = forms.DateField(label=_("Visa expiry"), required=False, widget=_date_widget())
    entry_port = forms.CharField(label=_("Port of entry"), max_length=100, required=False)
    entry_date = forms.DateField(label=_("Date of entry"), required=False, widget=_date_widget())

    field_order = ["mrz", *FOREIGNER_FIELDS]

    def clean_document_number(self) -> str:
        number = self.cleaned_data["document_number"].strip().upper()
        if " " in number or not OTHER_DOCUMENT_NUMBER.fullmatch(number):
            raise ValidationError(
                _("A document number has only letters A-Z and digits."), code="format"
            )
        return number

    def clean_visa_number(self) -> str:
        return self.cleaned_data["visa_number"].strip().upper()

    def clean(self) -> dict[str, Any]:
        cleaned = forms.Form.clean(self)
        number = cleaned.get("document_number")
        if (
            number
            and cleaned.get("document_type") == DocumentType.PASSPORT
            and not PASSPORT_NUMBER.fullmatch(number)
        ):
            # ICAO 9303 Part 4: the passport number field holds 9 characters.
            self.add_error(
                "document_number",
                ValidationError(
                    _("A passport number has at most 9 letters and digits."), code="format"
                ),
            )
        if not self.errors:
            self.check_not_staying()
        return cleaned

    def guest_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "sex": data["sex"],
            "birth_date": data["birth_date"],
            "nationality": data["nationality"],
            "document_type": data["document_type"],
            "document_number": data["document_number"],
            "document_expiry": data.get("document_expiry"),
            "visa_number": data.get("visa_number", ""),
            "visa_expiry": data.get("visa_expiry"),
            "entry_port": data.get("entry_port", "").strip(),
            "entry_date": data.get("entry_date"),
        }

    def fill_from_mrz(self) -> MRZData | None:
        """Read the zone typed into this (bound) form and put what it says into the form's
        data; a zone that does not add up becomes the error of the MRZ field."""
        raw = self.data.get(self.add_prefix("mrz"), "")
        quiet(self)
        try:
            zone = parse_mrz(raw, today=local_today())
        except MRZError as e:
            self._errors["mrz"] = self.error_class([str(e)])
            return None
        nationality = zone.nationality or (
            zone.nationality_code if zone.nationality_code in NATIONALITY_LABELS else ""
        )
        values = {
            "full_name": f"{zone.surname} {zone.given_names}".strip(),
            "sex": zone.sex,
            "birth_date": zone.birth_date.isoformat(),
            "nationality": nationality,
            "document_type": DocumentType.PASSPORT if zone.format == "TD3" else DocumentType.OTHER,
            "document_number": zone.document_number,
            "document_expiry": zone.expiry_date.isoformat(),
        }
        data = self.data.copy()
        for name, value in values.items():
            data[self.add_prefix(name)] = value
        self.data = data
        if not nationality:
            message = _(
                "The zone's nationality code “%(code)s” is not a country we know: "
                "choose the nationality from the list."
            )
            self._errors["nationality"] = self.error_class(
                [message % {"code": zone.nationality_code}]
            )
        return zone

    def field_after_mrz(self, zone: MRZData | None, *, then: str) -> str:
        """Where the desk goes on after "Fill from MRZ": back to the zone if it did not add up,
        to the nationality if its code is unknown, else to ``then``."""
        if zone is None:
            return "mrz"
        return "nationality" if self.has_error("nationality") else then


class CitizenForm(GuestForm):
    kind = DeclarationKind.CITIZEN

    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("", "---------"), (Sex.MALE, Sex.MALE.label), (Sex.FEMALE, Sex.FEMALE.label)],
    )
    document_number = forms.CharField(
        label=_("Personal identification number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("The 12 digits of the citizen identity card."),
    )
    reason = forms.CharField(label=_("Reason for stay"), max_length=200, required=False)

    def clean_document_number(self) -> str:
        number = self.cleaned_data["document_number"].strip()
        if not CITIZEN_NUMBER.fullmatch(number):
            raise ValidationError(
                _("A personal identification number has exactly 12 digits."), code="format"
            )
        if int(number[0:3]) not in PROVINCE_CODES:
            raise ValidationError(
                _("The first three digits (%(code)s) are not a province code (001 to 096)."),
                code="province",
                params={"code": number[0:3]},
            )
        if number[3] not in CENTURY_SEX_CODES:
            raise ValidationError(
                _("The fourth digit (%(digit)s) must be 0 to 5: the century of birth and sex."),
                code="century",
                params={"digit": number[3]},
            )
        return number

    def clean(self) -> dict[str, Any]:
        cleaned = forms.Form.clean(self)
        number, born, sex = (
            cleaned.get("document_number"),
            cleaned.get("birth_date"),
            cleaned.get("sex"),
        )
        if number and born:
            century, coded_sex = CENTURY_SEX_CODES[number[3]]
            if not (century <= born.year < century + 100) or int(number[4:6]) != born.year % 100:
                self.add_error(
                    "document_number",
                    ValidationError(
                        _(
                            "This number is of someone born in %(year)s, not %(born)s: check "
                            "the number and the date of birth."
                        ),
                        code="birth_year",
                        params={"year": century + int(number[4:6]), "born": born.year},
                    ),
                )
            elif sex and sex != coded_sex:
                self.add_error(
                    "document_number",
                    ValidationError(
                        _("This number is of a %(sex)s guest: check the number and the sex."),
                        code="sex",
                        params={"sex": Sex(coded_sex).label.lower()},
                    ),
                )
        if not self.errors:
            self.check_not_staying()
        return cleaned

    def guest_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "sex": data["sex"],
            "birth_date": data["birth_date"],
            "nationality": "VN",
            "document_type": DocumentType.CITIZEN_ID,
            "document_number": data["document_number"],
            "reason": data.get("reason", "").strip(),
        }


class GuestFormSet(forms.BaseFormSet):
    """The guests of one room. A blank guest form after the first is ignored, so that "Add
    another guest" clicked once too often does not block the submit."""

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        if i >= 1:
            kwargs["empty_permitted"] = True
        return super()._construct_form(i, **kwargs)

    def filled_forms(self) -> list[GuestForm]:
        return [form for form in self.forms if form.cleaned_data]

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: dict[tuple[str, str, str], int] = {}
        for form in self.filled_forms():
            key = form.document_key()
            if key in seen:
                form.add_error(
                    "document_number",
                    ValidationError(
                        _("The same document is entered for two guests."), code="duplicate"
                    ),
                )
            elif key is not None:
                seen[key] = 1

    def warnings(self, stay: StayForm) -> list[str]:
        """Documents that run out before the stay does (warnings, not errors)."""
        if not stay.is_bound or stay.errors:
            return []
        result = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            for warning in document_warnings(
                document_expiry=data.get("document_expiry"),
                visa_expiry=data.get("visa_expiry"),
                arrival=stay.cleaned_data["arrival"],
                expected_departure=stay.cleaned_data["expected_departure"],
            ):
                result.append(f"{data.get('full_name', '')}: {warning}")
        return result


def guest_formset_class(form: type[GuestForm]) -> type[GuestFormSet]:
    return forms.formset_factory(
        form,
        formset=GuestFormSet,
        extra=0,
        min_num=1,
        validate_min=True,
        max_num=MAX_GUESTS,
        validate_max=True,
        # Django builds up to max_num + 1000 forms from a posted TOTAL_FORMS: 1000 guest forms
        # took a minute to render (23 MB). Past MAX_GUESTS the rest are not even built.
        absolute_max=MAX_GUESTS,
    )


ForeignerFormSet = guest_formset_class(ForeignerForm)
CitizenFormSet = guest_formset_class(CitizenForm)
GUEST_FORMS: dict[str, type[GuestForm]] = {
    DeclarationKind.FOREIGNER: ForeignerForm,
    DeclarationKind.CITIZEN: CitizenForm,
}


class CheckOutForm(forms.Form):
    """When the guests left, in Viet Nam's local time: not in the future, not before any of
    them arrived."""

    departed_at = forms.DateTimeField(
        label=_("Departure time"),
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, latest_arrival: datetime | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.latest_arrival = latest_arrival
        now = deadlines.to_local(timezone.now())
        self.fields["departed_at"].widget.attrs["max"] = now.strftime("%Y-%m-%dT%H:%M")
        if latest_arrival is not None:
            self.fields["departed_at"].widget.attrs["min"] = deadlines.to_local(
                latest_arrival
            ).strftime("%Y-%m-%dT%H:%M")
        if not self.is_bound:
            self.initial["departed_at"] = now.replace(second=0, microsecond=0, tzinfo=None)

    def clean_departed_at(self) -> datetime:
        at = self.cleaned_data["departed_at"]
        # The box carries no offset: it is read as local time (TIME_ZONE), whatever the server.
        at = at.replace(tzinfo=None).replace(tzinfo=deadlines.LOCAL_TZ)
        if at > timezone.now():
            raise ValidationError(_("The departure time cannot be in the future."))
        if self.latest_arrival is not None and at < self.latest_arrival.replace(
            second=0, microsecond=0
        ):
            raise ValidationError(
                _("The departure time cannot be before the arrival (%(arrival)s).")
                % {"arrival": show_datetime(self.latest_arrival)}
            )
        return at
