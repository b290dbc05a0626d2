"""Who may see what of the immigration app: one helper per access rule. Every page fetches
through these.

- An applicant (a lodging's owner or receptionist, or a sponsoring organisation's account) sees
  the applications of its own lodging or organisation, drafts included.
- An immigration officer sees the applications submitted to the office of their province,
  never a draft.
- A ward officer or commander sees the confirmation-of-residence requests for addresses in
  their ward.

Another lodging's, organisation's, province's or ward's id is a 404, as if it did not exist;
the wrong role is a 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from establishments.access import establishment_for, owned_establishment
from establishments.models import Establishment
from establishments.models import Status as EstablishmentStatus
from luutru.models import ESTABLISHMENT_ROLES, WARD_ROLES, ImmigrationOfficer, Province, Role, User
from wards.access import commanded_ward_or_403, officer_ward_or_403

from .models import (
    Application,
    Attachment,
    ResidenceConfirmation,
    Sponsor,
    SponsorStaff,
    SponsorStatus,
    State,
    Survey,
)


@dataclass(frozen=True)
class Applicant:
    """Who files: exactly one of a lodging or a sponsoring organisation."""

    establishment: Establishment | None = None
    sponsor: Sponsor | None = None

    @property
    def province(self) -> Province:
        if self.establishment is not None:
            return self.establishment.ward.province
        return self.sponsor.province

    def scope(self) -> dict:
        """The filter (and the create() fields) of this applicant's applications."""
        if self.establishment is not None:
            return {"establishment": self.establishment}
        return {"sponsor": self.sponsor}


def sponsor_for(user: User) -> Sponsor | None:
    """The organisation of a sponsor's account, or None for anyone else."""
    if not user.is_authenticated or user.role != Role.SPONSOR:
        return None
    staff = SponsorStaff.objects.select_related("sponsor__province").filter(user=user).first()
    return staff.sponsor if staff else None


def applicant_or_403(user: User) -> Applicant:
    """The lodging or organisation a user applies for. Only an active lodging or an approved
    organisation applies."""
    if user.is_authenticated and user.role in ESTABLISHMENT_ROLES:
        establishment = establishment_for(user)
        if establishment.status != EstablishmentStatus.ACTIVE:
            raise PermissionDenied
        return Applicant(establishment=establishment)
    sponsor = sponsor_for(user)
    if sponsor is None or sponsor.status != SponsorStatus.ACTIVE:
        raise PermissionDenied
    return Applicant(sponsor=sponsor)


def office_province_or_403(user: User) -> Province:
    """The province whose immigration office this officer works for."""
    if not user.is_authenticated or user.role != Role.IMMIGRATION_OFFICER:
        raise PermissionDenied
    membership = ImmigrationOfficer.objects.select_related("province").filter(user=user).first()
    if membership is None:
        raise PermissionDenied
    return membership.province


def applications_for(user: User) -> QuerySet[Application]:
    """The applications this user may open: its own as an applicant, its province's submitted
    ones as an immigration officer; a 403 for anyone else."""
    if user.is_authenticated and user.role == Role.IMMIGRATION_OFFICER:
        province = office_province_or_403(user)
        return Application.objects.filter(province=province).exclude(state=State.DRAFT)
    applicant = applicant_or_403(user)
    return Application.objects.filter(**applicant.scope())


def get_application_for_user(user: User, pk: int) -> Application:
    return get_object_or_404(
        applications_for(user).select_related(
            "province", "ward__province", "establishment", "sponsor"
        ),
        pk=pk,
    )


def get_attachment_for_user(user: User, pk: int) -> Attachment:
    """A file of an application the user may open."""
    return get_object_or_404(
        Attachment.objects.filter(application__in=applications_for(user)).select_related(
            "application"
        ),
        pk=pk,
    )


def confirmations_for(user: User) -> QuerySet[ResidenceConfirmation]:
    """The confirmation-of-residence requests for addresses in the officer's ward."""
    ward = officer_ward_or_403(user)
    return ResidenceConfirmation.objects.filter(ward=ward).select_related(
        "application", "ward__province"
    )


def get_confirmation_for_user(user: User, pk: int) -> ResidenceConfirmation:
    return get_object_or_404(confirmations_for(user), pk=pk)


def sponsors_for(user: User) -> QuerySet[Sponsor]:
    """The organisations registered with the officer's immigration office."""
    return Sponsor.objects.filter(province=office_province_or_403(user))


def get_sponsor_for_user(user: User, pk: int) -> Sponsor:
    return get_object_or_404(sponsors_for(user), pk=pk)


# --- listening: the opinion surveys (immigration.listening) -------------------------------------


def survey_area_or_403(user: User) -> dict:
    """The area whose surveys the user reads: an immigration officer's province, a ward
    officer's or commander's ward (as a filter of Survey)."""
    if user.is_authenticated and user.role == Role.IMMIGRATION_OFFICER:
        return {"province": office_province_or_403(user)}
    return {"ward": officer_ward_or_403(user)}


def survey_author_area_or_403(user: User) -> dict:
    """Where the user may send a survey: the office to its province, a commander to the
    ward; a ward officer reads the results but does not send."""
    if user.is_authenticated and user.role == Role.IMMIGRATION_OFFICER:
        return {"province": office_province_or_403(user)}
    return {"ward": commanded_ward_or_403(user)}


def surveys_for(user: User) -> QuerySet[Survey]:
    return Survey.objects.filter(**survey_area_or_403(user)).select_related(
        "province", "ward__province"
    )


def get_survey_for_user(user: User, pk: int) -> Survey:
    """A survey of the user's area; another province's or ward's is a 404. A ward's survey is
    its police's: to an immigration officer it is a 403, as the route is to anyone but them."""
    area = survey_area_or_403(user)
    if "province" in area and Survey.objects.filter(pk=pk, ward__isnull=False).exists():
        raise PermissionDenied
    return get_object_or_404(surveys_for(user), pk=pk)


def surveys_to_answer(user: User) -> tuple[Establishment, QuerySet[Survey]]:
    """The owner's lodging and the surveys sent to it: its ward's and its province's."""
    establishment = owned_establishment(user)
    ward = establishment.ward
    return establishment, Survey.objects.filter(
        Q(ward=ward) | Q(province_id=ward.province_id)
    ).select_related("province", "ward")


def get_survey_to_answer(user: User, pk: int) -> tuple[Establishment, Survey]:
    establishment, surveys = surveys_to_answer(user)
    return establishment, get_object_or_404(surveys, pk=pk)


# --- the confirmation of residence (immigration.residence) ---------------------------------------


def get_own_application_for_user(user: User, pk: int) -> Application:
    """An application the user files, as its applicant: the office reads the applications of
    its province but does not act for their applicants (a 403)."""
    applicant_or_403(user)
    return get_application_for_user(user, pk)


def issued_confirmations_for(user: User) -> QuerySet[ResidenceConfirmation]:
    """The confirmations whose PDF the user may open: those of its own applications for an
    applicant, of its ward for the ward police, of its province's applications for the
    immigration office."""
    if user.is_authenticated and user.role in WARD_ROLES:
        scoped = confirmations_for(user)
    else:
        scoped = ResidenceConfirmation.objects.filter(application__in=applications_for(user))
    return scoped.select_related("application", "ward__province", "decided_by")


def get_issued_confirmation_for_user(user: User, pk: int) -> ResidenceConfirmation:
    return get_object_or_404(issued_confirmations_for(user), pk=pk)
