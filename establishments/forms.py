from __future__ import annotations

import re
import uuid

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models import Value
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from luutru import directory
from luutru.formfields import RefusalReasonField
from luutru.http import is_id
from luutru.models import User, Ward

from .models import Application, ApplicationStatus, Kind


def collapse_whitespace(value: str) -> str:
    return " ".join(value.split())


def normalise_phone(value: str) -> str:
    """A Vietnamese mobile number as 10 digits starting with 0: "+84 912.345.678" ->
    "0912345678"."""
    raw = re.sub(r"[\s.\-()]", "", value)
    if raw.startswith("+84"):
        raw = "0" + raw[3:].removeprefix("0")
    elif raw.startswith("84") and len(raw) == 11:
        raw = "0" + raw[2:]
    if not re.fullmatch(r"0[35789][0-9]{8}", raw):
        raise forms.ValidationError(
            _(
                "Enter a Vietnamese mobile number of 10 digits, "
                "such as 0912 345 678 or +84 912 345 678."
            ),
            code="invalid_phone",
        )
    return raw


def normalise_business_registration_number(value: str) -> str:
    """An enterprise code is 10 digits; a branch's is 13, written as the 10 of its enterprise,
    a dash and 3 more. Stored in that written form: "0101234567" or "0101234567-001"."""
    raw = re.sub(r"[\s.]", "", value)
    match = re.fullmatch(r"([0-9]{10})(?:-?([0-9]{3}))?", raw)
    if match is None:
        raise forms.ValidationError(
            _(
                "Enter the 10-digit enterprise code, or 13 digits for a branch "
                "(for example 0101234567 or 0101234567-001)."
            ),
            code="invalid_business_registration_number",
        )
    enterprise, branch = match.groups()
    return f"{enterprise}-{branch}" if branch else enterprise


class WardSearchSelect(forms.Select):
    """The ward <select> without the 3,321 wards: only the placeholder and the ward chosen so
    far, so that a form shown again after an error keeps it. static/js/ward-search.js fills it
    from the ward search as the applicant types (establishments:ward_search); without
    JavaScript, the "Find" button beside the search field fills it from the server. The field
    still accepts any ward (ModelChoiceField validates against every ward)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"data-ward-search": "", **(attrs or {})})
        self.found: list[directory.Match] = []

    def get_context(self, name, value, attrs):
        choices = [("", _("Choose the ward or commune"))]
        choices += [(match.pk, match.label) for match in self.found]
        chosen = str(value[0] if isinstance(value, list | tuple) and value else value or "")
        if is_id(chosen) and int(chosen) not in {match.pk for match in self.found}:
            ward = Ward.objects.select_related("province").filter(pk=int(chosen)).first()
            if ward is not None:
                choices.append((ward.pk, directory.ward_label(ward.name, ward.province.name)))
        self.choices = choices
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-endpoint": reverse("establishments:ward_search"),
                "data-choose-text": str(_("Choose among %(count)s wards")),
                "data-none-text": str(_("No ward matches: check the spelling.")),
                "data-closest-text": str(
                    _(
                        "No ward has all these words; the closest names are listed. Wards "
                        "merged in 2025 go by their new name."
                    )
                ),
            }
        )
        return context


class ApplicationForm(forms.Form):
    # Generated when the page is shown, so that a double-submit of the same page can be told
    # apart from a second application that merely looks the same.
    submission = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name of the establishment"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Choose the kind of lodging")), *Kind.choices]
    )
    star_rating = forms.TypedChoiceField(
        label=_("Star rating"),
        help_text=_("Hotels only. Leave empty if the hotel has not been rated."),
        choices=[("", _("Not rated"))] + [(n, str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        help_text=_("House number and street; the ward is chosen below."),
    )
    ward_search = forms.CharField(
        label=_("Search for a ward"),
        required=False,
        max_length=directory.MAX_QUERY_LENGTH,
        help_text=_("Type its name, e.g. Hoan Kiem; accents may be left out."),
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    ward = forms.ModelChoiceField(
        label=_("Ward or commune"),
        queryset=Ward.objects.all(),
        widget=WardSearchSelect,
        help_text=_("The ward police who will receive your guest declarations."),
    )
    business_registration_number = forms.CharField(
        label=_("Business registration number"),
        max_length=20,
        required=False,
        help_text=_(
            "The enterprise code (10 digits) or branch code (13 digits). "
            "Not needed for a private home let to foreigners."
        ),
    )
    room_count = forms.IntegerField(
        label=_("Number of rooms"),
        min_value=1,
        max_value=5000,
    )
    owner_name = forms.CharField(label=_("Owner's full name"), max_length=150)
    owner_phone = forms.CharField(
        label=_("Owner's phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    owner_email = forms.EmailField(
        label=_("Owner's e-mail"),
        help_text=_("The decision and the account links are sent to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4().hex)

    def clean_name(self) -> str:
        return collapse_whitespace(self.cleaned_data["name"])

    def clean_address(self) -> str:
        return collapse_whitespace(self.cleaned_data["address"])

    def clean_owner_name(self) -> str:
        return collapse_whitespace(self.cleaned_data["owner_name"])

    def clean_owner_phone(self) -> str:
        return normalise_phone(self.cleaned_data["owner_phone"])

    def clean_owner_email(self) -> str:
        local, _at, domain = self.cleaned_data["owner_email"].strip().rpartition("@")
        return f"{local}@{domain.lower()}"

    def clean_business_registration_number(self) -> str:
        value = self.cleaned_data["business_registration_number"].strip()
        return normalise_business_registration_number(value) if value else ""

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if kind and kind != Kind.HOTEL:
            data["star_rating"] = None  # only hotels are rated
        if (
            kind
            and kind != Kind.PRIVATE_HOME
            and "business_registration_number" in data
            and not data["business_registration_number"]
        ):
            self.add_error(
                "business_registration_number",
                forms.ValidationError(
                    _("Required for every kind of establishment but a private home."),
                    code="required",
                ),
            )
        if not self.errors and self.pending_duplicate_exists():
            self.add_error(None, duplicate_error())
        return data

    def pending_duplicate_exists(self) -> bool:
        # The same comparison as the constraint `application_no_pending_duplicate`.
        data = self.cleaned_data
        return (
            Application.objects.filter(status=ApplicationStatus.PENDING, ward=data["ward"])
            .alias(
                lower_name=Lower("name"),
                lower_address=Lower("address"),
                lower_email=Lower("owner_email"),
            )
            .filter(
                lower_name=Lower(Value(data["name"])),
                lower_address=Lower(Value(data["address"])),
                lower_email=Lower(Value(data["owner_email"])),
            )
            .exists()
        )


def duplicate_error() -> forms.ValidationError:
    return forms.ValidationError(
        _(
            "This establishment has already applied with the same address and e-mail, and the "
            "ward police have not decided yet. You will receive an e-mail when they do."
        ),
        code="duplicate",
    )


class RefusalForm(forms.Form):
    reason = RefusalReasonField(help_text=_("Sent to the applicant by e-mail."))


# Usernames of the two accounts issued on approval: "<ward code>-<number>-owner" / "-desk".
ISSUED_USERNAME = re.compile(r"^[0-9]+-[0-9]+-(owner|desk)$", re.IGNORECASE)


class ReceptionistForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("What they type to log in. Letters, digits and @ . + - _ only."),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_(
            "The set-password link is sent here. Without an e-mail address, the link is "
            "shown to you once, to hand over yourself."
        ),
    )

    def clean_full_name(self) -> str:
        return collapse_whitespace(self.cleaned_data["full_name"])

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if ISSUED_USERNAME.match(username):
            raise forms.ValidationError(
                _("Names of this form are kept for the accounts the police issue."),
                code="reserved",
            )
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken. Choose another."), code="taken")
        return username


class ReceptionistTwoFactorForm(forms.Form):
    receptionist_2fa_required = forms.BooleanField(
        label=_("Receptionists must use two-factor authentication"), required=False
    )
