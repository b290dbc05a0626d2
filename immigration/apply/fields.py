"""Which fields each kind of application asks, and which of them submission requires,
following the official forms (README: "The application forms: fields and sources"): NA5, the
request for a visa or a stay extension (Circular 04/2015/TT-BCA, as replaced by Circular
22/2023/TT-BCA), and NA8, the request for a temporary-residence card."""

from __future__ import annotations

from ..models import Application, Kind, Purpose

# Copied from the guest's declaration or from the applicant: shown as a summary, editable.
IDENTITY = ("full_name", "sex", "birth_date", "nationality", "passport_number", "passport_expiry")
PERMIT = ("permit_type", "permit_number", "permit_expiry", "entry_date", "entry_port")
STAY = ("address", "ward")
SPONSOR = ("sponsor_name", "sponsor_address", "sponsor_phone", "signed_by", "signer_title")

# Everything each form asks, in the form's order.
FIELDS: dict[str, tuple[str, ...]] = {
    Kind.VISA: (
        *IDENTITY,
        "occupation",
        *PERMIT,
        "purpose",
        "requested_from",
        "requested_until",
        "entries",
        *STAY,
        *SPONSOR,
    ),
    Kind.STAY_EXTENSION: (
        *IDENTITY,
        "occupation",
        *PERMIT,
        "purpose",
        "requested_until",
        *STAY,
        *SPONSOR,
    ),
    Kind.RESIDENCE_CARD: (
        *IDENTITY,
        "occupation",
        *PERMIT,
        "purpose",
        "work_permit_number",
        "requested_from",
        "requested_until",
        *STAY,
        *SPONSOR,
    ),
}

# What submission cannot go without. The signer's position is asked but may be blank (a
# lodging run by one person), as may the permit number of a visa exemption.
_COMMON_REQUIRED = (
    *IDENTITY,
    "permit_type",
    "permit_expiry",
    "entry_date",
    "purpose",
    "requested_until",
    "address",
    "ward",
    "sponsor_name",
    "sponsor_address",
    "sponsor_phone",
    "signed_by",
)
REQUIRED: dict[str, tuple[str, ...]] = {
    Kind.VISA: (*_COMMON_REQUIRED, "requested_from", "entries"),
    Kind.STAY_EXTENSION: _COMMON_REQUIRED,
    Kind.RESIDENCE_CARD: (*_COMMON_REQUIRED, "occupation", "requested_from"),
}


def required_fields(application: Application) -> tuple[str, ...]:
    """The fields submission requires of this application: the kind's, plus what its own
    answers call for (a work permit for a card to work with one; a permit's number unless
    the foreigner entered visa-free)."""
    required = list(REQUIRED[application.kind])
    if application.kind == Kind.RESIDENCE_CARD and application.purpose == Purpose.WORK_PERMIT:
        required.append("work_permit_number")
    if application.permit_type and application.permit_type != "exemption":
        required.append("permit_number")
    return tuple(required)
