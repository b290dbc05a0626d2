from __future__ import annotations

import re
import uuid

from django import forms
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from luutru.formfields import RefusalReasonField
from luutru.models import Province

from ..models import Sponsor, SponsorKind, SponsorStatus


def _collapse(value: str) -> str:
    return " ".join(value.split())


def normalise_registration_number(value: str) -> str:
    """An organisation's code (mã số doanh nghiệp / mã số thuế): 10 digits, or 13 for a branch
    or a dependent unit, written as the 10 of its parent, a dash and 3 more."""
    raw = re.sub(r"[\s.]", "", value)
    match = re.fullmatch(r"([0-9]{10})(?:-?([0-9]{3}))?", raw)
    if match is None:
        raise forms.ValidationError(
            _(
                "Enter the organisation's 10-digit code, or 13 digits for a branch "
                "(for example 0101234567 or 0101234567-001)."
            ),
            code="invalid_registration_number",
        )
    parent, branch = match.groups()
    return f"{parent}-{branch}" if branch else parent


def normalise_contact_phone(value: str) -> str:
    """A Vietnamese mobile or landline number as digits starting with 0: "+84 24 3825 0000"
    -> "02438250000"."""
    raw = re.sub(r"[\s.\-()]", "", value)
    if raw.startswith("+84"):
        raw = "0" + raw[3:].removeprefix("0")
    elif raw.startswith("84") and len(raw) in (11, 12):
        raw = "0" + raw[2:]
    if not re.fullmatch(r"0[1-9][0-9]{8,9}", raw):
        raise forms.ValidationError(
            _("Enter a Vietnamese phone number, such as 024 3825 0000 or 0912 345 678."),
            code="invalid_phone",
        )
    return raw


class SponsorForm(forms.Form):
    # Generated when the page is shown: a double-submit of the same page files one registration.
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=[("", _("Choose the kind of organisation")), *SponsorKind.choices],
    )
    registration_number = forms.CharField(
        label=_("Enterprise or tax code"),
        max_length=20,
        help_text=_("10 digits, or 13 for a branch, as on the registration certificate."),
    )
    address = forms.CharField(label=_("Head office address"), max_length=300)
    province = forms.ModelChoiceField(
        label=_("Province or city"),
        queryset=Province.objects.order_by("name"),
        empty_label=_("Choose the province or city"),
        help_text=_("The immigration office of this province reviews the registration."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=150)
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail"),
        help_text=_("The decision and the link to the new account are sent to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4().hex)

    def clean_submission(self) -> uuid.UUID | None:
        # A token that is not ours (a stale or hand-made page) just files without one.
        try:
            return uuid.UUID(self.cleaned_data["submission"])
        except ValueError:
            return None

    def clean_name(self) -> str:
        return _collapse(self.cleaned_data["name"])

    def clean_address(self) -> str:
        return _collapse(self.cleaned_data["address"])

    def clean_contact_name(self) -> str:
        return _collapse(self.cleaned_data["contact_name"])

    def clean_registration_number(self) -> str:
        return normalise_registration_number(self.cleaned_data["registration_number"])

    def clean_contact_phone(self) -> str:
        return normalise_contact_phone(self.cleaned_data["contact_phone"])

    def clean_contact_email(self) -> str:
        local, _at, domain = self.cleaned_data["contact_email"].strip().rpartition("@")
        return f"{local}@{domain.lower()}"

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and self.pending_duplicate_exists():
            self.add_error(None, duplicate_error())
        return data

    def pending_duplicate_exists(self) -> bool:
        data = self.cleaned_data
        return (
            Sponsor.objects.filter(
                status=SponsorStatus.PENDING,
                province=data["province"],
                registration_number=data["registration_number"],
            )
            .alias(lower_name=Lower("name"), lower_email=Lower("contact_email"))
            .filter(
                lower_name=Lower(Value(data["name"])),
                lower_email=Lower(Value(data["contact_email"])),
            )
            .exists()
        )


def duplicate_error() -> forms.ValidationError:
    return forms.ValidationError(
        _(
            "This organisation has already registered with the same code and e-mail, and the "
            "immigration office has not decided yet. You will receive an e-mail when it does."
        ),
        code="duplicate",
    )


class SponsorRefusalForm(forms.Form):
    reason = RefusalReasonField(help_text=_("Sent to the organisation's contact by e-mail."))
